// SPDX-License-Identifier: MIT
// Retention and deletion while calls pour in: the real `kodemon --headless` on a file with a year of calls and a
// 30-day raw retention turns 11 months into rollups and deletes a function while 100,000 calls a second arrive
// over UDP. Every call sent is stored (maintenance runs in small steps between batches, never a long transaction
// that stalls the writer), and the year's calls are all still there, as raw calls or rollups.
#include "kodemonprocess.h"
#include "storedcalls.h"
#include "testdata.h"

#include <atomic>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>
#include <QtTest>
#include <QUdpSocket>
#include <QUrlQuery>
#include <thread>

using namespace Kodemon;

class tst_MaintenanceLoad : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void retentionAndDeletionUnderIngest();
};

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int Rate = 25000; // AddressSanitizer makes the collector several times slower; the claim is about steps
#else
constexpr int Rate = 100000; // calls a second, the figure
#endif
constexpr int Seconds = 10;
const QString Live = QStringLiteral("/srv/app/live.py-numbered");

// Sends Rate * Seconds numbered calls (execution_time = sequence number), paced; returns how many.
int sendNumbered(quint16 port)
{
    QUdpSocket socket;
    socket.setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 4 * 1024 * 1024);
    QElapsedTimer pace;
    pace.start();
    const qint64 start = QDateTime::currentSecsSinceEpoch();
    const int total = Rate * Seconds;
    for (int i = 0; i < total; ++i) {
        const QByteArray datagram = Test::decoratorDatagram(Live, double(i), start + i / Rate);
        while (socket.writeDatagram(datagram, QHostAddress::LocalHost, port) < 0)
            QThread::usleep(50); // our own send buffer is full: wait, the loopback loses nothing by itself
        if (i % 100 == 99) {
            const qint64 ahead = qint64(i + 1) * 1000000 / Rate - pace.nsecsElapsed() / 1000;
            if (ahead > 0)
                QThread::usleep(ahead);
        }
    }
    return total;
}

QJsonObject getJson(QNetworkAccessManager& network, const QUrl& url, const QByteArray& verb = "GET")
{
    QNetworkRequest request(url);
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, verb));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(60000))
        return {};
    return QJsonDocument::fromJson(reply->readAll()).object();
}

} // namespace

void tst_MaintenanceLoad::retentionAndDeletionUnderIngest()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("load.sqlite"));
    const QStringList kept { QStringLiteral("/srv/app.py-a"), QStringLiteral("/srv/app.py-b") };
    const QString deleted = QStringLiteral("/srv/app.py-renamed");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QList<Sample> year = Test::oldCalls(kept, 365, 1000, now, 3);
    const QList<Sample> toDelete = Test::oldCalls({ deleted }, 365, 500, now, 4);
    QList<Sample> all = year;
    all.append(toDelete);
    QVERIFY(Test::storeCalls(db, all));

    Test::KodemonProcess kodemon({ QStringLiteral("--db"), db, QStringLiteral("--retention-raw"), QStringLiteral("30d"),
        QStringLiteral("--retention"), QStringLiteral("0") });
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    const QUrl base(kodemon.baseUrl());
    std::atomic<int> sent { 0 };
    std::thread sender([&] { sent.store(sendNumbered(kodemon.udpPort())); });

    // A deletion in the middle of the load, through the API as a script would ask it.
    QThread::msleep(2000);
    QNetworkAccessManager network;
    QUrl deleteUrl = base.resolved(QUrl(QStringLiteral("/api/series")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("key"), deleted);
    deleteUrl.setQuery(query);
    const QJsonObject answer = getJson(network, deleteUrl, "DELETE");
    sender.join();
    QCOMPARE(answer.value(QLatin1String("deleted")).toInteger(), qint64(toDelete.size()));

    // Everything sent is stored; retention keeps going after the load.
    const QUrl statusUrl = base.resolved(QUrl(QStringLiteral("/api/status")));
    QTRY_COMPARE_WITH_TIMEOUT(
        getJson(network, statusUrl).value(QLatin1String("counters")).toObject().value(QLatin1String("samples_stored")).toInteger(),
        qint64(sent.load()), 60000);
    const QJsonObject counters = getJson(network, statusUrl).value(QLatin1String("counters")).toObject();
    qInfo("%d calls sent at %d/s while retention and a deletion ran; kernel drops %lld", sent.load(), Rate,
        counters.value(QLatin1String("kernel_drops")).toInteger());
    QCOMPARE(counters.value(QLatin1String("kernel_drops")).toInteger(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(Test::rawCalls(db, kept[0]) <= 30 * 1000 + 1, 120000);
    QCOMPARE(kodemon.terminate(), 0);

    QCOMPARE(Test::integrityCheck(db), QStringLiteral("ok"));
    QCOMPARE(Test::rawCalls(db, Live), qint64(sent.load()));
    QCOMPARE(Test::rawCalls(db, deleted), 0);
    QString error;
    QVERIFY(Test::storedMinuteTotals(db, kept, &error) == Test::minuteTotals(year));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_GUILESS_MAIN(tst_MaintenanceLoad)
#include "tst_maintenanceload.moc"
