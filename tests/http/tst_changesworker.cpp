// SPDX-License-Identifier: MIT
// /api/changes off the HTTP thread, over a real SQLite file and real loopback connections: the worker answers on
// its own thread, takes at most its bound of requests at once, and while it looks for changes the HTTP server
// answers other requests; the busy route says 503 with Retry-After; a client that leaves first hurts nothing.
#include "http/changesworker.h"
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

using namespace Kodemon;
using namespace Kodemon::Test;

namespace {

constexpr int Functions = 30;
constexpr int CallsEach = 20000;
constexpr double From = 1700000000;
const QByteArray Changes = "/api/changes?from=1700000000&to=1700086400";

} // namespace

class tst_ChangesWorker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void answersOnItsOwnThread();
    void takesAtMostItsBound();
    void otherRequestsAreAnsweredMeanwhile();
    void aBusyRouteAnswers503();
    void clientsThatLeaveFirstHurtNothing();

private:
    ChangeRequest dayRequest() const;

    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    qint64 m_changesMs = 0; // how long one request takes here
};

void tst_ChangesWorker::initTestCase()
{
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("changes.sqlite")));
    QVERIFY(m_store->open().ok());
    std::mt19937_64 random(7);
    std::lognormal_distribution<double> latency(std::log(40.0), 0.4);
    QList<Sample> batch;
    for (int f = 0; f < Functions; ++f) {
        const QString key = QStringLiteral("/srv/app/module%1.py-handler").arg(f);
        // Half of them 1.5 times slower from noon on: there is something to find.
        for (int i = 0; i < CallsEach; ++i) {
            const double time = std::floor(From + 86400.0 * i / CallsEach);
            const double factor = f % 2 == 0 && time >= From + 43200 ? 1.5 : 1.0;
            batch.append({ QStringLiteral("shop"), key, time, factor * latency(random), qint64(time), {} });
        }
    }
    QVERIFY(m_store->createWriter()->write(batch).ok());
}

ChangeRequest tst_ChangesWorker::dayRequest() const
{
    ChangeRequest request;
    request.range = TimeRange { From, From + 86400 };
    return request;
}

void tst_ChangesWorker::answersOnItsOwnThread()
{
    ChangesWorker worker(m_store);
    std::atomic<bool> done = false;
    QString thread;
    Result<ChangeReport> report = Error { QStringLiteral("not answered") };
    QElapsedTimer timer;
    timer.start();
    QVERIFY(worker.submit(ReadScope {}, dayRequest(), [&](Result<ChangeReport> r) {
        thread = QThread::currentThread()->objectName();
        report = std::move(r);
        done = true;
    }));
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    m_changesMs = timer.elapsed();
    std::printf("one /api/changes over %d functions of %d calls: %lld ms\n", Functions, CallsEach, m_changesMs);
    QCOMPARE(thread, QStringLiteral("kodemon-http-changes"));
    QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error()));
    QCOMPARE(report->functions, Functions);
    QCOMPARE(report->changes.size(), Functions / 2);
    QCOMPARE(worker.waiting(), 0);
}

void tst_ChangesWorker::takesAtMostItsBound()
{
    ChangesWorker worker(m_store, 2);
    std::atomic<int> answered = 0;
    int taken = 0;
    // Submitting takes microseconds, one answer tens of milliseconds at least: the first two are taken.
    for (int i = 0; i < 6; ++i)
        taken += worker.submit(ReadScope {}, dayRequest(), [&](Result<ChangeReport> r) { answered += r.ok(); }) ? 1 : 0;
    QCOMPARE(taken, 2);
    QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 2, 60000);
    QCOMPARE(worker.waiting(), 0);
    QVERIFY(worker.submit(ReadScope {}, dayRequest(), [&](Result<ChangeReport> r) { answered += r.ok(); }));
    QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 3, 60000);
}

void tst_ChangesWorker::otherRequestsAreAnsweredMeanwhile()
{
    HttpServer::Options options;
    options.port = 0;
    HttpServer server(m_store, options);
    QVERIFY(server.start().ok());
    HttpClient slow(server.port());
    HttpClient quick(server.port());
    QVERIFY(slow.connectToServer());
    QVERIFY(quick.connectToServer());
    // The server's first answers open its database connection and fill the key list: paid before the race.
    QCOMPARE(quick.get("/api/status").status, 200);
    QCOMPARE(quick.get("/api/keys").status, 200);
    QVERIFY(slow.send("GET " + Changes + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    QElapsedTimer timer;
    timer.start();
    // Before the worker was, /api/status waited here for the whole search.
    QCOMPARE(quick.get("/api/status").status, 200);
    QCOMPARE(quick.get("/api/keys").status, 200);
    const qint64 quickMs = timer.elapsed();
    slow.socket().waitForReadyRead(0);
    const bool changesAnsweredFirst = slow.socket().bytesAvailable() > 0;
    const auto answer = slow.read(60000);
    const qint64 changesMs = timer.elapsed();
    std::printf("/api/status and /api/keys answered in %lld ms, /api/changes in %lld ms\n", quickMs, changesMs);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json().object().value(u"functions").toInt(), Functions);
    QVERIFY2(!changesAnsweredFirst, "the quick requests waited for /api/changes");
}

void tst_ChangesWorker::aBusyRouteAnswers503()
{
    HttpServer::Options options;
    options.port = 0;
    options.changesWaiting = 1;
    HttpServer server(m_store, options);
    QVERIFY(server.start().ok());
    HttpClient first(server.port());
    HttpClient second(server.port());
    QVERIFY(first.connectToServer());
    QVERIFY(first.send("GET " + Changes + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto busy = second.get(Changes);
    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.header("Retry-After"), QByteArray("5"));
    QVERIFY(busy.json().object().value(u"detail").toString().contains(u"try again"));
    QCOMPARE(first.read(60000).status, 200);
    // Once the first is answered, the next is taken.
    QCOMPARE(second.get(Changes).status, 200);
}

void tst_ChangesWorker::clientsThatLeaveFirstHurtNothing()
{
    HttpServer::Options options;
    options.port = 0;
    HttpServer server(m_store, options);
    QVERIFY(server.start().ok());
    for (int i = 0; i < 3; ++i) {
        HttpClient leaving(server.port());
        QVERIFY(leaving.connectToServer());
        QVERIFY(leaving.send("GET " + Changes + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        leaving.socket().abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 10000);
    // Their answers were computed for nobody (the queue takes 4); the server goes on.
    HttpClient next(server.port());
    QCOMPARE(next.get("/api/status").status, 200);
    const auto answer = next.get(Changes);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json().object().value(u"total").toInt(), Functions / 2);
}

QTEST_GUILESS_MAIN(tst_ChangesWorker)
#include "tst_changesworker.moc"
