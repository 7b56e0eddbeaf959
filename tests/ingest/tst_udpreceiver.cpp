// SPDX-License-Identifier: MIT
// How the UDP receiver is woken: at once for a lone datagram, by a short timer under load (not once per datagram),
// and not at all once the load is gone. Measured on its own thread by the kernel's count of its sleeps.
#include "ingest/ingestcounters.h"
#include "ingest/udpreceiver.h"

#include <atomic>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QtTest>
#include <QUdpSocket>
#include <unistd.h>

using namespace Kodemon;

class tst_UdpReceiver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void aLoneDatagramIsHandedOnAtOnce();
    void underLoadItPollsInsteadOfBeingWokenPerDatagram();
    void anIdleReceiverSleeps();
    void datagramsOfEverySizeArriveWhole();

private:
    qint64 voluntarySwitches() const;
    qint64 send(int count, int perSecond);
    void expectPromptArrival();

    std::shared_ptr<IngestCounters> m_counters;
    std::unique_ptr<QThread> m_thread;
    UdpReceiver* m_receiver = nullptr;
    qint64 m_tid = 0;
    quint16 m_port = 0;
};

namespace {

QByteArray datagram(int i)
{
    return R"({"key": "/srv/app/views.py-f)" + QByteArray::number(i % 100) + R"(", "execution_time": 31.9, )"
        + R"("timestamp": 1795608118, "token": "test-token"})";
}

} // namespace

void tst_UdpReceiver::init()
{
    m_counters = std::make_shared<IngestCounters>();
    UdpReceiver::Options options;
    options.port = 0;
    m_thread = std::make_unique<QThread>();
    m_thread->start();
    m_receiver = new UdpReceiver(options, m_counters);
    m_receiver->moveToThread(m_thread.get());
    Status status = Error { QStringLiteral("not started") };
    QMetaObject::invokeMethod(m_receiver, &UdpReceiver::start, Qt::BlockingQueuedConnection, &status);
    QVERIFY2(status.ok(), status.ok() ? "" : qPrintable(status.error()));
    m_port = m_receiver->boundPort();
    QMetaObject::invokeMethod(
        m_receiver, [this] { m_tid = ::gettid(); }, Qt::BlockingQueuedConnection);
}

void tst_UdpReceiver::cleanup()
{
    QMetaObject::invokeMethod(m_receiver, &UdpReceiver::stop, Qt::BlockingQueuedConnection);
    // Deleted on its own thread before that thread stops: a deleteLater() racing quit() can be dropped
    // (LeakSanitizer caught the receiver and its string cache outliving the test).
    QMetaObject::invokeMethod(
        m_receiver, [receiver = m_receiver] { delete receiver; }, Qt::BlockingQueuedConnection);
    m_receiver = nullptr;
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

// Times the receiver's thread went to sleep by itself: one per wakeup, whatever woke it.
qint64 tst_UdpReceiver::voluntarySwitches() const
{
    QFile status(QStringLiteral("/proc/self/task/%1/status").arg(m_tid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const auto& line : status.readAll().split('\n')) {
        if (line.startsWith("voluntary_ctxt_switches:"))
            return line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
    }
    return -1;
}

// Paced in steps of 100 so that the kernel's buffer never overflows, even without the privilege to enlarge it.
// Returns the microseconds it took.
qint64 tst_UdpReceiver::send(int count, int perSecond)
{
    QUdpSocket socket;
    QElapsedTimer pace;
    pace.start();
    for (int i = 0; i < count; ++i) {
        socket.writeDatagram(datagram(i), QHostAddress::LocalHost, m_port);
        if (i % 100 == 99) {
            const qint64 ahead = qint64(i + 1) * 1000000 / perSecond - pace.nsecsElapsed() / 1000;
            if (ahead > 0)
                QThread::usleep(ahead);
        }
    }
    return pace.nsecsElapsed() / 1000;
}

// One datagram, timed from before it is sent to the moment the receiver hands it on, on the receiver's thread (a
// QSignalSpy::wait() started after a fast receiver already emitted would wait for a second signal).
void tst_UdpReceiver::expectPromptArrival()
{
    QElapsedTimer timer;
    std::atomic<qint64> arrivedAfterMs { -1 };
    const auto connection = connect(
        m_receiver, &UdpReceiver::received, m_receiver,
        [&] {
            if (arrivedAfterMs < 0)
                arrivedAfterMs = timer.elapsed();
        },
        Qt::DirectConnection);
    timer.start();
    send(1, 1);
    QTRY_VERIFY_WITH_TIMEOUT(arrivedAfterMs >= 0, 5000);
    disconnect(connection);
    // Woken by the socket, not by a timer tick: well under the writer's own 100 ms flush interval.
    QVERIFY2(arrivedAfterMs < 50, qPrintable(QString::number(arrivedAfterMs)));
}

void tst_UdpReceiver::aLoneDatagramIsHandedOnAtOnce()
{
    expectPromptArrival();
    QCOMPARE(m_counters->snapshot().accepted, 1);
}

void tst_UdpReceiver::underLoadItPollsInsteadOfBeingWokenPerDatagram()
{
    if (voluntarySwitches() < 0)
        QSKIP("no /proc/self/task/<tid>/status on this system");
    constexpr int Count = 30000;
    const qint64 before = voluntarySwitches();
    const qint64 sentInUs = send(Count, 100000); // 0.3 s at 100,000/s, where the machine keeps up
    QTRY_COMPARE_WITH_TIMEOUT(m_counters->snapshot().datagrams, qint64(Count), 10000);
    const qint64 wakeups = voluntarySwitches() - before;
    const qint64 perSecond = qint64(Count) * 1000000 / std::max<qint64>(sentInUs, 1);
    qInfo("%lld wakeups for %d datagrams sent at %lld/s", wakeups, Count, perSecond);
    if (perSecond < 40000)
        QSKIP("this machine is too busy to send the load this test is about");
    // Woken per datagram or per few, that would be thousands; polling, about one wakeup per millisecond.
    const qint64 pollingBound = sentInUs / 1000 * 3 / 2 + 100;
    QVERIFY2(wakeups < pollingBound, qPrintable(QStringLiteral("%1 >= %2").arg(wakeups).arg(pollingBound)));
    QCOMPARE(m_counters->snapshot().accepted, qint64(Count));
}

void tst_UdpReceiver::anIdleReceiverSleeps()
{
    if (voluntarySwitches() < 0)
        QSKIP("no /proc/self/task/<tid>/status on this system");
    send(20000, 100000); // into polling first
    QTRY_COMPARE_WITH_TIMEOUT(m_counters->snapshot().datagrams, qint64(20000), 10000);
    QTest::qWait(100);
    const qint64 before = voluntarySwitches();
    QTest::qWait(2000);
    const qint64 wakeups = voluntarySwitches() - before;
    // Only the once-a-second kernel-drops timer: a timer left polling would wake it 2,000 times.
    QVERIFY2(wakeups <= 10, qPrintable(QString::number(wakeups)));

    expectPromptArrival(); // and it still hears the next datagram at once
}

void tst_UdpReceiver::datagramsOfEverySizeArriveWhole()
{
    // Around the receiver's small slots (2 KiB) and up to the largest UDP payload: each arrives in one piece.
    const QByteArray head = R"({"key": "k", "execution_time": 1, "timestamp": 1, "blob": ")";
    QList<qsizetype> sizes;
    for (const qsizetype size : { 100, 2047, 2048, 2049, 4096, 30000, 65507 })
        sizes.append(size);
    QSignalSpy received(m_receiver, &UdpReceiver::received);
    QUdpSocket socket;
    for (const qsizetype size : sizes) {
        const QByteArray blob(size - head.size() - 2, char('a' + size % 26));
        QCOMPARE(socket.writeDatagram(head + blob + "\"}", QHostAddress::LocalHost, m_port), size);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_counters->snapshot().accepted, qint64(sizes.size()), 5000);
    QList<Sample> samples;
    for (const auto& arguments : std::as_const(received))
        samples += arguments.at(0).value<QList<Sample>>();
    QCOMPARE(samples.size(), sizes.size());
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        const QByteArray blob(sizes.at(i) - head.size() - 2, char('a' + sizes.at(i) % 26));
        QCOMPARE(samples.at(i).extra, R"({"blob":")" + blob + "\"}");
    }
}

QTEST_GUILESS_MAIN(tst_UdpReceiver)
#include "tst_udpreceiver.moc"
