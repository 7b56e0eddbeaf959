// SPDX-License-Identifier: MIT
// The API's hand-written JSON: every document must parse back (QJsonDocument) to the values it was made of.
#include "http/httpjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

class tst_HttpJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void numbers_data();
    void numbers();
    void extraObjects_data();
    void extraObjects();
    void keysDocument();
    void executionsDocument();
    void statusDocument();
};

void tst_HttpJson::stringsRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("path") << QStringLiteral("/srv/app/views.py-fetch latest");
    QTest::newRow("quotes and backslashes") << QStringLiteral("a\"b\\c\\\"");
    QTest::newRow("control characters") << QStringLiteral("tab\there\nnew\rline\x01\x1f");
    QTest::newRow("non-ASCII") << QString::fromUtf8("café € 😀 日本");
    QTest::newRow("slash and html") << QStringLiteral("</script><b>&amp;");
}

void tst_HttpJson::stringsRoundTrip()
{
    QFETCH(QString, text);
    const QByteArray json = "[" + Json::string(text) + "]";
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(json, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, json.constData());
    QCOMPARE(document.array().at(0).toString(), text);
}

void tst_HttpJson::numbers_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("integer") << 1413404125.0 << QByteArray("1413404125");
    QTest::newRow("fraction") << 31.9 << QByteArray("31.9");
    QTest::newRow("small") << 0.000123 << QByteArray("0.000123");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("infinite") << qInf() << QByteArray("null");
    QTest::newRow("not a number") << qQNaN() << QByteArray("null");
}

void tst_HttpJson::numbers()
{
    QFETCH(double, value);
    QFETCH(QByteArray, json);
    QCOMPARE(Json::number(value), json);
}

void tst_HttpJson::extraObjects_data()
{
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("none") << QByteArray() << QByteArray("{}");
    QTest::newRow("object") << QByteArray(R"({"user":"x","n":1})") << QByteArray(R"({"user":"x","n":1})");
    QTest::newRow("broken") << QByteArray(R"({"user":)") << QByteArray("{}");
    QTest::newRow("array") << QByteArray("[1]") << QByteArray("{}");
}

void tst_HttpJson::extraObjects()
{
    QFETCH(QByteArray, stored);
    QFETCH(QByteArray, json);
    QCOMPARE(Json::extraObject(stored), json);
}

void tst_HttpJson::keysDocument()
{
    SeriesInfo info { KeyId { QStringLiteral("t"), QStringLiteral("a/b c") }, 3, 100, 102.5, 30 };
    const auto object = QJsonDocument::fromJson(Json::keys({ info, info })).object();
    const auto keys = object.value(u"keys").toArray();
    QCOMPARE(keys.size(), 2);
    const auto first = keys.at(0).toObject();
    QCOMPARE(first.value(u"key").toString(), QStringLiteral("a/b c"));
    QCOMPARE(first.value(u"token").toString(), QStringLiteral("t"));
    QCOMPARE(first.value(u"count").toInteger(), 3);
    QCOMPARE(first.value(u"first").toDouble(), 100.0);
    QCOMPARE(first.value(u"last").toDouble(), 102.5);
    QCOMPARE(first.value(u"mean").toDouble(), 10.0);
    QCOMPARE(QJsonDocument::fromJson(Json::keys({})).object().value(u"keys").toArray().size(), 0);
}

void tst_HttpJson::executionsDocument()
{
    SeriesSelector selector { QStringLiteral("k"), std::nullopt, TimeRange { 10.0, std::nullopt } };
    StoredSample sample { 12.5, 3.25, QStringLiteral("tok"), R"({"a":[1,2]})", 7 };
    const QByteArray json = Json::executionsOpening(selector) + Json::execution(sample) + ',' + Json::execution(sample)
        + Json::executionsClosing(QStringLiteral("CUR"));
    QJsonParseError error;
    const auto object = QJsonDocument::fromJson(json, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, json.constData());
    QCOMPARE(object.value(u"key").toString(), QStringLiteral("k"));
    QVERIFY(object.value(u"token").isNull());
    QCOMPARE(object.value(u"from").toDouble(), 10.0);
    QVERIFY(object.value(u"to").isNull());
    QCOMPARE(object.value(u"next").toString(), QStringLiteral("CUR"));
    const auto row = object.value(u"executions").toArray().at(1).toObject();
    QCOMPARE(row.value(u"timestamp").toDouble(), 12.5);
    QCOMPARE(row.value(u"execution_time").toDouble(), 3.25);
    QCOMPARE(row.value(u"token").toString(), QStringLiteral("tok"));
    QCOMPARE(row.value(u"extra").toObject().value(u"a").toArray().size(), 2);
    QVERIFY(QJsonDocument::fromJson(Json::executionsOpening(selector) + Json::executionsClosing(std::nullopt))
                .object()
                .value(u"next")
                .isNull());
}

void tst_HttpJson::statusDocument()
{
    ServerStatus status;
    status.startedAt = 1000;
    status.now = 1012.3456;
    status.udpAddress = QHostAddress(QHostAddress::LocalHost);
    status.udpPort = 4000;
    status.httpAddress = QHostAddress(QHostAddress::LocalHostIPv6);
    status.httpPort = 4001;
    status.databasePath = QStringLiteral("/tmp/k\"m.sqlite");
    status.databaseBytes = 4096;
    status.counters.datagrams = 10;
    status.counters.stored = 8;
    status.counters.rejected[size_t(RejectReason::NotJson)] = 2;
    status.counters.storeError = QStringLiteral("disk full");
    QJsonParseError error;
    const auto object = QJsonDocument::fromJson(Json::status(status), &error).object();
    QVERIFY(error.error == QJsonParseError::NoError);
    QCOMPARE(object.value(u"version").toString(), QStringLiteral(KODEMON_VERSION));
    QCOMPARE(object.value(u"uptime_seconds").toDouble(), 12.346);
    QCOMPARE(object.value(u"udp").toObject().value(u"port").toInt(), 4000);
    QCOMPARE(object.value(u"http").toObject().value(u"address").toString(), QStringLiteral("::1"));
    QCOMPARE(object.value(u"database").toObject().value(u"path").toString(), status.databasePath);
    QCOMPARE(object.value(u"database").toObject().value(u"size_bytes").toInteger(), 4096);
    const auto counters = object.value(u"counters").toObject();
    QCOMPARE(counters.value(u"datagrams_received").toInteger(), 10);
    QCOMPARE(counters.value(u"samples_stored").toInteger(), 8);
    QCOMPARE(counters.value(u"rejected_total").toInteger(), 2);
    QCOMPARE(counters.value(u"rejected").toObject().value(u"not_json").toInteger(), 2);
    QCOMPARE(counters.value(u"rejected").toObject().size(), RejectReasonCount);
    QCOMPARE(counters.value(u"store_error").toString(), QStringLiteral("disk full"));
}

QTEST_GUILESS_MAIN(tst_HttpJson)
#include "tst_httpjson.moc"
