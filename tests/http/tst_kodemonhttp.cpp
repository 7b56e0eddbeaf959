// SPDX-License-Identifier: MIT
// End to end: the real `kodemon --headless` on free ports, datagrams sent over UDP exactly as the Python
// decorator sends them, read back through the HTTP API; a taken HTTP port ends start-up with code 2; and the
// access options: a public address needs an API token (or --http-insecure), else start-up ends with code 64.
#include "httpclient.h"
#include "kodemonprocess.h"
#include "testdata.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon::Test;

class tst_KodemonHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decoratorDataReadsBack();
    void capturedDatagramsAreListed();
    void takenHttpPortExitsWith2();
    void publicAddressWithoutTokenExitsWith64_data();
    void publicAddressWithoutTokenExitsWith64();
    void tokenFromTheEnvironmentGuardsTheApi();
    void tokenFileLimitsWhatATokenSees();
    void insecureServesOpenlyWithAWarning();
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

void tst_KodemonHttp::publicAddressWithoutTokenExitsWith64_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environment"); // KODEMON_API_TOKEN
    QTest::addColumn<QString>("message");
    const QString any = QStringLiteral("--http-address");
    QTest::newRow("0.0.0.0") << QStringList { any, QStringLiteral("0.0.0.0") } << QString()
                             << QStringLiteral("refusing to serve the HTTP API on 0.0.0.0");
    QTest::newRow("::") << QStringList { any, QStringLiteral("::") } << QString() << QStringLiteral("--http-insecure");
    QTest::newRow("short token") << QStringList { any, QStringLiteral("0.0.0.0") } << QStringLiteral("hunter2")
                                 << QStringLiteral("KODEMON_API_TOKEN: an API token must be at least 16");
    QTest::newRow("bad token list") << QStringList { QStringLiteral("--api-token"),
        QStringLiteral("0123456789abcdef:shop,,blog") }
                                    << QString() << QStringLiteral("--api-token: the Kodemon tokens");
    QTest::newRow("missing token file") << QStringList { QStringLiteral("--api-tokens"),
        QStringLiteral("/nonexistent/t") }
                                        << QString() << QStringLiteral("--api-tokens: cannot read /nonexistent/t");
}

void tst_KodemonHttp::publicAddressWithoutTokenExitsWith64()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environment);
    QFETCH(QString, message);
    KodemonProcess kodemon(arguments);
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("KODEMON_API_TOKEN"));
    if (!environment.isEmpty())
        env.insert(QStringLiteral("KODEMON_API_TOKEN"), environment);
    kodemon.process().setProcessEnvironment(env);
    QVERIFY(!kodemon.start(10000));
    QCOMPARE(kodemon.waitForExit(), 64);
    const QString output = kodemon.output();
    QVERIFY2(output.contains(message), qPrintable(output));
    QVERIFY2(!output.contains(u"and HTTP http://"), qPrintable(output)); // nothing was served
    if (!environment.isEmpty())
        QVERIFY2(!output.contains(environment), "the secret was repeated");
}

void tst_KodemonHttp::tokenFromTheEnvironmentGuardsTheApi()
{
    const QByteArray secret = "env-secret-5d41402abc4b2a76";
    KodemonProcess kodemon({ QStringLiteral("--http-address"), QStringLiteral("0.0.0.0") });
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KODEMON_API_TOKEN"), QString::fromLatin1(secret));
    kodemon.process().setProcessEnvironment(env);
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    // Out of the command line, so out of ps.
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(kodemon.pid()));
    QVERIFY(cmdline.open(QIODevice::ReadOnly));
    QVERIFY(!cmdline.readAll().contains(secret));
    HttpClient client(kodemon.httpPort());
    QCOMPARE(client.get("/api/keys").status, 401);
    QCOMPARE(client.get("/api/keys", "Authorization: Bearer " + secret + "\r\n").status, 200);
    QCOMPARE(client.get("/").status, 200);
    QVERIFY2(!kodemon.output().contains(QString::fromLatin1(secret)), "the secret was logged");
    QCOMPARE(kodemon.terminate(), 0);
}

void tst_KodemonHttp::tokenFileLimitsWhatATokenSees()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tokens"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# who may read this Kodemon\nadmin-secret-0123456789\nshop-secret-0123456789  shop\n");
    file.close();
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    KodemonProcess kodemon({ QStringLiteral("--api-tokens"), path });
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    QVERIFY2(!kodemon.output().contains(u"others can read it"), qPrintable(kodemon.output()));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    sendDatagrams({ decoratorDatagram(QStringLiteral("a.py-f"), 1, now, QStringLiteral("shop")),
                      decoratorDatagram(QStringLiteral("a.py-f"), 2, now, QStringLiteral("blog")) },
        kodemon.udpPort());
    HttpClient client(kodemon.httpPort());
    const QByteArray admin = "Authorization: Bearer admin-secret-0123456789\r\n";
    const QByteArray shop = "Authorization: Bearer shop-secret-0123456789\r\n";
    QTRY_COMPARE_WITH_TIMEOUT(client.get("/api/keys", admin).json().object().value(u"keys").toArray().size(), 2, 15000);
    const auto keys = client.get("/api/keys", shop).json().object().value(u"keys").toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.first().toObject().value(u"token").toString(), QStringLiteral("shop"));
    QCOMPARE(client.get("/api/stats?key=a.py-f", shop).json().object().value(u"max").toDouble(), 1.0);
    QCOMPARE(client.get("/api/stats?key=a.py-f", admin).json().object().value(u"max").toDouble(), 2.0);
    QCOMPARE(kodemon.terminate(), 0);
}

void tst_KodemonHttp::insecureServesOpenlyWithAWarning()
{
    KodemonProcess kodemon(
        { QStringLiteral("--http-address"), QStringLiteral("0.0.0.0"), QStringLiteral("--http-insecure") });
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    QVERIFY2(kodemon.output().contains(u"warning: serving the HTTP API on 0.0.0.0 without an API token"),
        qPrintable(kodemon.output()));
    HttpClient client(kodemon.httpPort());
    QCOMPARE(client.get("/api/keys").status, 200);
    QCOMPARE(kodemon.terminate(), 0);
}

QTEST_GUILESS_MAIN(tst_KodemonHttp)
#include "tst_kodemonhttp.moc"
