// SPDX-License-Identifier: MIT
// RemoteReader over the wire, against a canned HTTP server: what each answer becomes for the query layer, and
// exactly what goes out (the path, the percent-encoded parameters, the API token).
#include "cannedhttpserver.h"
#include "remote/remotereader.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QThread>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::CannedHttpServer;

Q_DECLARE_METATYPE(Kodemon::ErrorKind)

namespace {

const SeriesSelector Selector { QStringLiteral("k"), std::nullopt, {} };

std::unique_ptr<RemoteReader> readerFor(
    quint16 port, const QString& token = {}, int timeoutMs = 30000, const QString& path = QStringLiteral("/"))
{
    const QUrl url(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
    return std::make_unique<RemoteReader>(std::make_shared<RemoteApi>(RemoteEndpoint { url, token }, timeoutMs));
}

// Runs one StoreReader call by name; returns its error (kind, message), or nothing when it succeeded.
std::optional<Error> call(StoreReader& reader, const QString& method)
{
    const auto failure = [](const auto& result) { return result ? std::nullopt : std::optional(result.failure()); };
    if (method == QLatin1String("keys"))
        return failure(reader.listSeries(std::nullopt));
    if (method == QLatin1String("executions"))
        return failure(reader.samples(Selector, {}, 10));
    if (method == QLatin1String("stats"))
        return failure(reader.stats(Selector));
    return failure(reader.buckets(Selector, 10));
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // free again once probe is gone
}

} // namespace

class tst_RemoteReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answers_data();
    void answers();
    void selectorGoesOutExactly();
    void cursorPassesThrough();
    void tokenIsABearerHeader();
    void pathPrefixIsKept();
    void refusedConnection();
    void silentServerTimesOut();
    void interruptionEndsAWait();

private:
    CannedHttpServer m_server;
};

void tst_RemoteReader::answers_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<QString>("message");

    const QByteArray notFound = R"({"error":"not found","detail":"no samples of key \"k\""})";
    const QByteArray badRequest = R"({"error":"bad request","detail":"not a cursor","parameter":"cursor"})";
    const QByteArray failed = R"({"error":"internal server error","detail":"database query failed"})";
    const QByteArray keys = R"({"keys":[{"key":"k","token":"","count":1,"first":1,"last":1,"mean":2}]})";
    const QByteArray page = R"({"executions":[{"timestamp":1,"execution_time":2,"token":"","extra":{}}],"next":null})";
    const QByteArray stats
        = R"({"count":1,"min":2,"max":2,"mean":2,"stddev":0,"p50":2,"p90":2,"p95":2,"p99":2,"p999":2})";
    const QByteArray series = R"({"step":1,"buckets":[{"t":1,"count":1,"min":2,"mean":2,"max":2,"p95":2}]})";
    for (const char* method : { "keys", "executions", "stats", "series" }) {
        const QString name = QString::fromLatin1(method);
        // newRow() copies the name, but only while the QByteArray holding it is alive: keep it a full expression.
        const auto row = [&](const char* what) { return (name + u' ' + QLatin1String(what)).toLatin1(); };
        const QByteArray good = name == QLatin1String("keys") ? keys
            : name == QLatin1String("executions")             ? page
            : name == QLatin1String("stats")                  ? stats
                                                              : series;
        QTest::newRow(row("200").constData()) << name << 200 << good << true << ErrorKind::Failed << QString();
        QTest::newRow(row("400").constData()) << name << 400 << badRequest << false << ErrorKind::Invalid
                                              << QStringLiteral("not a cursor (parameter \"cursor\")");
        QTest::newRow(row("404").constData())
            << name << 404 << notFound << false << ErrorKind::NotFound << QStringLiteral("no samples of key \"k\"");
        QTest::newRow(row("401").constData())
            << name << 401 << QByteArray(R"({"error":"unauthorized","detail":"x"})") << false << ErrorKind::Failed
            << QStringLiteral("wants an API token: pass --api-token");
        QTest::newRow(row("500").constData())
            << name << 500 << failed << false << ErrorKind::Failed << QStringLiteral("failed: database query failed");
        QTest::newRow(row("not JSON").constData())
            << name << 200 << QByteArray("<html></html>") << false << ErrorKind::Failed
            << QStringLiteral("with something that is not Kodemon's JSON");
        QTest::newRow(row("wrong shape").constData()) << name << 200 << QByteArray(R"({"unexpected":true})") << false
                                                      << ErrorKind::Failed << QStringLiteral("not Kodemon's JSON");
    }
}

void tst_RemoteReader::answers()
{
    QFETCH(QString, method);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    m_server.setAnswer(status, body);
    auto reader = readerFor(m_server.port());
    const auto error = call(*reader, method);
    QCOMPARE(!error, ok);
    if (ok)
        return;
    QTEST(error->kind, "kind");
    QFETCH(QString, message);
    QVERIFY2(error->message.contains(message), qPrintable(error->message));
}

void tst_RemoteReader::selectorGoesOutExactly()
{
    m_server.setAnswer(
        200, R"({"count":0,"min":0,"max":0,"mean":0,"stddev":0,"p50":0,"p90":0,"p95":0,"p99":0,"p999":0})");
    auto reader = readerFor(m_server.port());
    const QString key = QStringLiteral("/srv/my app/a+b%20c#d?e&f=g-caf\u00e9");
    QVERIFY(reader->stats(SeriesSelector { key, QString(), TimeRange { 1413404125.25, 1732540200.123 } }));
    const QByteArray line = m_server.lastRequest().split('\r').first();
    QCOMPARE(line,
        QByteArray("GET /api/stats?key=%2Fsrv%2Fmy%20app%2Fa%2Bb%2520c%23d%3Fe%26f%3Dg-caf%C3%A9&token="
                   "&from=1413404125.25&to=1732540200.123 HTTP/1.1"));
    QVERIFY(!m_server.lastRequest().contains("Authorization"));
}

void tst_RemoteReader::cursorPassesThrough()
{
    m_server.setAnswer(200, R"({"executions":[],"next":null})");
    auto reader = readerFor(m_server.port());
    QVERIFY(reader->samples(
        SeriesSelector { QStringLiteral("k"), QStringLiteral("shop"), {} }, QStringLiteral("MTQx+/="), 500));
    QCOMPARE(m_server.lastRequest().split('\r').first(),
        QByteArray("GET /api/executions?key=k&token=shop&limit=500&cursor=MTQx%2B%2F%3D HTTP/1.1"));
}

void tst_RemoteReader::tokenIsABearerHeader()
{
    m_server.setAnswer(200, R"({"keys":[]})");
    auto reader = readerFor(m_server.port(), QStringLiteral("s3cret-s3cret-s3cret"));
    QVERIFY(reader->listSeries(std::nullopt));
    QVERIFY(m_server.lastRequest().contains("\r\nAuthorization: Bearer s3cret-s3cret-s3cret"));
    m_server.setAnswer(401, R"({"error":"unauthorized","detail":"x"})");
    const auto refused = reader->listSeries(std::nullopt);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("refused the API token: check --api-token")),
        qPrintable(refused.error()));
}

void tst_RemoteReader::pathPrefixIsKept()
{
    m_server.setAnswer(200, R"({"keys":[]})");
    auto reader = readerFor(m_server.port(), {}, 30000, QStringLiteral("/kodemon/"));
    QVERIFY(reader->listSeries(QStringLiteral("a b")));
    QCOMPARE(m_server.lastRequest().split('\r').first(), QByteArray("GET /kodemon/api/keys?token=a%20b HTTP/1.1"));
}

void tst_RemoteReader::refusedConnection()
{
    const quint16 port = closedPort();
    auto reader = readerFor(port);
    const auto keys = reader->listSeries(std::nullopt);
    QVERIFY(!keys);
    QCOMPARE(keys.errorKind(), ErrorKind::Failed);
    QCOMPARE(keys.error(),
        QStringLiteral("cannot reach http://127.0.0.1:%1: connection refused (is Kodemon running there?)").arg(port));
}

void tst_RemoteReader::silentServerTimesOut()
{
    m_server.setAnswer(200, {}, true);
    auto reader = readerFor(m_server.port(), {}, 300);
    QElapsedTimer timer;
    timer.start();
    const auto keys = reader->listSeries(std::nullopt);
    QVERIFY(!keys);
    QCOMPARE(keys.error(), QStringLiteral("http://127.0.0.1:%1 did not answer in time").arg(m_server.port()));
    QVERIFY(timer.elapsed() < 5000);
}

void tst_RemoteReader::interruptionEndsAWait()
{
    // A window closing while its query thread waits for a hung server must not wait for the timeout.
    m_server.setAnswer(200, {}, true);
    auto reader = readerFor(m_server.port());
    std::optional<Error> error;
    std::unique_ptr<QThread> thread(QThread::create([&] { error = call(*reader, QStringLiteral("keys")); }));
    thread->start();
    QTest::qWait(300);
    QElapsedTimer timer;
    timer.start();
    thread->requestInterruption();
    QVERIFY(thread->wait(5000));
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(error);
    QVERIFY2(error->message.contains(QStringLiteral("cancelled")), qPrintable(error->message));
}

QTEST_GUILESS_MAIN(tst_RemoteReader)
#include "tst_remotereader.moc"
