// SPDX-License-Identifier: MIT
// End to end: the real `kodemon --headless` on free ports, datagrams sent over UDP exactly as the Python
// decorator sends them, read back through the HTTP API; and a taken HTTP port ends start-up with code 2.
#include "httpclient.h"
#include "kodemonprocess.h"
#include "testdata.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QtTest>

using namespace Kodemon::Test;

class tst_KodemonHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decoratorDataReadsBack();
    void capturedDatagramsAreListed();
    void takenHttpPortExitsWith2();
};

namespace {

QJsonObject getJson(HttpClient& client, const QByteArray& target)
{
    return client.get(target).json().object();
}

} // namespace

void tst_KodemonHttp::decoratorDataReadsBack()
{
    KodemonProcess kodemon;
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    QVERIFY(kodemon.httpPort() != 0);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QStringList keys = { QStringLiteral("/srv/my app/views.py-fetch+latest"),
        QString::fromUtf8("/home/zoë/jobs.py-naïve?#%"), QStringLiteral("plain.py-f") };
    QList<QByteArray> datagrams;
    for (const auto& key : keys) {
        for (int i = 0; i < 5; ++i)
            datagrams.append(decoratorDatagram(key, 10.5 + i, now - 5 + i, QStringLiteral("e2e")));
    }
    sendDatagrams(datagrams, kodemon.udpPort());

    HttpClient client(kodemon.httpPort());
    QTRY_COMPARE_WITH_TIMEOUT(
        getJson(client, "/api/status").value(u"counters").toObject().value(u"samples_stored").toInt(), 15, 15000);
    const auto listed = getJson(client, "/api/keys?token=e2e").value(u"keys").toArray();
    QCOMPARE(listed.size(), 3);
    for (const auto& key : keys) {
        const auto page = getJson(client, "/api/executions?from=now-1h&to=now&key=" + encodeQueryValue(key));
        QCOMPARE(page.value(u"key").toString(), key);
        const auto rows = page.value(u"executions").toArray();
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows.at(0).toObject().value(u"timestamp").toDouble(), double(now - 5));
        QCOMPARE(rows.at(4).toObject().value(u"execution_time").toDouble(), 14.5);
        QCOMPARE(rows.at(0).toObject().value(u"token").toString(), QStringLiteral("e2e"));
    }
    const auto status = getJson(client, "/api/status");
    QCOMPARE(status.value(u"udp").toObject().value(u"port").toInt(), int(kodemon.udpPort()));
    QCOMPARE(status.value(u"http").toObject().value(u"port").toInt(), int(kodemon.httpPort()));
    QCOMPARE(status.value(u"counters").toObject().value(u"datagrams_received").toInt(), 15);
    QCOMPARE(status.value(u"database").toObject().value(u"path").toString(), kodemon.databasePath());
    QCOMPARE(kodemon.terminate(), 0);
}

void tst_KodemonHttp::capturedDatagramsAreListed()
{
    KodemonProcess kodemon;
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    const auto datagrams = decoratorDatagrams();
    QVERIFY(!datagrams.isEmpty());
    sendDatagrams(datagrams, kodemon.udpPort());
    HttpClient client(kodemon.httpPort());
    // Everything read, and everything accepted committed (some captures are rejected on purpose).
    const auto settled = [&] {
        const auto counters = getJson(client, "/api/status").value(u"counters").toObject();
        return counters.value(u"datagrams_received").toInt() == datagrams.size()
            && counters.value(u"samples_stored").toInt() == counters.value(u"samples_accepted").toInt()
            && counters.value(u"samples_stored").toInt() > 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
    const auto keys = getJson(client, "/api/keys").value(u"keys").toArray();
    QVERIFY(!keys.isEmpty());
    qint64 total = 0;
    for (const auto& entry : keys) {
        const auto key = entry.toObject();
        total += key.value(u"count").toInteger();
        // Every listed key reads back through the API under exactly its own name.
        const auto stats = getJson(client,
            "/api/stats?key=" + encodeQueryValue(key.value(u"key").toString())
                + "&token=" + encodeQueryValue(key.value(u"token").toString()));
        QCOMPARE(stats.value(u"count").toInteger(), key.value(u"count").toInteger());
    }
    const auto counters = getJson(client, "/api/status").value(u"counters").toObject();
    QCOMPARE(total, counters.value(u"samples_stored").toInteger());
    QCOMPARE(kodemon.terminate(), 0);
}

void tst_KodemonHttp::takenHttpPortExitsWith2()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress(QHostAddress::LocalHost), 0));
    const QString port = QString::number(occupier.serverPort());
    KodemonProcess kodemon({ QStringLiteral("--http-port"), port });
    QVERIFY(!kodemon.start(10000));
    QCOMPARE(kodemon.waitForExit(), 2);
    const QString output = kodemon.output();
    QVERIFY2(output.contains(port) && output.contains(u"--http-port"), qPrintable(output));
    QVERIFY2(!output.contains(u"and HTTP http://"), qPrintable(output)); // no start-up line
}

QTEST_GUILESS_MAIN(tst_KodemonHttp)
#include "tst_kodemonhttp.moc"
