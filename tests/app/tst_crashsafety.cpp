// SPDX-License-Identifier: MIT
// SIGKILL in the middle of a fast ingest, then a restart on the same file: the database is intact, no sample is
// stored twice, and what was lost is bounded by the last flush window (plus the kernel's socket buffer).
#include "kodemonprocess.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"
#include "testdata.h"

#include <atomic>
#include <csignal>
#include <QElapsedTimer>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>
#include <QtTest>
#include <QUdpSocket>
#include <thread>

using namespace Kodemon;

class tst_CrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigkillDuringIngest();
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

} // namespace

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
