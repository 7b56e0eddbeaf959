// SPDX-License-Identifier: MIT
// The HTTP server's connection handling over real loopback sockets: idle connections are closed, oversized
// requests get 411/413/414/431, keep-alive answers do not wait for acknowledgements, connections beyond the bound
// get 503, "Connection: close" and HTTP/1.0 are honoured, clients that vanish mid-answer do not hurt the server,
// and a port in use is reported in words.
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <algorithm>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;
using namespace std::chrono_literals;

class tst_HttpServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void keepAliveServesManyRequests();
    void keepAliveAnswersDoNotWaitForAcknowledgements_data();
    void keepAliveAnswersDoNotWaitForAcknowledgements();
    void idleConnectionsAreClosed();
    void silentConnectionsAreClosed();
    void unparsableRequestsDoNotHang();
    void oversizedRequests_data();
    void oversizedRequests();
    void requestsJustUnderTheLimitsPass();
    void connectionsBeyondTheBoundGet503();
    void connectionCloseIsHonoured();
    void http10GetsABodyEndedByClose();
    void clientsThatLeaveEarlyDoNotHurt();
    void portInUseIsReported();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<HttpServer> m_server;
};

namespace {

constexpr int IdleMs = 400;
constexpr int MaxConnections = 6;
const QByteArray Big = "/api/executions?format=csv&key=big";

} // namespace

void tst_HttpServer::initTestCase()
{
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("server.sqlite")));
    QVERIFY(m_store->open().ok());
    QList<Sample> batch;
    for (int i = 0; i < 60000; ++i)
        batch.append({ QStringLiteral("t"), QStringLiteral("big"), 1000.0 + i, 1.0 + i % 7, 0, {} });
    QVERIFY(m_store->createWriter()->write(batch).ok());

    HttpServer::Options options;
    options.port = 0;
    options.connections.idleTimeout = std::chrono::milliseconds(IdleMs);
    options.connections.maxConnections = MaxConnections;
    m_server = std::make_unique<HttpServer>(m_store, options);
    QVERIFY(m_server->start().ok());
}

void tst_HttpServer::cleanupTestCase()
{
    m_server.reset();
}

void tst_HttpServer::keepAliveServesManyRequests()
{
    HttpClient client(m_server->port());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(client.get("/api/keys").status, 200);
    // Two requests sent at once are both answered, in order.
    QVERIFY(client.send("GET /api/keys HTTP/1.1\r\nHost: x\r\n\r\nGET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n"));
    QCOMPARE(client.read().status, 200);
    QCOMPARE(client.read().status, 404);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
}

void tst_HttpServer::keepAliveAnswersDoNotWaitForAcknowledgements_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("functions") << QByteArray("/api/functions?from=0");
    QTest::newRow("keys") << QByteArray("/api/keys");
    QTest::newRow("status") << QByteArray("/api/status");
    QTest::newRow("stats") << QByteArray("/api/stats?key=/srv/app/module1.py-handler&from=0");
    QTest::newRow("executions") << QByteArray("/api/executions?key=/srv/app/module1.py-handler&limit=10");
    QTest::newRow("not found") << QByteArray("/api/nope");
}

// A head written apart from its body, with Nagle's algorithm on, waited for the client's delayed acknowledgement:
// /api/functions over 30 functions answered this client in 44 ms instead of 1 (2026-12-07; the same
// with python-requests). The first answer on a new connection never waits (the client acknowledges at once while
// the connection is new), so it is the reference: a slow machine slows both alike, the 40 ms delay only the
// reused connection. Medians of ten, interleaved, so that one stall on a loaded CI machine decides nothing.
void tst_HttpServer::keepAliveAnswersDoNotWaitForAcknowledgements()
{
    QFETCH(QByteArray, path);
    auto store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("keepalive.sqlite")));
    QVERIFY(store->open().ok());
    if (store->createReader()->listSeries(std::nullopt)->isEmpty()) {
        QList<Sample> batch;
        for (int i = 0; i < 3000; ++i) {
            batch.append({ QStringLiteral("t"), QStringLiteral("/srv/app/module%1.py-handler").arg(i % 30), 1000.0 + i,
                1.0 + i % 7, 0, {} });
        }
        QVERIFY(store->createWriter()->write(batch).ok());
    }
    HttpServer::Options options;
    options.port = 0;
    HttpServer server(store, options);
    QVERIFY(server.start().ok());
    HttpClient client(server.port());
    QVERIFY(client.get(path).status > 0); // the server thread's first answer opens its database connection
    QList<qint64> reused;
    QList<qint64> fresh;
    for (int i = 0; i < 10; ++i) {
        QElapsedTimer timer;
        timer.start();
        QVERIFY(client.get(path).status > 0);
        reused.append(timer.elapsed());
        timer.restart();
        HttpClient once(server.port());
        QVERIFY(once.get(path).status > 0);
        fresh.append(timer.elapsed());
    }
    const auto median = [](QList<qint64> times) {
        std::sort(times.begin(), times.end());
        return times.at(times.size() / 2);
    };
    QVERIFY2(median(reused) < median(fresh) + 25,
        qPrintable(QStringLiteral("answers on the reused connection took %1 ms (median), on new ones %2 ms")
                       .arg(median(reused))
                       .arg(median(fresh))));
}

void tst_HttpServer::idleConnectionsAreClosed()
{
    HttpClient client(m_server->port());
    QCOMPARE(client.get("/api/status").status, 200);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.waitForClose(IdleMs * 10));
    QVERIFY2(timer.elapsed() >= IdleMs / 2, "closed before the connection was idle for the timeout");
}

void tst_HttpServer::silentConnectionsAreClosed()
{
    HttpClient client(m_server->port());
    QVERIFY(client.connectToServer());
    QVERIFY(client.waitForClose(IdleMs * 10));
    // A half-sent request does not keep a connection open either.
    QVERIFY(client.connectToServer());
    QVERIFY(client.send("GET /api/keys HTTP/1.1\r\nHost: x\r\n"));
    QVERIFY(client.waitForClose(IdleMs * 10));
}

void tst_HttpServer::unparsableRequestsDoNotHang()
{
    // Qt's parser gives up on such a connection; it must end, not linger, and the server must go on.
    HttpClient client(m_server->port());
    QVERIFY(client.connectToServer());
    QVERIFY(client.send("\x01\x02 garbage \xff\r\n\r\n"));
    QVERIFY(client.waitForClose(IdleMs * 10));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, IdleMs * 10);
    HttpClient next(m_server->port());
    QCOMPARE(next.get("/api/keys").status, 200);
    // A method Qt does not know still gets 405 with Allow.
    const auto unknown = next.request("FROB", "/api/keys");
    QCOMPARE(unknown.status, 405);
    QCOMPARE(unknown.header("Allow"), QByteArray("GET, HEAD"));
}

void tst_HttpServer::oversizedRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("long URL") << QByteArray("GET /api/executions?key=" + QByteArray(20000, 'k') + " HTTP/1.1\r\n\r\n")
                              << 414;
    QTest::newRow("URL longer than Qt's parser takes")
        << QByteArray("GET /?" + QByteArray(100000, 'k') + " HTTP/1.1\r\n\r\n") << 414;
    QTest::newRow("large header") << QByteArray("GET / HTTP/1.1\r\nCookie: " + QByteArray(40000, 'c') + "\r\n\r\n")
                                  << 431;
    QTest::newRow("many headers") << QByteArray("GET / HTTP/1.1\r\n" + QByteArray("X-A: b\r\n").repeated(5000) + "\r\n")
                                  << 431;
    QTest::newRow("large body") << QByteArray(
        "POST /api/keys HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n" + QByteArray(100000, 'b'))
                                << 413;
    QTest::newRow("chunked body") << QByteArray(
        "POST /api/keys HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                                  << 411;
    QTest::newRow("bad length") << QByteArray("POST /api/keys HTTP/1.1\r\nContent-Length: lots\r\n\r\n") << 400;
}

void tst_HttpServer::oversizedRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    HttpClient client(m_server->port());
    QVERIFY(client.connectToServer());
    client.socket().write(request); // the server may answer before it has read everything
    const auto response = client.read(5000);
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QVERIFY(!response.json().object().value(u"detail").toString().isEmpty());
    QVERIFY(client.waitForClose(5000));
}

void tst_HttpServer::requestsJustUnderTheLimitsPass()
{
    HttpClient client(m_server->port());
    const QByteArray key = QByteArray(15000, 'k');
    QCOMPARE(client.get("/api/stats?key=" + key).status, 404);
    QCOMPARE(client.get("/api/keys", "Cookie: " + QByteArray(30000, 'c') + "\r\n").status, 200);
    // The same in pieces with pauses: each byte counts once, however the reads split the request.
    const QByteArray request = "GET /api/keys HTTP/1.1\r\nCookie: " + QByteArray(30000, 'c') + "\r\n\r\n";
    for (qsizetype i = 0; i < request.size(); i += 7000) {
        QVERIFY(client.send(request.mid(i, 7000)));
        QTest::qWait(50);
    }
    QCOMPARE(client.read().status, 200);
}

void tst_HttpServer::connectionsBeyondTheBoundGet503()
{
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (int i = 0; i < MaxConnections; ++i) {
        clients.push_back(std::make_unique<HttpClient>(m_server->port()));
        QCOMPARE(clients.back()->get("/api/keys").status, 200);
    }
    HttpClient oneTooMany(m_server->port());
    QVERIFY(oneTooMany.connectToServer());
    const auto refused = oneTooMany.read(5000);
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.json().object().value(u"detail").toString().contains(u"too many"));
    QVERIFY(oneTooMany.waitForClose(5000));
    // Once one closes, there is room again.
    clients.front()->socket().disconnectFromHost();
    clients.erase(clients.begin());
    QTRY_COMPARE(m_server->connectionCount(), MaxConnections - 1);
    HttpClient next(m_server->port());
    QCOMPARE(next.get("/api/keys").status, 200);
    // Leave no connection behind for the next test.
    next.socket().disconnectFromHost();
    for (auto& client : clients)
        client->socket().disconnectFromHost();
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

void tst_HttpServer::connectionCloseIsHonoured()
{
    HttpClient client(m_server->port());
    const auto response = client.get("/api/keys", "Connection: close\r\n");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Connection"), QByteArray("close"));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.waitForClose(IdleMs * 10));
    QVERIFY2(timer.elapsed() < IdleMs, "closed by the idle timeout, not right after the answer");
}

void tst_HttpServer::http10GetsABodyEndedByClose()
{
    HttpClient client(m_server->port());
    QVERIFY(client.connectToServer());
    QVERIFY(client.send("GET " + Big + " HTTP/1.0\r\n\r\n"));
    const auto response = client.read(20000);
    QCOMPARE(response.status, 200);
    QVERIFY(!response.chunked);
    QVERIFY(!response.hasHeader("Content-Length"));
    const auto rows = parseCsv(response.body);
    QCOMPARE(rows.size(), 60001);
    QCOMPARE(rows.last().at(0), QStringLiteral("60999"));
}

void tst_HttpServer::clientsThatLeaveEarlyDoNotHurt()
{
    for (int i = 0; i < 20; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress(QHostAddress::LocalHost), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET " + Big + " HTTP/1.1\r\nHost: x\r\n\r\n");
        socket.waitForBytesWritten(1000);
        if (i % 2 == 0)
            socket.waitForReadyRead(5000); // leave in the middle of the answer, or before it
        socket.abort();
    }
    // Leaving before the request was even complete.
    QTcpSocket half;
    half.connectToHost(QHostAddress(QHostAddress::LocalHost), m_server->port());
    QVERIFY(half.waitForConnected(5000));
    half.write("GET /api/keys HTTP/1.1\r\nHo");
    half.waitForBytesWritten(1000);
    half.abort();
    HttpClient client(m_server->port());
    QCOMPARE(client.get("/api/status").status, 200);
    const auto whole = client.get(Big);
    QCOMPARE(parseCsv(whole.body).size(), 60001);
    QTRY_VERIFY_WITH_TIMEOUT(m_server->connectionCount() <= 1, IdleMs * 10);
}

void tst_HttpServer::portInUseIsReported()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress(QHostAddress::LocalHost), 0));
    HttpServer::Options options;
    options.port = occupier.serverPort();
    HttpServer second(m_store, options);
    const auto status = second.start();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QString::number(occupier.serverPort())), qPrintable(status.error()));
    QVERIFY2(status.error().contains(u"--http-port"), qPrintable(status.error()));
    QVERIFY(!second.isRunning());
}

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
