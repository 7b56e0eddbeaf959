// SPDX-License-Identifier: MIT
// Hostile clients over real loopback sockets, against the real server on its own thread: thousands of idle or
// half-open connections, a client sending one byte per 100 ms, clients that never read a large CSV, malformed
// percent-encoding, SQL metacharacters in key and token, and path traversal. Each gets a clean answer (or a
// closed connection), the server stays within its bounds, and a normal client is served all along.
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Kodemon;
using namespace Kodemon::Test;
using namespace std::chrono_literals;

class tst_HttpHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void thousandsOfIdleConnections();
    void thousandsOfHalfOpenRequests();
    void oneBytePer100ms();
    void clientsThatNeverReadALargeCsv();
    void malformedPercentEncoding_data();
    void malformedPercentEncoding();
    void sqlMetacharacters_data();
    void sqlMetacharacters();
    void sqlMetacharactersInTokens();
    void databaseIsIntactAfterwards();
    void pathTraversal_data();
    void pathTraversal();

private:
    void startServer(HttpListener::Options connections);
    void floodAndCheck(const QByteArray& firstBytes);
    int serverSideSockets() const;
    qint64 sampleCount();

    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<HttpServer> m_server;
    qint64 m_storedSamples = 0;
};

namespace {

constexpr int FloodSize = 2000;
constexpr int MaxConnections = 64;
const QString Big = QStringLiteral("big.py-export");
constexpr int BigRows = 150000;

// Keys and tokens that would match other rows if they ever reached SQL as text, LIKE or GLOB patterns. Each
// key's calls take a distinct time, so an answer shows whose rows it holds.
const QStringList SqlKeys = { QStringLiteral("' OR 1=1 --"), QStringLiteral("\"; DROP TABLE samples; --"),
    QStringLiteral("%"), QStringLiteral("_"), QStringLiteral("a%"), QStringLiteral("a_c"), QStringLiteral("abc"),
    QStringLiteral("*"), QStringLiteral("[a-z]*"), QStringLiteral("Robert'); DROP TABLE series;--"),
    QStringLiteral("x' UNION SELECT token, key FROM series --"), QStringLiteral("\\"), QStringLiteral("a\\%") };
const QStringList SqlTokens
    = { QStringLiteral("%"), QStringLiteral("_"), QStringLiteral("' OR '1'='1"), QStringLiteral("plain") };
const QString SqlShared = QStringLiteral("shared.py-f");

QByteArray q(const QString& value)
{
    return encodeQueryValue(value);
}

void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 16384);
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int fileLimit()
{
    rlimit limit {};
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 ? int(std::min<rlim_t>(limit.rlim_cur, 1 << 20)) : 1024;
}

// Raw sockets, so that thousands cost the test nothing but file descriptors; closed on destruction.
class RawSockets final
{
public:
    RawSockets() = default;
    ~RawSockets()
    {
        for (const int fd : m_fds)
            ::close(fd);
    }
    Q_DISABLE_COPY_MOVE(RawSockets)

    // Starts a non-blocking connect; the socket receives at most `receiveBuffer` bytes at a time when given.
    bool open(quint16 port, int receiveBuffer = 0)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return false;
        if (receiveBuffer > 0)
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
            ::close(fd);
            return false;
        }
        m_fds.push_back(fd);
        return true;
    }

    // Waits until every socket's connect finished; returns how many did.
    int waitConnected(int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        std::vector<int> pending = m_fds;
        while (!pending.empty() && timer.elapsed() < timeoutMs) {
            std::vector<pollfd> polls;
            for (const int fd : pending)
                polls.push_back({ fd, POLLOUT, 0 });
            ::poll(polls.data(), polls.size(), 100);
            pending.clear();
            for (const auto& p : polls) {
                if (p.revents == 0)
                    pending.push_back(p.fd);
            }
        }
        return int(m_fds.size() - pending.size());
    }

    // Sends `bytes` on every socket (connected ones take them at once).
    void sendAll(const QByteArray& bytes)
    {
        for (const int fd : m_fds)
            ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
    }

    // How many sockets the server has closed (end of stream or reset), reading and keeping what arrived.
    int closedByServer()
    {
        int closed = 0;
        char buffer[4096];
        for (size_t i = 0; i < m_fds.size(); ++i) {
            for (;;) {
                const ssize_t n = ::recv(m_fds[i], buffer, sizeof buffer, MSG_DONTWAIT);
                if (n > 0) {
                    m_received[int(i)] += QByteArray(buffer, int(n));
                    continue;
                }
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                    ++closed;
                break;
            }
        }
        return closed;
    }

    // How many sockets received an answer starting with this status line.
    int answeredWith(const QByteArray& statusLine) const
    {
        return int(std::count_if(m_received.cbegin(), m_received.cend(),
            [&](const QByteArray& bytes) { return bytes.startsWith(statusLine); }));
    }

    int size() const { return int(m_fds.size()); }
    int fd(int i) const { return m_fds.at(size_t(i)); }

private:
    std::vector<int> m_fds;
    QHash<int, QByteArray> m_received;
};

// GET until it is answered with 200; returns the milliseconds that took, or -1 after `timeoutMs`.
qint64 servedWithin(quint16 port, const QByteArray& target, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        HttpClient client(port);
        if (client.connectToServer(timeoutMs) && client.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
            && client.read(timeoutMs).status == 200)
            return timer.elapsed();
        QTest::qWait(20);
    }
    return -1;
}

} // namespace

void tst_HttpHostile::initTestCase()
{
    raiseFileLimit();
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("hostile.sqlite")));
    QVERIFY(m_store->open().ok());
    QList<Sample> batch;
    const QByteArray extra = R"({"request":")" + QByteArray(60, 'r') + R"("})";
    for (int i = 0; i < BigRows; ++i)
        batch.append({ QStringLiteral("t"), Big, 1000.0 + i * 0.01, 1.0 + i % 13, 0, extra });
    for (int i = 0; i < SqlKeys.size(); ++i) {
        for (int n = 0; n <= i; ++n) // key i has i + 1 calls of 100 + i ms
            batch.append({ QStringLiteral("sql"), SqlKeys.at(i), 2000.0 + n, 100.0 + i, 0, {} });
    }
    for (int i = 0; i < SqlTokens.size(); ++i)
        batch.append({ SqlTokens.at(i), SqlShared, 3000.0 + i, 200.0 + i, 0, {} });
    QVERIFY(m_store->createWriter()->write(batch).ok());
    m_storedSamples = batch.size();
}

void tst_HttpHostile::cleanup()
{
    m_server.reset();
}

void tst_HttpHostile::startServer(HttpListener::Options connections)
{
    HttpServer::Options options;
    options.port = 0;
    options.connections = connections;
    m_server = std::make_unique<HttpServer>(m_store, options);
    const auto started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
}

// The server's end of its connections: sockets of this process whose local port is the server's.
int tst_HttpHostile::serverSideSockets() const
{
    int count = 0;
    const auto entries = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const auto& entry : entries) {
        sockaddr_in address {};
        socklen_t length = sizeof address;
        if (::getsockname(entry.toInt(), reinterpret_cast<sockaddr*>(&address), &length) == 0
            && address.sin_family == AF_INET && ntohs(address.sin_port) == m_server->port())
            ++count;
    }
    return count - 1; // the listening socket
}

// Opens FloodSize connections that send `firstBytes` (maybe nothing) and never more, and checks that a normal
// client is served within about evictAfter, the server stays within its bounds, and every flood connection
// is closed once it has idled (or taken) too long.
void tst_HttpHostile::floodAndCheck(const QByteArray& firstBytes)
{
    const int flood = std::min(FloodSize, (fileLimit() - 200) / 2);
    if (flood < FloodSize)
        qWarning("only %d connections: the file descriptor limit is %d", flood, fileLimit());
    RawSockets sockets;
    int mostConnections = 0;
    int mostServerSockets = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < flood; ++i) {
        QVERIFY(sockets.open(m_server->port()));
        if (i % 250 == 249) {
            mostConnections = std::max(mostConnections, m_server->connectionCount());
            mostServerSockets = std::max(mostServerSockets, serverSideSockets());
        }
    }
    const int connected = sockets.waitConnected(15000);
    qInfo("%d of %d connections made in %lld ms", connected, flood, timer.elapsed());
    QVERIFY(connected > flood * 9 / 10);
    if (!firstBytes.isEmpty())
        sockets.sendAll(firstBytes);

    // A normal client is served while the flood holds every connection.
    const qint64 served = servedWithin(m_server->port(), "/api/keys", 10000);
    qInfo("a normal client was served after %lld ms", served);
    QVERIFY(served >= 0);
    QVERIFY2(served < 3000, "more than 3 s for a normal client");
    for (int i = 0; i < 5; ++i) {
        mostConnections = std::max(mostConnections, m_server->connectionCount());
        mostServerSockets = std::max(mostServerSockets, serverSideSockets());
        QVERIFY(servedWithin(m_server->port(), "/api/status", 3000) >= 0);
    }
    qInfo("at most %d connections, %d server-side sockets", mostConnections, mostServerSockets);
    QVERIFY(mostConnections <= MaxConnections);
    QVERIFY(mostServerSockets <= 2 * MaxConnections + 2); // connections plus refusals being answered

    // Every flood connection is closed by the server: idle ones after the idle timeout, refused ones at once.
    QTRY_COMPARE_WITH_TIMEOUT(sockets.closedByServer(), sockets.size(), 10000);
    qInfo("all %d closed by the server after %lld ms; %d answered 503, %d answered 408", sockets.size(),
        timer.elapsed(), sockets.answeredWith("HTTP/1.1 503"), sockets.answeredWith("HTTP/1.1 408"));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 5000);
    QVERIFY(servedWithin(m_server->port(), "/api/keys", 1000) >= 0);
}

void tst_HttpHostile::thousandsOfIdleConnections()
{
    HttpListener::Options options;
    options.maxConnections = MaxConnections;
    options.idleTimeout = 1500ms;
    options.evictAfter = 300ms;
    startServer(options);
    floodAndCheck({});
}

void tst_HttpHostile::thousandsOfHalfOpenRequests()
{
    HttpListener::Options options;
    options.maxConnections = MaxConnections;
    options.idleTimeout = 5000ms; // longer than the request timeout, which must end these connections
    options.requestTimeout = 1500ms;
    options.evictAfter = 300ms;
    startServer(options);
    floodAndCheck("GET /api/keys HTTP/1.1\r\nHost: x\r\nX-Half: ");
}

void tst_HttpHostile::oneBytePer100ms()
{
    HttpListener::Options options;
    options.idleTimeout = 1000ms; // far more than 100 ms: a slow client is not an idle one
    options.requestTimeout = 3000ms;
    startServer(options);
    // One client sends a whole request (2.6 s), another one a head that never ends; a third is served all along.
    const QByteArray request = "GET /api/keys HTTP/1.1\r\n\r\n";
    const QByteArray endless = "GET /api/keys HTTP/1.1\r\nX-Slow: " + QByteArray(100, 's');
    HttpClient slow(m_server->port());
    HttpClient slower(m_server->port());
    HttpClient normal(m_server->port());
    QVERIFY(slow.connectToServer() && slower.connectToServer());
    qint64 worst = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; slower.socket().state() == QAbstractSocket::ConnectedState && i < endless.size(); ++i) {
        if (i < request.size())
            QVERIFY(slow.send(request.mid(i, 1)));
        slower.send(endless.mid(i, 1));
        QElapsedTimer latency;
        latency.start();
        QCOMPARE(normal.get("/api/status").status, 200);
        worst = std::max(worst, latency.elapsed());
        QTest::qWait(int(std::max<qint64>(1, 100 * (i + 1) - timer.elapsed())));
        slower.socket().waitForReadyRead(1);
    }
    const auto answer = slow.read(2000);
    QCOMPARE(answer.status, 200);
    qInfo("the normal client waited at most %lld ms while two clients sent one byte per 100 ms", worst);
    QVERIFY(worst < 1000);
    // The endless head is cut off by the request timeout with 408, not left to run.
    const auto cutOff = slower.read(5000);
    QCOMPARE(cutOff.status, 408);
    QVERIFY(slower.waitForClose(3000));
    qInfo("the endless request was answered 408 after %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() >= 3000 && timer.elapsed() < 6000);
}

void tst_HttpHostile::clientsThatNeverReadALargeCsv()
{
    HttpListener::Options options;
    // Longer than the server takes to start all ten answers: each decodes and formats a first page of 10,000 rows,
    // about 30 ms in a release build and 200-450 ms under AddressSanitizer, where an idle timeout of 1.5 s dropped
    // the first clients before the last had connected.
    options.idleTimeout = 8000ms;
    startServer(options);
    HttpClient reader(m_server->port());
    const auto whole = reader.get("/api/executions?format=csv&key=" + q(Big));
    QCOMPARE(whole.status, 200);
    const qint64 csvBytes = whole.body.size();
    QVERIFY(csvBytes > 10 * 1024 * 1024);
    reader.socket().disconnectFromHost();

    // Ten clients ask for the same CSV and never read a byte of it.
    constexpr int Stalled = 10;
    RawSockets sockets;
    for (int i = 0; i < Stalled; ++i)
        QVERIFY(sockets.open(m_server->port(), 4096));
    QCOMPARE(sockets.waitConnected(5000), Stalled);
    sockets.sendAll("GET /api/executions?format=csv&key=" + q(Big) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), Stalled, 10000);
    // Every answer started (its first page, about 1 MiB, waits in the server): from here on the stalled clients
    // cost the server nothing, which is what the other clients' latency below checks.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->pendingOutputBytes() > Stalled * 512 * 1024, 10000);
    qint64 mostPending = 0;
    qint64 worst = 0;
    for (int i = 0; i < 10; ++i) {
        QTest::qWait(100);
        mostPending = std::max(mostPending, m_server->pendingOutputBytes());
        QElapsedTimer latency;
        latency.start();
        HttpClient normal(m_server->port());
        QCOMPARE(normal.get("/api/stats?key=" + q(Big)).json().object().value(u"count").toInt(), BigRows);
        worst = std::max(worst, latency.elapsed());
    }
    qInfo("%d clients not reading a %lld-byte CSV: at most %lld bytes buffered; other clients waited at most %lld ms",
        Stalled, csvBytes, mostPending, worst);
    QVERIFY(mostPending > 0);
    QVERIFY2(mostPending < Stalled * 2 * 1024 * 1024, "more than 2 MiB buffered per client");
    QVERIFY(worst < 2000);
    // They made no progress for the idle timeout: dropped, and their buffers with them.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 15000);
    QCOMPARE(m_server->pendingOutputBytes(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(sockets.closedByServer(), Stalled, 5000);
}

void tst_HttpHostile::malformedPercentEncoding_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("detailPart");
    QTest::newRow("lone %") << QByteArray("/api/stats?key=%") << 400 << QStringLiteral("%25");
    QTest::newRow("%zz") << QByteArray("/api/stats?key=%zz") << 400 << QStringLiteral("two hex digits");
    QTest::newRow("% and one digit") << QByteArray("/api/stats?key=a%2") << 400 << QStringLiteral("hex");
    QTest::newRow("%%30") << QByteArray("/api/stats?key=%%30") << 400 << QStringLiteral("hex");
    QTest::newRow("%zz in the path") << QByteArray("/assets/%zz") << 400 << QStringLiteral("hex");
    QTest::newRow("%zz in a name") << QByteArray("/api/keys?t%zzoken=a") << 400 << QStringLiteral("hex");
    QTest::newRow("%FF") << QByteArray("/api/stats?key=%FF") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("overlong /") << QByteArray("/api/stats?key=%C0%AF") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("overlong NUL") << QByteArray("/api/stats?key=%C0%80") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("overlong ../") << QByteArray("/api/stats?key=%2E%2E%E0%80%AF") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("surrogate") << QByteArray("/api/stats?key=%ED%A0%80") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("truncated") << QByteArray("/api/stats?key=%E2%82") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("beyond U+10FFFF") << QByteArray("/api/stats?key=%F4%90%80%80") << 400 << QStringLiteral("UTF-8");
    QTest::newRow("raw byte FF") << QByteArray("/api/stats?key=\xff") << 400 << QStringLiteral("ASCII");
    QTest::newRow("raw UTF-8") << QByteArray("/api/stats?key=\xc3\xbc") << 400 << QStringLiteral("ASCII");
    QTest::newRow("bad name") << QByteArray("/api/stats?%FF=1") << 400 << QStringLiteral("parameter name");
    QTest::newRow("bad token") << QByteArray("/api/keys?token=%C0%AF") << 400 << QStringLiteral("token");
    QTest::newRow("%00") << QByteArray("/api/stats?key=%00") << 404 << QStringLiteral("\u0000");
    QTest::newRow("a%00b") << QByteArray("/api/stats?key=a%00b") << 404 << QStringLiteral("a\u0000b");
    QTest::newRow("valid UTF-8") << QByteArray("/api/stats?key=%C3%BC") << 404 << QString::fromUtf8("ü");
    QTest::newRow("encoded %") << QByteArray("/api/stats?key=%25zz") << 404 << QStringLiteral("%zz");
}

void tst_HttpHostile::malformedPercentEncoding()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, detailPart);
    if (!m_server)
        startServer({});
    HttpClient client(m_server->port());
    const auto response = client.get(target);
    QCOMPARE(response.status, status);
    const QString detail = response.json().object().value(u"detail").toString();
    QVERIFY2(detail.contains(detailPart), qPrintable(detail));
    QVERIFY(!detail.contains(QChar::ReplacementCharacter));
    // The server goes on serving, on a new connection when it closed this one.
    HttpClient next(m_server->port());
    QCOMPARE(next.get("/api/keys").status, 200);
}

void tst_HttpHostile::sqlMetacharacters_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("count"); // 0: never sent
    QTest::addColumn<double>("ms");
    for (int i = 0; i < SqlKeys.size(); ++i)
        QTest::newRow(qPrintable(SqlKeys.at(i))) << SqlKeys.at(i) << i + 1 << 100.0 + i;
    for (const char* never : { "%%", "a", "a_", "ab%", "' OR '1'='1", "abc' --", "_%", "?", "\\%", "%' --" })
        QTest::newRow(never) << QString::fromLatin1(never) << 0 << 0.0;
}

// Exactly the key's own rows on every route, or 404: never another key's, never all of them.
void tst_HttpHostile::sqlMetacharacters()
{
    QFETCH(QString, key);
    QFETCH(int, count);
    QFETCH(double, ms);
    if (!m_server)
        startServer({});
    HttpClient client(m_server->port());
    const QByteArray selector = "key=" + q(key);
    const auto stats = client.get("/api/stats?" + selector);
    const auto page = client.get("/api/executions?" + selector);
    const auto csv = client.get("/api/executions?format=csv&" + selector);
    const auto series = client.get("/api/series?" + selector);
    if (count == 0) {
        for (const auto& response : { stats, page, csv, series })
            QCOMPARE(response.status, 404);
        return;
    }
    QCOMPARE(stats.json().object().value(u"count").toInt(), count);
    QCOMPARE(stats.json().object().value(u"min").toDouble(), ms);
    QCOMPARE(stats.json().object().value(u"max").toDouble(), ms);
    const auto rows = page.json().object().value(u"executions").toArray();
    QCOMPARE(rows.size(), count);
    for (const auto& row : rows)
        QCOMPARE(row.toObject().value(u"execution_time").toDouble(), ms);
    const auto lines = parseCsv(csv.body);
    QCOMPARE(lines.size(), count + 1);
    for (qsizetype i = 1; i < lines.size(); ++i)
        QCOMPARE(lines.at(i).at(2), key);
    QCOMPARE(series.status, 200);
    // The key list names it exactly once.
    int listed = 0;
    for (const auto& entry : client.get("/api/keys?token=sql").json().object().value(u"keys").toArray())
        listed += entry.toObject().value(u"key").toString() == key ? 1 : 0;
    QCOMPARE(listed, 1);
}

void tst_HttpHostile::sqlMetacharactersInTokens()
{
    startServer({});
    HttpClient client(m_server->port());
    for (int i = 0; i < SqlTokens.size(); ++i) {
        const QByteArray token = "&token=" + q(SqlTokens.at(i));
        const auto keys = client.get("/api/keys?" + token.mid(1)).json().object().value(u"keys").toArray();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(keys.first().toObject().value(u"token").toString(), SqlTokens.at(i));
        const auto stats = client.get("/api/stats?key=" + q(SqlShared) + token).json().object();
        QCOMPARE(stats.value(u"count").toInt(), 1);
        QCOMPARE(stats.value(u"max").toDouble(), 200.0 + i);
    }
    for (const char* never : { "%%", "' OR 1=1 --", "*", "pla%", "pla_n" }) {
        QCOMPARE(client.get("/api/keys?token=" + q(QString::fromLatin1(never))).json().object().value(u"keys"),
            QJsonArray());
        QCOMPARE(client.get("/api/stats?key=" + q(SqlShared) + "&token=" + q(QString::fromLatin1(never))).status, 404);
    }
}

qint64 tst_HttpHostile::sampleCount()
{
    const QString name = QStringLiteral("hostile-check");
    qint64 count = -1;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_store->location());
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery check(db);
            if (check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next()
                && check.value(0).toString() == u"ok"
                && check.exec(QStringLiteral(
                    "SELECT (SELECT total(sample_count) FROM chunks) + (SELECT total(sample_count) FROM recent)"))
                && check.next())
                count = check.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

void tst_HttpHostile::databaseIsIntactAfterwards()
{
    QCOMPARE(sampleCount(), m_storedSamples);
    startServer({});
    HttpClient client(m_server->port());
    QCOMPARE(
        client.get("/api/keys").json().object().value(u"keys").toArray().size(), 1 + SqlKeys.size() + SqlTokens.size());
}

void tst_HttpHostile::pathTraversal_data()
{
    QTest::addColumn<QByteArray>("target");
    for (const char* target : { "/assets/..", "/assets/../", "/assets/%2e%2e/", "/assets/%2E%2E/CMakeLists.txt",
             "//etc/passwd", "/assets/..%2fCMakeLists.txt", "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
             "/assets/../../../../etc/passwd", "/assets/%2e%2e%2f%2e%2e%2fCMakeLists.txt", "/assets/app.js/../../../x",
             "/assets//etc/passwd", "/assets/.%2e/", "/assets/..%5c..%5cCMakeLists.txt", "/assets/app.js%00.png",
             "/%2e%2e/%2e%2e/etc/passwd", "/assets/:/web/app.js", "/:/api/openapi.json", "/assets/%3A%2Fweb%2Fapp.js",
             "/assets/./app.js", "/assets/APP.JS", "/assets/app.js/", "/assets/", "/index.html", "/assets/index.html",
             "/api/../../etc/passwd", "/api/%2e%2e/keys", "/etc/passwd", "/proc/self/environ", "/assets/~/.bashrc" })
        QTest::newRow(target) << QByteArray(target);
}

// Assets are routes with fixed names, never file paths: every other path is 404 (or 400), never a file, and
// no dot segment or encoded slash reaches an asset either.
void tst_HttpHostile::pathTraversal()
{
    QFETCH(QByteArray, target);
    if (!m_server)
        startServer({});
    HttpClient client(m_server->port());
    const auto response = client.get(target);
    QVERIFY2(response.status == 404 || response.status == 400, qPrintable(QString::number(response.status)));
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    for (const char* secret : { "cmake_minimum_required", "root:", "PATH=", "kodemon_add_test", "function" })
        QVERIFY2(!response.body.contains(secret), secret);
    QCOMPARE(client.get("/assets/app.js").status, 200); // the real asset, on the same connection
}

QTEST_GUILESS_MAIN(tst_HttpHostile)
#include "tst_httphostile.moc"
