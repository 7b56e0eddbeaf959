// SPDX-License-Identifier: MIT
// Access control over real HTTP on loopback: with API tokens configured every /api/ route needs one (401 with
// WWW-Authenticate otherwise), the page itself does not; a token limited to some Kodemon tokens sees only
// their keys and samples on every route (JSON, CSV, stats, series, paging), a key outside its scope answers
// exactly like a key that never sent data, /api/status shows it no counters; no method but GET and HEAD runs.
#include "http/httpserver.h"
#include "metrics/callmetrics.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;

class tst_HttpAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyApiRouteNeedsAToken_data();
    void everyApiRouteNeedsAToken();
    void wrongTokensGet401();
    void thePageLoadsWithoutAToken();
    void keysAreScoped_data();
    void keysAreScoped();
    void samplesAreScopedOnEveryRoute_data();
    void samplesAreScopedOnEveryRoute();
    void outOfScopeIsExactlyUnknown_data();
    void outOfScopeIsExactlyUnknown();
    void pagingStaysInScope();
    void statusShowsAScopedTokenNoCounters();
    void metricsAreScoped();
    void onlyGetAndHeadRun_data();
    void onlyGetAndHeadRun();

private:
    HttpResponse get(const QByteArray& secret, const QByteArray& target);

    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<HttpServer> m_server;
};

namespace {

const QByteArray Admin = "admin-secret-0123456789";
const QByteArray ShopOnly = "shop-secret-0123456789";
const QByteArray ShopAndBlog = "shopblog-secret-0123456789";
const QByteArray Stranger = "stranger-secret-0123456789"; // limited to a token that never sent data
const QString Shared = QStringLiteral("/srv/app/views.py-list"); // sent by every token
const QString OtherOnly = QStringLiteral("/srv/other/billing.py-charge"); // sent by "other" only
const QString Quoted = QStringLiteral("/srv/app/odd.py-\"quoted\" key"); // sent by "other" only

// Every token sends Shared once per second for 30 s; its execution time tells the token apart.
const QList<QPair<QString, double>> Tokens = { { QStringLiteral("shop"), 1.0 }, { QStringLiteral("blog"), 2.0 },
    { QStringLiteral("other"), 3.0 }, { QString(), 4.0 } };
constexpr int PerToken = 30;

QByteArray q(const QString& value)
{
    return encodeQueryValue(value);
}

QSet<double> valuesOf(const QJsonArray& rows)
{
    QSet<double> values;
    for (const auto& row : rows)
        values.insert(row.toObject().value(u"execution_time").toDouble());
    return values;
}

} // namespace

void tst_HttpAuth::initTestCase()
{
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("auth.sqlite")));
    QVERIFY(m_store->open().ok());
    QList<Sample> batch;
    for (const auto& [token, ms] : Tokens) {
        for (int i = 0; i < PerToken; ++i)
            batch.append({ token, Shared, 1000.0 + i, ms, 0, {} });
    }
    batch.append({ QStringLiteral("other"), OtherOnly, 1000, 9, 0, {} });
    batch.append({ QStringLiteral("other"), Quoted, 1000, 9, 0, {} });
    QVERIFY(m_store->createWriter()->write(batch).ok());

    HttpServer::Options options;
    options.port = 0;
    options.metrics = std::make_shared<CallMetrics>();
    options.metrics->record(batch);
    for (const QByteArray& spec :
        QList<QByteArray> { Admin, ShopOnly + ":shop", ShopAndBlog + ":shop,blog", Stranger + ":nobody" })
        QVERIFY(options.apiTokens.addSpec(QString::fromLatin1(spec), QStringLiteral("test")).ok());
    m_server = std::make_unique<HttpServer>(m_store, options);
    const auto started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
}

void tst_HttpAuth::cleanupTestCase()
{
    m_server.reset();
}

HttpResponse tst_HttpAuth::get(const QByteArray& secret, const QByteArray& target)
{
    HttpClient client(m_server->port());
    return client.get(target, secret.isEmpty() ? QByteArray() : "Authorization: Bearer " + secret + "\r\n");
}

void tst_HttpAuth::everyApiRouteNeedsAToken_data()
{
    QTest::addColumn<QByteArray>("target");
    for (const char* target : { "/api/keys", "/api/executions?key=%2Fsrv%2Fapp%2Fviews.py-list",
             "/api/executions?format=csv&key=%2Fsrv%2Fapp%2Fviews.py-list", "/api/stats?key=x", "/api/series?key=x",
             "/api/status", "/api/openapi.json", "/api/nothing", "/api/keys?unknown=1", "/api", "/metrics" })
        QTest::newRow(target) << QByteArray(target);
}

void tst_HttpAuth::everyApiRouteNeedsAToken()
{
    QFETCH(QByteArray, target);
    HttpClient client(m_server->port());
    const auto response = client.get(target);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.header("WWW-Authenticate"), QByteArray("Bearer realm=\"kodemon\""));
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QVERIFY(response.json().object().value(u"detail").toString().contains(u"Authorization: Bearer"));
    // The connection stays usable: the next request, with the token, is answered on it.
    const auto granted = client.get(target, "Authorization: Bearer " + Admin + "\r\n");
    QVERIFY(granted.status != 401);
    // HEAD is refused alike, without a body.
    QCOMPARE(client.request("HEAD", target).status, 401);
    QCOMPARE(client.get("/api/keys", "authorization: bearer " + Admin + "\r\n").status, 200);
}

void tst_HttpAuth::wrongTokensGet401()
{
    const QList<QByteArray> headers = { "Authorization: Bearer " + Admin.chopped(1) + "\r\n",
        "Authorization: Bearer " + Admin + "x\r\n", "Authorization: Bearer " + ShopOnly + ":other\r\n",
        "Authorization: Bearer \r\n", "Authorization: Basic YWRtaW46YWRtaW4=\r\n", "Authorization: " + Admin + "\r\n",
        "X-Api-Token: " + Admin + "\r\n" };
    for (const auto& header : headers) {
        HttpClient client(m_server->port());
        const auto response = client.get("/api/keys", header);
        QCOMPARE(response.status, 401);
        QVERIFY(response.header("WWW-Authenticate").startsWith("Bearer realm=\"kodemon\""));
        QVERIFY(!response.body.contains("views.py"));
    }
    // A wrong Bearer token is told apart from a missing one (RFC 6750).
    HttpClient client(m_server->port());
    QCOMPARE(client.get("/api/keys", "Authorization: Bearer wrong-secret-0123456789\r\n").header("WWW-Authenticate"),
        QByteArray("Bearer realm=\"kodemon\", error=\"invalid_token\""));
    // The token never travels in the URL: a query parameter is just an unknown parameter, after a 401.
    QCOMPARE(client.get("/api/keys?access_token=" + Admin).status, 401);
}

void tst_HttpAuth::thePageLoadsWithoutAToken()
{
    HttpClient client(m_server->port());
    for (const char* target : { "/", "/assets/app.js", "/assets/style.css", "/assets/dygraph.min.js" }) {
        const auto response = client.get(target);
        QCOMPARE(response.status, 200);
        QVERIFY(!response.body.isEmpty());
    }
    QCOMPARE(client.get("/assets/nothing.js").status, 404);
}

void tst_HttpAuth::keysAreScoped_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QStringList>("tokens"); // the tokens of the series listed, in order
    const QString shop = QStringLiteral("shop");
    const QString blog = QStringLiteral("blog");
    const QString other = QStringLiteral("other");
    QTest::newRow("admin") << Admin << QByteArray() << QStringList { other, QString(), blog, other, shop, other };
    QTest::newRow("shop") << ShopOnly << QByteArray() << QStringList { shop };
    QTest::newRow("shop and blog") << ShopAndBlog << QByteArray() << QStringList { blog, shop };
    QTest::newRow("shop and blog, ?token=blog") << ShopAndBlog << QByteArray("?token=blog") << QStringList { blog };
    QTest::newRow("shop asks for other") << ShopOnly << QByteArray("?token=other") << QStringList();
    QTest::newRow("shop asks for no token") << ShopOnly << QByteArray("?token=") << QStringList();
    QTest::newRow("stranger") << Stranger << QByteArray() << QStringList();
}

void tst_HttpAuth::keysAreScoped()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, query);
    QFETCH(QStringList, tokens);
    const auto response = get(secret, "/api/keys" + query);
    QCOMPARE(response.status, 200);
    QStringList listed;
    for (const auto& entry : response.json().object().value(u"keys").toArray())
        listed.append(entry.toObject().value(u"token").toString());
    QCOMPARE(listed, tokens);
}

void tst_HttpAuth::samplesAreScopedOnEveryRoute_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("token"); // "&token=..." or nothing
    QTest::addColumn<QList<double>>("values"); // the execution times (so the tokens) the answer may hold
    QTest::newRow("admin, all tokens") << Admin << QByteArray() << QList<double> { 1, 2, 3, 4 };
    QTest::newRow("shop, all tokens") << ShopOnly << QByteArray() << QList<double> { 1 };
    QTest::newRow("shop+blog, all tokens") << ShopAndBlog << QByteArray() << QList<double> { 1, 2 };
    QTest::newRow("shop+blog, token=blog") << ShopAndBlog << QByteArray("&token=blog") << QList<double> { 2 };
}

void tst_HttpAuth::samplesAreScopedOnEveryRoute()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, token);
    QFETCH(QList<double>, values);
    const QByteArray selector = "key=" + q(Shared) + token;
    const QSet<double> expected(values.cbegin(), values.cend());
    const qint64 count = qint64(values.size()) * PerToken;

    const auto page = get(secret, "/api/executions?limit=1000000&" + selector).json().object();
    QCOMPARE(page.value(u"executions").toArray().size(), count);
    QCOMPARE(valuesOf(page.value(u"executions").toArray()), expected);

    const auto csv = parseCsv(get(secret, "/api/executions?format=csv&" + selector).body);
    QCOMPARE(csv.size(), count + 1);
    QSet<double> csvValues;
    for (qsizetype i = 1; i < csv.size(); ++i)
        csvValues.insert(csv.at(i).at(3).toDouble());
    QCOMPARE(csvValues, expected);

    const auto stats = get(secret, "/api/stats?" + selector).json().object();
    QCOMPARE(stats.value(u"count").toInteger(), count);
    QCOMPARE(stats.value(u"min").toDouble(), *std::min_element(values.cbegin(), values.cend()));
    QCOMPARE(stats.value(u"max").toDouble(), *std::max_element(values.cbegin(), values.cend()));
    QVERIFY(stats.value(u"token").isNull() == token.isEmpty()); // echoed as asked, not as narrowed

    const auto series = get(secret, "/api/series?points=3&" + selector).json().object();
    qint64 bucketed = 0;
    double maximum = 0;
    for (const auto& bucket : series.value(u"buckets").toArray()) {
        bucketed += bucket.toObject().value(u"count").toInteger();
        maximum = std::max(maximum, bucket.toObject().value(u"max").toDouble());
    }
    QCOMPARE(bucketed, count);
    QCOMPARE(maximum, *std::max_element(values.cbegin(), values.cend()));
}

void tst_HttpAuth::outOfScopeIsExactlyUnknown_data()
{
    QTest::addColumn<QByteArray>("route");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("token");
    const QList<QByteArray> routes
        = { "/api/executions?", "/api/executions?format=csv&", "/api/stats?", "/api/series?points=5&" };
    for (const auto& route : routes) {
        QTest::addRow("%s other's key", route.constData()) << route << OtherOnly << QByteArray();
        QTest::addRow("%s quoted key", route.constData()) << route << Quoted << QByteArray();
        QTest::addRow("%s shared key, token=other", route.constData()) << route << Shared << QByteArray("&token=other");
        QTest::addRow("%s shared key, token=", route.constData()) << route << Shared << QByteArray("&token=");
    }
}

// Status, headers and body match those of a key that never sent data, but for the key's name.
void tst_HttpAuth::outOfScopeIsExactlyUnknown()
{
    QFETCH(QByteArray, route);
    QFETCH(QString, key);
    QFETCH(QByteArray, token);
    const QString never = QStringLiteral("never-sent-%1").arg(key.size());
    QCOMPARE(get(Admin, route + "key=" + q(key) + token).status, 200); // it exists
    const auto hidden = get(ShopAndBlog, route + "key=" + q(key) + token);
    const auto unknown = get(ShopAndBlog, route + "key=" + q(never) + token);
    QCOMPARE(hidden.status, 404);
    QCOMPARE(unknown.status, 404);
    const QString expected = unknown.json().object().value(u"detail").toString().replace(never, key);
    QCOMPARE(hidden.json().object().value(u"detail").toString(), expected);
    QCOMPARE(hidden.json().object().keys(), unknown.json().object().keys());
    QCOMPARE(hidden.headers.size(), unknown.headers.size());
    for (const auto& [name, value] : unknown.headers) {
        if (name != "Content-Length")
            QCOMPARE(hidden.header(name), value);
    }
}

void tst_HttpAuth::pagingStaysInScope()
{
    // Pages of 7 rows through shop+blog's 60 rows: each row once, none of another token, also when the
    // cursor came from the admin's pages (a cursor only says where to continue).
    QList<double> seen;
    QString cursor;
    int pages = 0;
    do {
        const QByteArray target
            = "/api/executions?limit=7&key=" + q(Shared) + (cursor.isEmpty() ? QByteArray() : "&cursor=" + q(cursor));
        const auto page = get(ShopAndBlog, target).json().object();
        for (const auto& row : page.value(u"executions").toArray())
            seen.append(row.toObject().value(u"execution_time").toDouble());
        cursor = page.value(u"next").toString();
        QVERIFY(++pages < 20);
    } while (!cursor.isEmpty());
    QCOMPARE(seen.size(), 2 * PerToken);
    QCOMPARE(seen.count(1.0), PerToken);
    QCOMPARE(seen.count(2.0), PerToken);

    const auto adminPage = get(Admin, "/api/executions?limit=3&key=" + q(Shared)).json().object();
    const QString adminCursor = adminPage.value(u"next").toString();
    QVERIFY(!adminCursor.isEmpty());
    const auto rest = get(ShopAndBlog, "/api/executions?limit=1000&key=" + q(Shared) + "&cursor=" + q(adminCursor));
    QCOMPARE(rest.status, 200);
    auto values = valuesOf(rest.json().object().value(u"executions").toArray());
    QVERIFY(!values.isEmpty());
    QVERIFY(values.subtract({ 1.0, 2.0 }).isEmpty());
}

void tst_HttpAuth::statusShowsAScopedTokenNoCounters()
{
    const auto full = get(Admin, "/api/status").json().object();
    for (const char* member : { "version", "uptime_seconds", "udp", "http", "database", "counters" })
        QVERIFY2(full.contains(QLatin1String(member)), member);
    const auto scoped = get(ShopAndBlog, "/api/status").json().object();
    QCOMPARE(scoped.keys(),
        (QStringList { QStringLiteral("scope"), QStringLiteral("started"), QStringLiteral("uptime_seconds"),
            QStringLiteral("version") }));
    QCOMPARE(scoped.value(u"version").toString(), QStringLiteral(KODEMON_VERSION));
    QCOMPARE(scoped.value(u"scope").toObject().value(u"tokens").toArray(),
        (QJsonArray { QStringLiteral("blog"), QStringLiteral("shop") }));
    const QByteArray body = get(ShopAndBlog, "/api/status").body;
    QVERIFY(!body.contains(m_store->location().toUtf8()));
    QVERIFY(!body.contains("counters"));
}

// GET /metrics: an API token limited to some Kodemon tokens gets the histograms of its own tokens' functions and
// none of the collector's counters, which are about every token.
void tst_HttpAuth::metricsAreScoped()
{
    const auto full = get(Admin, "/metrics");
    QCOMPARE(full.status, 200);
    QVERIFY(full.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    for (const char* token : { "shop", "blog", "other" })
        QVERIFY2(full.body.contains(QByteArray("token=\"" + QByteArray(token) + "\"}")), token);
    QVERIFY(full.body.contains("kodemon_call_duration_seconds_count{key=\"/srv/app/odd.py-\\\"quoted\\\" key\",token=\"other\"} 1"));
    QVERIFY(full.body.contains("kodemon_calls_stored_total"));
    const auto scoped = get(ShopAndBlog, "/metrics");
    QCOMPARE(scoped.status, 200);
    QVERIFY(scoped.body.contains("kodemon_call_duration_seconds_count{key=\"/srv/app/views.py-list\",token=\"shop\"} 30"));
    QVERIFY(scoped.body.contains("kodemon_call_duration_seconds_count{key=\"/srv/app/views.py-list\",token=\"blog\"} 30"));
    QVERIFY(!scoped.body.contains("token=\"other\""));
    QVERIFY(!scoped.body.contains("token=\"\""));
    QVERIFY(!scoped.body.contains("kodemon_calls_stored_total"));
    QVERIFY(!scoped.body.contains("kodemon_datagrams_received_total"));
    QCOMPARE(get(Stranger, "/metrics").body.count("kodemon_call_duration_seconds_count"), 0);
    QCOMPARE(get(Admin, "/metrics?x=1").status, 400);
}

void tst_HttpAuth::onlyGetAndHeadRun_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    for (const char* method : { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FROB" }) {
        for (const char* target : { "/api/keys", "/api/executions?key=x", "/api/nothing", "/", "/assets/app.js" })
            QTest::addRow("%s %s", method, target) << QByteArray(method) << QByteArray(target);
    }
}

void tst_HttpAuth::onlyGetAndHeadRun()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    const bool api = target.startsWith("/api/");
    HttpClient client(m_server->port());
    // Without a token: the API says 401 before anything else; the page's paths say 405.
    const auto anonymous = client.request(method, target, "Content-Length: 0\r\n");
    QCOMPARE(anonymous.status, api ? 401 : 405);
    const auto withToken
        = client.request(method, target, "Content-Length: 0\r\nAuthorization: Bearer " + Admin + "\r\n");
    QCOMPARE(withToken.status, 405);
    QCOMPARE(withToken.header("Allow"), QByteArray("GET, HEAD"));
    // Nothing was changed or deleted.
    QCOMPARE(get(Admin, "/api/stats?key=" + q(Shared)).json().object().value(u"count").toInteger(),
        qint64(Tokens.size()) * PerToken);
}

QTEST_GUILESS_MAIN(tst_HttpAuth)
#include "tst_httpauth.moc"
