// SPDX-License-Identifier: MIT
// SIGKILL in the middle of a fast ingest, then a restart on the same file: the database is intact, no sample is
// stored twice, and what was lost is bounded by the last flush window (plus the kernel's socket buffer).
// SIGKILL in the middle of retention and of a deletion: nothing outside what was being deleted is lost, and the
// file is intact.
#include "kodemonprocess.h"
#include "storedcalls.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"
#include "testdata.h"

#include <atomic>
#include <csignal>
#include <QElapsedTimer>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QDateTime>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QThread>
#include <QUrlQuery>
#include <QtTest>
#include <QUdpSocket>
#include <thread>

using namespace Kodemon;

class tst_CrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigkillDuringIngest();
    void sigkillDuringRetention();
    void sigkillDuringDeletion();
};

namespace {

constexpr int Rate = 50000; // datagrams a second
const QString Key = QStringLiteral("/srv/app/crash.py-numbered");

// Sends numbered samples (execution_time = sequence number) at Rate until told to stop; returns how many.
void sendNumbered(quint16 port, const std::atomic<bool>& stop, std::atomic<int>& sent)
{
    QUdpSocket socket;
    QElapsedTimer pace;
    pace.start();
    for (int i = 0; !stop.load(); ++i) {
        socket.writeDatagram(
            Test::decoratorDatagram(Key, double(i), 1795608000 + i / 1000), QHostAddress::LocalHost, port);
        sent.store(i + 1);
        if (i % 100 == 99) {
            const qint64 ahead = qint64(i + 1) * 1000000 / Rate - pace.nsecsElapsed() / 1000;
            if (ahead > 0)
                QThread::usleep(ahead);
        }
    }
}

// Writes one request and does not wait for the answer (the process is about to be killed).
bool sendRequest(quint16 port, const QByteArray& method, const QString& pathAndQuery)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return false;
    socket.write(method + ' ' + pathAndQuery.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    return socket.waitForBytesWritten(5000);
}

} // namespace

// A year of calls of two functions (1,000 a day each) and a 30-day raw retention: Kodemon turns 11 months of calls
// into minute rollups in steps of 100 ms a second. Killed at random moments along the way, the file holds, for
// every minute, exactly the calls that were sent (raw calls plus rollups), and is intact; once retention has
// finished, the minutes older than 30 days are rollups only.
void tst_CrashSafety::sigkillDuringRetention()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("retention.sqlite"));
    const QStringList keys { QStringLiteral("/srv/app.py-a"), QStringLiteral("/srv/app.py-b") };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QList<Sample> calls = Test::oldCalls(keys, 365, 1000, now, 7);
    QVERIFY(Test::storeCalls(db, calls));
    const Test::MinuteMap expected = Test::minuteTotals(calls);
    const QStringList arguments { QStringLiteral("--db"), db, QStringLiteral("--retention-raw"), QStringLiteral("30d"),
        QStringLiteral("--retention"), QStringLiteral("0") };

    QRandomGenerator random(11);
    for (int round = 0; round < 5; ++round) {
        Test::KodemonProcess kodemon(arguments);
        QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
        // Retention steps start each second after the start and take up to 100 ms: aim into them.
        const int delayMs = 1000 * (1 + round % 3) + int(random.bounded(150));
        QThread::msleep(delayMs);
        ::kill(pid_t(kodemon.pid()), SIGKILL);
        QCOMPARE(kodemon.waitForExit(), -1);
        QCOMPARE(Test::integrityCheck(db), QStringLiteral("ok"));
        QString error;
        const auto stored = Test::storedMinuteTotals(db, keys, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(stored.size(), expected.size());
        QVERIFY(stored == expected);
        qInfo("round %d: killed after %d ms; raw calls left: %lld of %lld", round, delayMs,
            Test::rawCalls(db, keys[0]) + Test::rawCalls(db, keys[1]), qint64(calls.size()));
    }

    // The last run finishes the job: only the last 30 days are raw calls.
    Test::KodemonProcess kodemon(arguments);
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    const qint64 lastMonth = 2 * 29 * 1000; // each key's calls that arrived less than 30 days ago, at least
    QTRY_VERIFY_WITH_TIMEOUT(Test::rawCalls(db, keys[0]) + Test::rawCalls(db, keys[1]) <= 2 * 30 * 1000 + 2, 120000);
    QCOMPARE(kodemon.terminate(), 0);
    QVERIFY(Test::rawCalls(db, keys[0]) + Test::rawCalls(db, keys[1]) >= lastMonth);
    QCOMPARE(Test::integrityCheck(db), QStringLiteral("ok"));
    QString error;
    QVERIFY(Test::storedMinuteTotals(db, keys, &error) == expected);
}

// DELETE /api/series of one function, and a SIGKILL at a random moment after it: the function is either all
// there or all gone (one transaction), the other function is untouched, the file is intact.
void tst_CrashSafety::sigkillDuringDeletion()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("deletion.sqlite"));
    const QStringList keys { QStringLiteral("/srv/app.py-deleted"), QStringLiteral("/srv/app.py-kept") };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QList<Sample> calls = Test::oldCalls(keys, 100, 2000, now, 5);
    QVERIFY(Test::storeCalls(db, calls));
    const qint64 perKey = calls.size() / 2;
    const QStringList arguments { QStringLiteral("--db"), db, QStringLiteral("--retention-raw"), QStringLiteral("0"),
        QStringLiteral("--retention"), QStringLiteral("0") };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("key"), keys[0]);
    const QString request = QStringLiteral("/api/series?") + query.toString(QUrl::FullyEncoded);

    int gone = 0;
    // Up to 4 s: under AddressSanitizer with a full suite beside it, deleting these 200,000 calls took 0.4 to over
    // 1 s (the ASan suite here failed at 1 s once, with a fresh-clone build beside it).
    for (const int delayMs : { 0, 5, 20, 60, 150, 400, 1000, 4000 }) {
        Test::KodemonProcess kodemon(arguments);
        QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
        QVERIFY(sendRequest(kodemon.httpPort(), "DELETE", request));
        QThread::msleep(delayMs);
        ::kill(pid_t(kodemon.pid()), SIGKILL);
        QCOMPARE(kodemon.waitForExit(), -1);
        QCOMPARE(Test::integrityCheck(db), QStringLiteral("ok"));
        const qint64 deleted = Test::rawCalls(db, keys[0]);
        QVERIFY2(deleted == perKey || deleted == 0, qPrintable(QString::number(deleted)));
        QCOMPARE(Test::rawCalls(db, keys[1]), perKey);
        qInfo("killed %d ms after the request: the function %s", delayMs, deleted ? "is all there" : "is gone");
        if (deleted == 0) {
            ++gone;
            break;
        }
    }
    QVERIFY2(gone == 1, "the deletion never completed before a SIGKILL 4 s after it was asked");
}

void tst_CrashSafety::sigkillDuringIngest()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("crash.sqlite"));
    int sentBeforeKill = 0;
    {
        Test::KodemonProcess kodemon({ QStringLiteral("--db"), db });
        QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
        std::atomic<bool> stop { false };
        std::atomic<int> sent { 0 };
        std::thread sender(sendNumbered, kodemon.udpPort(), std::cref(stop), std::ref(sent));
        QThread::msleep(2500);
        ::kill(pid_t(kodemon.pid()), SIGKILL);
        sentBeforeKill = sent.load();
        stop.store(true);
        sender.join();
        QCOMPARE(kodemon.waitForExit(), -1); // killed, not exited
    }

    // A restart on the same file works, and keeps storing.
    Test::KodemonProcess restarted({ QStringLiteral("--db"), db });
    QVERIFY2(restarted.start(), qPrintable(restarted.output()));
    Test::sendDatagrams({ Test::decoratorDatagram(Key, 1e9, 1795700000) }, restarted.udpPort());
    QCOMPARE(restarted.terminate(), 0);

    auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    sql.setDatabaseName(db);
    QVERIFY(sql.open());
    {
        QSqlQuery check(sql);
        QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
        QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
        // Every stored call, read the way Kodemon reads them (chunk by chunk).
        SqliteStore store(db);
        QVERIFY(store.openShared().ok());
        Query query(store.createReader());
        const auto values = query.values({ Key, std::nullopt, {} });
        QVERIFY2(values.ok(), qPrintable(values.ok() ? QString() : values.error()));
        QSet<qint64> numbers;
        qint64 rows = 0;
        for (const auto& value : *values) {
            numbers.insert(qint64(value.value));
            ++rows;
        }
        QCOMPARE(qint64(numbers.size()), rows); // no sample stored twice
        QVERIFY(numbers.contains(qint64(1e9))); // the restart stored its sample
        const qint64 stored = rows - 1;
        const qint64 lost = sentBeforeKill - stored;
        qInfo("sent %d before SIGKILL, %lld stored, %lld lost (%.1f ms of traffic)", sentBeforeKill, stored, lost,
            1000.0 * double(lost) / Rate);
        QVERIFY(stored > 0);
        QVERIFY(lost >= 0);
        // The bound: the writer's flush window (100 ms) plus one transaction in flight, with room for a loaded
        // machine: at most half a second of traffic.
        QVERIFY2(lost <= Rate / 2, qPrintable(QString::number(lost)));
    }
    sql.close();
}

QTEST_GUILESS_MAIN(tst_CrashSafety)
#include "tst_crashsafety.moc"
