// SPDX-License-Identifier: MIT
// The web page, its assets and the OpenAPI document as served over real HTTP: compiled in, with the right
// types, nothing loaded from the internet, and every route of the API described.
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;

class tst_WebAssets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void webPageAndAssets();
    void openApiDescribesEveryRoute();
    void openApiListsWhatEachRouteTakes_data();
    void openApiListsWhatEachRouteTakes();
    void openApiDeclaresEveryMemberAnswered_data();
    void openApiDeclaresEveryMemberAnswered();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<HttpClient> m_client;
};

void tst_WebAssets::initTestCase()
{
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("web.sqlite")));
    QVERIFY(m_store->open().ok());
    HttpServer::Options options;
    options.port = 0;
    // Routes that write answer 501 without these; the tests here never reach them (only refused requests).
    options.deleter = [](const DeleteRequest&, const std::function<void(Result<qint64>)>& done) {
        done(Error { QStringLiteral("not in this test") });
    };
    options.annotator = [](const Annotation&, const std::function<void(Result<qint64>)>& done) {
        done(Error { QStringLiteral("not in this test") });
    };
    m_server = std::make_unique<HttpServer>(m_store, options);
    QVERIFY(m_server->start().ok());
    m_client = std::make_unique<HttpClient>(m_server->port());
    // Calls for the answers whose members are checked against the document: two tokens, tags, a failed call,
    // an hour before a change of speed for /api/changes and /api/compare.
    QList<Sample> calls;
    for (int i = 0; i < 400; ++i) {
        const QByteArray extra = i % 10 == 0 ? QByteArray(R"({"endpoint":"/cart","error":"timeout"})")
                                             : QByteArray(R"({"endpoint":"/home"})");
        calls.append(
            { i % 2 ? QStringLiteral("shop") : QStringLiteral("blog"), QStringLiteral("/srv/app/views.py-fetch"),
                1700000000.0 + i * 9, i < 200 ? 10.0 + i % 5 : 30.0 + i % 5, 0, extra });
    }
    QVERIFY(m_store->createWriter()->write(calls).ok());
}

void tst_WebAssets::webPageAndAssets()
{
    const auto page = m_client->get("/");
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    QVERIFY(page.body.contains("assets/app.js"));
    QVERIFY(page.body.contains("assets/dygraph.min.js"));
    QVERIFY(!page.body.contains("http://") && !page.body.contains("https://")); // nothing from the internet
    QVERIFY(page.hasHeader("Content-Security-Policy"));
    const auto script = m_client->get("/assets/app.js");
    QCOMPARE(script.header("Content-Type"), QByteArray("text/javascript; charset=utf-8"));
    QVERIFY(script.body.contains("/api/series"));
    QCOMPARE(m_client->get("/assets/style.css").header("Content-Type"), QByteArray("text/css; charset=utf-8"));
    const auto chart = m_client->get("/assets/dygraph.min.js");
    QCOMPARE(chart.status, 200);
    QVERIFY(chart.body.size() > 50000);
    QVERIFY(chart.body.contains("Dygraph"));
    QCOMPARE(m_client->get("/assets/dygraph.min.css").status, 200);
}

void tst_WebAssets::openApiDescribesEveryRoute()
{
    const auto response = m_client->get("/api/openapi.json");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QJsonParseError error;
    const auto document = QJsonDocument::fromJson(response.body, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const auto root = document.object();
    QVERIFY(root.value(u"openapi").toString().startsWith(u"3."));
    QCOMPARE(root.value(u"info").toObject().value(u"version").toString(), QStringLiteral(KODEMON_VERSION));
    const auto paths = root.value(u"paths").toObject();
    for (const auto* route :
        { "/api/keys", "/api/executions", "/api/stats", "/api/series", "/api/status", "/api/alerts", "/api/changes",
            "/api/openapi.json", "/metrics",
            "/" }) {
        QVERIFY2(paths.contains(QLatin1String(route)), route);
        QVERIFY2(paths.value(QLatin1String(route)).toObject().contains(u"get"), route);
    }
}

void tst_WebAssets::openApiListsWhatEachRouteTakes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    for (const char* path : { "/api/keys", "/api/executions", "/api/stats", "/api/series", "/api/compare", "/api/tags",
             "/api/functions", "/api/annotations", "/api/changes", "/api/status", "/api/alerts" })
        QTest::newRow(path) << QByteArray("GET") << QByteArray(path);
    QTest::newRow("DELETE /api/series") << QByteArray("DELETE") << QByteArray("/api/series");
}

// The document is written by hand: a parameter a route gained without it (`exact`, 2026-12-06) went unnoticed
// until a reader compared them. Each route names what it takes when given an unknown parameter; the document's
// operation must list the same names.
void tst_WebAssets::openApiListsWhatEachRouteTakes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    const auto refused = m_client->request(method, path + "?no_such_parameter=1");
    QCOMPARE(refused.status, 400);
    const QString detail = refused.json().object().value(u"detail").toString();
    const QString takes = QStringLiteral("this route takes: ");
    QVERIFY2(detail.contains(takes), qPrintable(detail));
    QStringList served = detail.mid(detail.indexOf(takes) + takes.size()).split(QStringLiteral(", "));
    if (served == QStringList { QStringLiteral("no parameters") })
        served.clear();
    const auto paths = QJsonDocument::fromJson(m_client->get("/api/openapi.json").body).object().value(u"paths");
    const auto operation
        = paths.toObject().value(QLatin1String(path)).toObject().value(QString::fromLatin1(method).toLower());
    QVERIFY2(operation.isObject(), "the document lacks this operation");
    QStringList documented;
    for (const auto parameter : operation.toObject().value(u"parameters").toArray())
        documented.append(parameter.toObject().value(u"name").toString());
    served.sort();
    documented.sort();
    QCOMPARE(documented, served);
}

namespace {

QJsonObject resolved(const QJsonObject& document, QJsonObject schema)
{
    while (schema.contains(u"$ref")) {
        QJsonValue at = document;
        for (const auto& part : schema.value(u"$ref").toString().mid(2).split(u'/'))
            at = at.toObject().value(part);
        schema = at.toObject();
    }
    return schema;
}

// The properties a schema declares, those of every part of an allOf included.
QJsonObject propertiesOf(const QJsonObject& document, const QJsonObject& schema)
{
    QJsonObject properties = schema.value(u"properties").toObject();
    for (const auto part : schema.value(u"allOf").toArray()) {
        const QJsonObject more = propertiesOf(document, resolved(document, part.toObject()));
        for (auto it = more.begin(); it != more.end(); ++it)
            properties.insert(it.key(), it.value());
    }
    return properties;
}

// The members of `value` (and of the objects inside it) that `schema` does not declare, as paths.
QStringList undeclared(const QJsonObject& document, const QJsonValue& value, QJsonObject schema, const QString& at)
{
    schema = resolved(document, schema);
    for (const auto* choice : { u"oneOf", u"anyOf" }) {
        if (!schema.contains(QStringView(choice)))
            continue;
        QStringList fewest;
        bool first = true;
        for (const auto option : schema.value(QStringView(choice)).toArray()) {
            const QStringList missing = undeclared(document, value, option.toObject(), at);
            if (first || missing.size() < fewest.size())
                fewest = missing;
            first = false;
        }
        return fewest;
    }
    if (value.isArray()) {
        QStringList missing;
        for (const auto item : value.toArray())
            missing += undeclared(document, item, schema.value(u"items").toObject(), at + QStringLiteral("[]"));
        missing.removeDuplicates();
        return missing;
    }
    if (!value.isObject())
        return {};
    const QJsonObject properties = propertiesOf(document, schema);
    const QJsonValue additional = schema.value(u"additionalProperties");
    QStringList missing;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString path = at + u'.' + it.key();
        if (properties.contains(it.key()))
            missing += undeclared(document, it.value(), properties.value(it.key()).toObject(), path);
        else if (additional.isObject())
            missing += undeclared(document, it.value(), additional.toObject(), path);
        else if (!(additional.toBool() || (properties.isEmpty() && !schema.contains(u"allOf"))))
            missing.append(path);
    }
    return missing;
}

} // namespace

void tst_WebAssets::openApiDeclaresEveryMemberAnswered_data()
{
    QTest::addColumn<QByteArray>("target");
    const QByteArray key = "key=/srv/app/views.py-fetch";
    QTest::newRow("keys") << QByteArray("/api/keys");
    QTest::newRow("executions") << "/api/executions?limit=3&" + key;
    QTest::newRow("stats") << "/api/stats?" + key;
    QTest::newRow("stats filtered") << "/api/stats?tag=endpoint:/cart&outcome=failed&" + key;
    QTest::newRow("series") << "/api/series?points=5&" + key;
    QTest::newRow("series grouped") << "/api/series?points=5&group_by=endpoint&" + key;
    QTest::newRow("compare") << "/api/compare?from=1700001800&to=1700003600&baseline=previous&" + key;
    QTest::newRow("tags") << "/api/tags?" + key;
    QTest::newRow("tag values") << "/api/tags?values=3&from=0&" + key;
    QTest::newRow("functions") << QByteArray("/api/functions?from=1700001800&to=1700003600&baseline=previous");
    QTest::newRow("functions grouped") << QByteArray("/api/functions?group_by=endpoint");
    QTest::newRow("changes") << QByteArray("/api/changes?from=1700000000&to=1700003600");
    QTest::newRow("annotations") << QByteArray("/api/annotations");
    QTest::newRow("status") << QByteArray("/api/status"); // (/api/alerts needs an alert service: tst_alerts)
}

// What a route answers is written by httpjson.cpp, the document by hand: the `exact` members and the status's
// `retention` block were answered for days before the document said so.
void tst_WebAssets::openApiDeclaresEveryMemberAnswered()
{
    QFETCH(QByteArray, target);
    const auto answer = m_client->get(target);
    QCOMPARE(answer.status, 200);
    const QJsonObject document = QJsonDocument::fromJson(m_client->get("/api/openapi.json").body).object();
    const QByteArray path = target.contains('?') ? target.left(target.indexOf('?')) : target;
    const auto schema = document.value(
        u"paths")[QLatin1String(path)][u"get"][u"responses"][u"200"][u"content"][u"application/json"][u"schema"];
    QVERIFY2(schema.isObject(), "no JSON answer documented");
    const QStringList missing = undeclared(document, answer.json().object(), schema.toObject(), QString());
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("answered but not in the document: ") + missing.join(u", ")));
}

QTEST_GUILESS_MAIN(tst_WebAssets)
#include "tst_webassets.moc"
