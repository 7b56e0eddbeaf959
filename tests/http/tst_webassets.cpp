// SPDX-License-Identifier: MIT
// The web page, its assets and the OpenAPI document as served over real HTTP: compiled in, with the right
// types, nothing loaded from the internet, and every route of the API described.
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

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
    m_server = std::make_unique<HttpServer>(m_store, options);
    QVERIFY(m_server->start().ok());
    m_client = std::make_unique<HttpClient>(m_server->port());
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

QTEST_GUILESS_MAIN(tst_WebAssets)
#include "tst_webassets.moc"
