// SPDX-License-Identifier: MIT
// A million malformed datagrams of every kind, interleaved with valid ones, into the real `kodemon --headless`:
// no crash, bounded memory, every valid one stored, every bad one counted.
#include "kodemonprocess.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"
#include "testdata.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QThread>
#include <QtTest>
#include <QUdpSocket>

using namespace Kodemon;

class tst_UdpFlood : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void garbageFloodAroundValidData();
};

namespace {

constexpr int Malformed = 1000000;
constexpr int ValidEvery = 20; // one valid datagram after every 20 bad ones: 50,000 valid

// One malformed datagram of the given kind; none contains a newline, so each counts as exactly one rejection.
QByteArray malformed(int kind, QRandomGenerator& random)
{
    switch (kind % 10) {
    case 0: { // random bytes
        QByteArray bytes(1 + random.bounded(200), Qt::Uninitialized);
        for (auto& byte : bytes)
            byte = char(random.bounded(256));
        bytes.replace('\n', 'x');
        return bytes.trimmed().isEmpty() ? QByteArray("\x01") : bytes;
    }
    case 1: // truncated JSON
        return Test::decoratorDatagram(QStringLiteral("/srv/app/t.py-f"), 1, 1795608000).left(random.bounded(10, 60));
    case 2: // deep nesting
        return QByteArray(3000, '[') + QByteArray(3000, ']');
    case 3: // huge string (rarely: it is 60 KB through loopback)
        return kind % 1000 == 3
            ? "{\"key\": \"" + QByteArray(60000, 'k') + "\", \"execution_time\": 1, \"timestamp\": 1}"
            : QByteArrayLiteral("{\"key\": 17, \"execution_time\": 1, \"timestamp\": 1}");
    case 4: // wrong types
        return QByteArrayLiteral("{\"key\": \"k\", \"execution_time\": \"fast\", \"timestamp\": 1}");
    case 5:
        return QByteArrayLiteral("{\"key\": \"k\", \"execution_time\": NaN, \"timestamp\": 1}");
    case 6:
        return QByteArrayLiteral("{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": Infinity}");
    case 7: // duplicate members: the last one wins, and it is wrong
        return QByteArrayLiteral("{\"key\": \"ok\", \"execution_time\": 1, \"timestamp\": 1, \"key\": 5}");
    case 8: // invalid UTF-8
        return QByteArrayLiteral("{\"key\": \"\xc3\x28\xff\", \"execution_time\": 1, \"timestamp\": 1}");
    default:
        return QByteArrayLiteral("[{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1}]");
    }
}

qint64 peakRssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const auto& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.simplified().split(' ').value(1).toLongLong();
    }
    return -1;
}

QJsonObject counters(const QString& baseUrl)
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(QUrl(baseUrl + QStringLiteral("/api/status")))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    finished.wait(10000);
    return QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("counters")).toObject();
}

} // namespace

void tst_UdpFlood::garbageFloodAroundValidData()
{
    Test::KodemonProcess kodemon;
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    const qint64 buffer = counters(kodemon.baseUrl()).value(QLatin1String("receive_buffer_bytes")).toInteger();
    if (buffer < 32 * 1024 * 1024)
        QSKIP(qPrintable(QStringLiteral("the kernel granted a %1 KiB receive buffer; a lossless flood needs 32 MiB "
                                        "(run as root, or: sysctl -w net.core.rmem_max=33554432)")
                             .arg(buffer / 1024)));

    QUdpSocket socket;
    QRandomGenerator random(99);
    int valid = 0;
    QElapsedTimer pace;
    pace.start();
    for (int i = 0; i < Malformed; ++i) {
        socket.writeDatagram(malformed(i, random), QHostAddress::LocalHost, kodemon.udpPort());
        if (i % ValidEvery == ValidEvery - 1) {
            const auto datagram = Test::decoratorDatagram(
                QStringLiteral("/srv/app/valid.py-f%1").arg(valid % 10), double(valid), 1795608000 + valid / 100);
            socket.writeDatagram(datagram, QHostAddress::LocalHost, kodemon.udpPort());
            ++valid;
        }
        // About 50,000 datagrams a second, hostile but plausible. Every 20,000 the sender lets the receiver catch
        // up, so that a slow machine (a sanitizer build, a busy CI runner) shows as a slower test, not as loss:
        // the 20,000 in flight fit the receive buffer Kodemon gets as root (checked below).
        if (i % 1000 == 999) {
            const qint64 due = qint64(i + 1) * 20; // microseconds
            const qint64 ahead = due - pace.nsecsElapsed() / 1000;
            if (ahead > 0)
                QThread::usleep(ahead);
        }
        if (i % 20000 == 19999) {
            const qint64 sent = i + 1 + valid;
            QTRY_VERIFY_WITH_TIMEOUT(
                counters(kodemon.baseUrl()).value(QLatin1String("datagrams_received")).toInteger() >= sent - 20000,
                60000);
        }
    }
    QCOMPARE(valid, Malformed / ValidEvery);

    QJsonObject status;
    QTRY_VERIFY_WITH_TIMEOUT(
        (status = counters(kodemon.baseUrl())).value(QLatin1String("datagrams_received")).toInteger()
                + status.value(QLatin1String("kernel_drops")).toInteger()
            >= Malformed + valid,
        120000);
    QTRY_COMPARE_WITH_TIMEOUT(
        counters(kodemon.baseUrl()).value(QLatin1String("samples_stored")).toInteger(), valid, 30000);
    status = counters(kodemon.baseUrl());
    QCOMPARE(status.value(QLatin1String("kernel_drops")).toInteger(), 0);
    QCOMPARE(status.value(QLatin1String("rejected_total")).toInteger(), Malformed);
    const auto rejected = status.value(QLatin1String("rejected")).toObject();
    QVERIFY(rejected.value(QLatin1String("not_json")).toInteger() > 0);
    QVERIFY(rejected.value(QLatin1String("not_object")).toInteger() > 0);
    QVERIFY(rejected.value(QLatin1String("bad_key")).toInteger() > 0);
    QVERIFY(rejected.value(QLatin1String("bad_execution_time")).toInteger() > 0);

    const qint64 peak = peakRssKiB(kodemon.pid());
    qInfo("peak resident memory during the flood: %lld KiB", peak);
#if defined(__SANITIZE_ADDRESS__)
    constexpr qint64 BoundKiB = 1024 * 1024; // AddressSanitizer's shadow memory and quarantine, not Kodemon's
#else
    constexpr qint64 BoundKiB = 200 * 1024;
#endif
    QVERIFY2(peak > 0 && peak < BoundKiB, qPrintable(QString::number(peak)));

    QCOMPARE(kodemon.terminate(), 0);
    SqliteStore store(kodemon.databasePath());
    QVERIFY(store.open().ok());
    Query query(store.createReader());
    const auto keys = query.keys(); // kept alive: a range-for over *query.keys() would read a destroyed temporary
    QVERIFY(keys.ok());
    qint64 stored = 0;
    for (const auto& series : *keys)
        stored += series.count;
    QCOMPARE(stored, valid);
}

QTEST_GUILESS_MAIN(tst_UdpFlood)
#include "tst_udpflood.moc"
