// SPDX-License-Identifier: MIT
// Every route of the HTTP API over real HTTP on loopback, against the real server on its own thread and a
// real SQLite file: answers, parameter forms, errors, paging, CSV, streaming, headers.
#include "http/httpserver.h"
#include "httpclient.h"
#include "sqlite/sqlitestore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;

class tst_HttpApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void keysListsEverySeries();
    void keysOfOneToken();
    void keysFollowNewData();
    void awkwardKeysRoundTrip_data();
    void awkwardKeysRoundTrip();
    void rangesAreInclusive_data();
    void rangesAreInclusive();
    void pagingReturnsEveryRowOnce_data();
    void pagingReturnsEveryRowOnce();
    void longAnswersAreChunked();
    void csvParsesBackToTheSameRows();
    void csvOfALongRangeIsStreamed();
    void statsOfKnownData();
    void seriesBuckets();
    void status();
    void errors_data();
    void errors();
    void wrongMethodGets405();
    void headHasNoBody();

private:
    HttpResponse get(const QByteArray& target, const QByteArray& headers = {});
    QJsonObject getJson(const QByteArray& target);

    QTemporaryDir m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<HttpServer> m_server;
    std::unique_ptr<HttpClient> m_client;
};

namespace {

const QString Key = QStringLiteral("/srv/app/views.py-fetch latest");
const QString Big = QStringLiteral("/srv/app/jobs.py-big");
constexpr int BigCount = 25000;

const QStringList AwkwardKeys = {
    QStringLiteral("/srv/a b/c.py-f"),
    QStringLiteral("a+b"),
    QStringLiteral("100%-done"),
    QStringLiteral("what?-why#not"),
    QStringLiteral("a&b=c;d"),
    QString::fromUtf8("/home/jörg/日本.py-ünïcode 😀"),
    QStringLiteral("quote\"back\\slash"),
    QStringLiteral("%2F-literally"),
    QStringLiteral("comma,separated\r\nlines"),
};

QByteArray q(const QString& value)
{
    return encodeQueryValue(value);
}

} // namespace

void tst_HttpApi::initTestCase()
{
    m_store = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("api.sqlite")));
    QVERIFY(m_store->open().ok());
    QList<Sample> batch;
    // Token "a": one sample per second at 100..199, execution time = timestamp - 99 (1..100 ms).
    for (int t = 100; t < 200; ++t)
        batch.append({ QStringLiteral("a"), Key, double(t), double(t - 99), 0, {} });
    // Token "b": two samples per second at 150..249 (ties that paging must keep apart), with extra data.
    for (int t = 150; t < 250; ++t) {
        batch.append({ QStringLiteral("b"), Key, double(t), 1000.0, 0, R"({"user":"x,y"})" });
        batch.append({ QStringLiteral("b"), Key, double(t), 2000.5, 0, {} });
    }
    for (int i = 0; i < AwkwardKeys.size(); ++i)
        batch.append({ QStringLiteral("odd"), AwkwardKeys.at(i), 500.0 + i, 1.5 + i, 0, {} });
    for (int i = 0; i < BigCount; ++i)
        batch.append({ QString(), Big, 1000.0 + i * 0.25, 0.125 * (i % 100), 0, {} });
    QVERIFY(m_store->createWriter()->write(batch).ok());

    HttpServer::Options options;
    options.port = 0;
    options.udpAddress = QHostAddress(QHostAddress::LocalHost);
    options.udpPort = 4321;
    m_server = std::make_unique<HttpServer>(m_store, options);
    const auto started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
    QVERIFY(m_server->port() != 0);
    m_client = std::make_unique<HttpClient>(m_server->port());
}

void tst_HttpApi::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

HttpResponse tst_HttpApi::get(const QByteArray& target, const QByteArray& headers)
{
    auto response = m_client->get(target, headers);
    if (response.isValid() && !response.chunked) {
        // Every whole answer says how long it is, and says it right.
        if (response.header("Content-Length").toLongLong() != response.body.size())
            qWarning("Content-Length %s but %lld bytes", response.header("Content-Length").constData(),
                qint64(response.body.size()));
    }
    return response;
}

QJsonObject tst_HttpApi::getJson(const QByteArray& target)
{
    const auto response = get(target);
    if (response.status != 200 || response.header("Content-Type") != "application/json")
        qWarning("%s: %d %s", target.constData(), response.status, response.body.left(300).constData());
    return response.json().object();
}

void tst_HttpApi::keysListsEverySeries()
{
    const auto response = get("/api/keys");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.header("Content-Length").toLongLong(), response.body.size());
    const auto keys = response.json().object().value(u"keys").toArray();
    QCOMPARE(keys.size(), 3 + AwkwardKeys.size());
    QStringList order;
    for (const auto& key : keys)
        order.append(key.toObject().value(u"key").toString() + u'\t' + key.toObject().value(u"token").toString());
    QStringList sorted = order;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(order, sorted);
    const auto it = std::find_if(keys.begin(), keys.end(), [](const auto& k) {
        return k.toObject().value(u"key").toString() == Key && k.toObject().value(u"token").toString() == u"b";
    });
    QVERIFY(it != keys.end());
    const auto b = it->toObject();
    QCOMPARE(b.value(u"count").toInteger(), 200);
    QCOMPARE(b.value(u"first").toDouble(), 150.0);
    QCOMPARE(b.value(u"last").toDouble(), 249.0);
}

// The key list is sent again while nothing was stored; a write by another connection shows in the next one.
void tst_HttpApi::keysFollowNewData()
{
    const QByteArray first = get("/api/keys?token=late").body;
    QCOMPARE(get("/api/keys?token=late").body, first);
    QCOMPARE(QJsonDocument::fromJson(first).object().value(u"keys").toArray().size(), 0);
    QVERIFY(m_store->createWriter()
                ->write({ { QStringLiteral("late"), QStringLiteral("/srv/new.py-f"), 300, 1, 0, {} } })
                .ok());
    const auto keys = getJson("/api/keys?token=late").value(u"keys").toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.first().toObject().value(u"count").toInteger(), 1);
    QVERIFY(m_store->createWriter()
                ->write({ { QStringLiteral("late"), QStringLiteral("/srv/new.py-f"), 301, 2, 0, {} } })
                .ok());
    QCOMPARE(
        getJson("/api/keys?token=late").value(u"keys").toArray().first().toObject().value(u"count").toInteger(), 2);
}

void tst_HttpApi::keysOfOneToken()
{
    const auto keys = getJson("/api/keys?token=a").value(u"keys").toArray();
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.at(0).toObject().value(u"key").toString(), Key);
    QCOMPARE(keys.at(0).toObject().value(u"count").toInteger(), 100);
    QCOMPARE(getJson("/api/keys?token=nobody").value(u"keys").toArray().size(), 0);
    // The empty token selects samples sent without one.
    const auto untokened = getJson("/api/keys?token=").value(u"keys").toArray();
    QCOMPARE(untokened.size(), 1);
    QCOMPARE(untokened.at(0).toObject().value(u"key").toString(), Big);
}

void tst_HttpApi::awkwardKeysRoundTrip_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("executionTime");
    for (int i = 0; i < AwkwardKeys.size(); ++i)
        QTest::addRow("%d: %s", i, qPrintable(AwkwardKeys.at(i))) << AwkwardKeys.at(i) << 1.5 + i;
}

void tst_HttpApi::awkwardKeysRoundTrip()
{
    QFETCH(QString, key);
    QFETCH(double, executionTime);
    const auto keys = getJson("/api/keys?token=odd").value(u"keys").toArray();
    QVERIFY(std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return k.toObject().value(u"key") == key; }));
    const auto page = getJson("/api/executions?key=" + q(key));
    QCOMPARE(page.value(u"key").toString(), key);
    const auto rows = page.value(u"executions").toArray();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).toObject().value(u"execution_time").toDouble(), executionTime);
    QCOMPARE(getJson("/api/stats?key=" + q(key)).value(u"count").toInteger(), 1);
    const auto csv = parseCsv(get("/api/executions?format=csv&key=" + q(key)).body);
    QCOMPARE(csv.size(), 2);
    QCOMPARE(csv.at(1).at(2), key);
}

void tst_HttpApi::rangesAreInclusive_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("first");
    QTest::newRow("epoch") << QByteArray("from=120&to=130") << 11 << 120.0;
    QTest::newRow("fractions") << QByteArray("from=119.5&to=130.5") << 11 << 120.0;
    QTest::newRow("ISO-8601") << QByteArray("from=1970-01-01T00:02:00Z&to=1970-01-01T00:02:10Z") << 11 << 120.0;
    QTest::newRow("ISO offset with a plain plus") << QByteArray("from=1970-01-01T01:02:00+01:00&to=130") << 11 << 120.0;
    QTest::newRow("only from") << QByteArray("from=190") << 10 << 190.0;
    QTest::newRow("only to") << QByteArray("to=104") << 5 << 100.0;
    QTest::newRow("relative: the data is decades old") << QByteArray("from=now-15m") << 0 << 0.0;
    QTest::newRow("relative to") << QByteArray("to=now") << 100 << 100.0;
    QTest::newRow("one instant") << QByteArray("from=150&to=150") << 1 << 150.0;
}

void tst_HttpApi::rangesAreInclusive()
{
    QFETCH(QByteArray, range);
    QFETCH(int, count);
    QFETCH(double, first);
    const auto page = getJson("/api/executions?token=a&key=" + q(Key) + '&' + range);
    const auto rows = page.value(u"executions").toArray();
    QCOMPARE(rows.size(), count);
    if (count > 0)
        QCOMPARE(rows.at(0).toObject().value(u"timestamp").toDouble(), first);
    QVERIFY(page.value(u"next").isNull());
    QCOMPARE(page.value(u"token").toString(), QStringLiteral("a"));
    QCOMPARE(getJson("/api/stats?token=a&key=" + q(Key) + '&' + range).value(u"count").toInteger(), count);
}

void tst_HttpApi::pagingReturnsEveryRowOnce_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<int>("total");
    QTest::newRow("7 at a time, both tokens") << 7 << QByteArray() << 300;
    QTest::newRow("1 at a time, ties") << 1 << QByteArray("&token=b&from=200&to=210") << 22;
    QTest::newRow("exactly the rows") << 100 << QByteArray("&token=a") << 100;
    QTest::newRow("big pages") << 9999 << QByteArray() << 300;
}

void tst_HttpApi::pagingReturnsEveryRowOnce()
{
    QFETCH(int, limit);
    QFETCH(QByteArray, extra);
    QFETCH(int, total);
    QSet<QString> seen;
    QByteArray cursor;
    double lastTimestamp = -1;
    int pages = 0;
    int received = 0;
    for (;;) {
        const auto page = getJson("/api/executions?key=" + q(Key) + "&limit=" + QByteArray::number(limit) + extra
            + (cursor.isEmpty() ? QByteArray() : "&cursor=" + cursor));
        const auto rows = page.value(u"executions").toArray();
        QVERIFY(rows.size() <= limit);
        ++pages;
        for (const auto& row : rows) {
            const auto o = row.toObject();
            QVERIFY(o.value(u"timestamp").toDouble() >= lastTimestamp); // oldest first, across pages too
            lastTimestamp = o.value(u"timestamp").toDouble();
            // Unique in the data: a row seen twice would collapse here.
            seen.insert(QStringLiteral("%1|%2|%3")
                            .arg(o.value(u"timestamp").toDouble())
                            .arg(o.value(u"token").toString())
                            .arg(o.value(u"execution_time").toDouble()));
            ++received;
        }
        if (page.value(u"next").isNull())
            break;
        cursor = q(page.value(u"next").toString());
        QVERIFY(pages < 1000);
    }
    QCOMPARE(received, total);
    QCOMPARE(seen.size(), total);
    QCOMPARE(pages, (total + limit - 1) / limit);
}

void tst_HttpApi::longAnswersAreChunked()
{
    const auto whole = get("/api/executions?limit=1000000&key=" + q(Big));
    QCOMPARE(whole.status, 200);
    QVERIFY(whole.chunked);
    QVERIFY(!whole.hasHeader("Content-Length"));
    const auto object = whole.json().object();
    const auto rows = object.value(u"executions").toArray();
    QCOMPARE(rows.size(), BigCount);
    for (int i = 0; i < BigCount; i += 997)
        QCOMPARE(rows.at(i).toObject().value(u"timestamp").toDouble(), 1000.0 + i * 0.25);
    QVERIFY(object.value(u"next").isNull());

    // A limit that ends inside the data: a next cursor, and the following page starts right after.
    const auto first = get("/api/executions?limit=12345&key=" + q(Big));
    QVERIFY(first.chunked);
    const auto firstRows = first.json().object().value(u"executions").toArray();
    QCOMPARE(firstRows.size(), 12345);
    const QString next = first.json().object().value(u"next").toString();
    QVERIFY(!next.isEmpty());
    const auto second = getJson("/api/executions?limit=1&cursor=" + q(next) + "&key=" + q(Big));
    QCOMPARE(
        second.value(u"executions").toArray().at(0).toObject().value(u"timestamp").toDouble(), 1000.0 + 12345 * 0.25);

    // The default page fits in one piece: a Content-Length, and a next cursor.
    const auto page = get("/api/executions?key=" + q(Big));
    QVERIFY(!page.chunked);
    QCOMPARE(page.header("Content-Length").toLongLong(), page.body.size());
    QCOMPARE(page.json().object().value(u"executions").toArray().size(), 10000);
    QVERIFY(!page.json().object().value(u"next").toString().isEmpty());
}

void tst_HttpApi::csvParsesBackToTheSameRows()
{
    const auto response = get("/api/executions?format=csv&key=" + q(Key));
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("text/csv"));
    QVERIFY(response.header("Content-Disposition").startsWith("attachment; filename=\"kodemon-"));
    QVERIFY(response.header("Content-Disposition").endsWith(".csv\""));
    const auto csv = parseCsv(response.body);
    QCOMPARE(csv.value(0).join(u','), QStringLiteral("timestamp,token,key,execution_time_ms,extra"));
    const auto json = getJson("/api/executions?limit=1000&key=" + q(Key)).value(u"executions").toArray();
    QCOMPARE(csv.size() - 1, json.size());
    QCOMPARE(json.size(), 300);
    for (int i = 0; i < json.size(); ++i) {
        const auto row = json.at(i).toObject();
        const QStringList& fields = csv.at(i + 1);
        QCOMPARE(fields.size(), 5);
        QCOMPARE(fields.at(0).toDouble(), row.value(u"timestamp").toDouble());
        QCOMPARE(fields.at(1), row.value(u"token").toString());
        QCOMPARE(fields.at(2), Key);
        QCOMPARE(fields.at(3).toDouble(), row.value(u"execution_time").toDouble());
        const auto extra = row.value(u"extra").toObject();
        QCOMPARE(fields.at(4), extra.isEmpty() ? QString() : QStringLiteral(R"({"user":"x,y"})"));
    }
    // Accept: text/csv asks for the same.
    QCOMPARE(get("/api/executions?key=" + q(Key), "Accept: text/csv\r\n").body, response.body);
}

void tst_HttpApi::csvOfALongRangeIsStreamed()
{
    const auto response = get("/api/executions?format=csv&key=" + q(Big) + "&from=1000&to=7249.75");
    QCOMPARE(response.status, 200);
    QVERIFY(response.chunked);
    const auto csv = parseCsv(response.body);
    QCOMPARE(csv.size(), 1 + BigCount);
    QCOMPARE(csv.at(1).at(0), QStringLiteral("1000"));
    QCOMPARE(csv.at(BigCount).at(0), QStringLiteral("7249.75"));
    QCOMPARE(csv.at(3).at(3), QStringLiteral("0.25"));
}

void tst_HttpApi::statsOfKnownData()
{
    const auto stats = getJson("/api/stats?token=a&key=" + q(Key));
    QCOMPARE(stats.value(u"count").toInteger(), 100);
    QCOMPARE(stats.value(u"min").toDouble(), 1.0);
    QCOMPARE(stats.value(u"max").toDouble(), 100.0);
    QCOMPARE(stats.value(u"mean").toDouble(), 50.5);
    QVERIFY(qAbs(stats.value(u"stddev").toDouble() - 28.866070047722118) < 1e-9);
    QCOMPARE(stats.value(u"p50").toDouble(), 50.0);
    QCOMPARE(stats.value(u"p90").toDouble(), 90.0);
    QCOMPARE(stats.value(u"p95").toDouble(), 95.0);
    QCOMPARE(stats.value(u"p99").toDouble(), 99.0);
    QCOMPARE(stats.value(u"p999").toDouble(), 100.0);
    QCOMPARE(stats.value(u"key").toString(), Key);
    // An empty range of a known key: zero count, not an error.
    const auto empty = getJson("/api/stats?token=a&from=5000&key=" + q(Key));
    QCOMPARE(empty.value(u"count").toInteger(), 0);
    QCOMPARE(empty.value(u"from").toDouble(), 5000.0);
}

void tst_HttpApi::seriesBuckets()
{
    const auto series = getJson("/api/series?token=a&points=10&from=100&to=200&key=" + q(Key));
    QCOMPARE(series.value(u"step").toDouble(), 10.0);
    QCOMPARE(series.value(u"origin").toDouble(), 100.0); // the range's start: no summaries in it
    const auto buckets = series.value(u"buckets").toArray();
    QCOMPARE(buckets.size(), 10);
    qint64 total = 0;
    for (const auto& bucket : buckets) {
        const auto b = bucket.toObject();
        total += b.value(u"count").toInteger();
        QVERIFY(b.value(u"min").toDouble() <= b.value(u"mean").toDouble());
        QVERIFY(b.value(u"mean").toDouble() <= b.value(u"max").toDouble());
    }
    QCOMPARE(total, 100);
    const auto first = buckets.at(0).toObject();
    QCOMPARE(first.value(u"t").toDouble(), 100.0);
    QCOMPARE(first.value(u"min").toDouble(), 1.0);
    QCOMPARE(first.value(u"max").toDouble(), 10.0);
    QCOMPARE(first.value(u"mean").toDouble(), 5.5);
    // Default: 500 buckets at most.
    QVERIFY(getJson("/api/series?key=" + q(Big)).value(u"buckets").toArray().size() <= 500);
    QVERIFY(getJson("/api/series?key=" + q(Big)).value(u"buckets").toArray().size() > 400);
}

void tst_HttpApi::status()
{
    const auto status = getJson("/api/status");
    QCOMPARE(status.value(u"version").toString(), QStringLiteral(KODEMON_VERSION));
    QVERIFY(status.value(u"uptime_seconds").toDouble() >= 0);
    QCOMPARE(status.value(u"http").toObject().value(u"port").toInt(), int(m_server->port()));
    QCOMPARE(status.value(u"http").toObject().value(u"address").toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(status.value(u"udp").toObject().value(u"port").toInt(), 4321);
    QCOMPARE(status.value(u"database").toObject().value(u"path").toString(), m_store->location());
    QVERIFY(status.value(u"database").toObject().value(u"size_bytes").toInteger() > 0);
    QCOMPARE(status.value(u"counters").toObject().value(u"datagrams_received").toInteger(), 0);
}

void tst_HttpApi::errors_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("detailPart");
    QTest::newRow("unknown key") << QByteArray("/api/executions?key=nope") << 404 << QString()
                                 << QStringLiteral("no samples of key \"nope\"");
    QTest::newRow("unknown key, stats") << QByteArray("/api/stats?key=nope") << 404 << QString()
                                        << QStringLiteral("nope");
    QTest::newRow("unknown key, series") << QByteArray("/api/series?key=nope") << 404 << QString()
                                         << QStringLiteral("nope");
    QTest::newRow("known key, other token")
        << QByteArray("/api/stats?key=a%2Bb&token=zz") << 404 << QString() << QStringLiteral("token \"zz\"");
    QTest::newRow("unknown route") << QByteArray("/api/nothing") << 404 << QString() << QStringLiteral("/api/nothing");
    QTest::newRow("route with a slash more")
        << QByteArray("/api/keys/") << 404 << QString() << QStringLiteral("/api/keys/");
    QTest::newRow("unknown asset") << QByteArray("/assets/nothing.js") << 404 << QString()
                                   << QStringLiteral("nothing.js");
    QTest::newRow("missing key") << QByteArray("/api/executions") << 400 << QStringLiteral("key")
                                 << QStringLiteral("required");
    QTest::newRow("bad time") << QByteArray("/api/stats?key=a&to=tomorrow") << 400 << QStringLiteral("to")
                              << QStringLiteral("tomorrow");
    QTest::newRow("reversed") << QByteArray("/api/series?key=a&from=2&to=1") << 400 << QStringLiteral("to")
                              << QStringLiteral("reversed");
    QTest::newRow("bad points") << QByteArray("/api/series?key=a&points=99999") << 400 << QStringLiteral("points")
                                << QStringLiteral("10000");
    QTest::newRow("bad limit") << QByteArray("/api/executions?key=a&limit=0") << 400 << QStringLiteral("limit")
                               << QStringLiteral("1000000");
    QTest::newRow("foreign cursor") << QByteArray("/api/executions?key=a%2Bb&cursor=garbage") << 400 << QString()
                                    << QStringLiteral("cursor");
    QTest::newRow("unknown parameter") << QByteArray("/api/keys?tokne=a") << 400 << QStringLiteral("tokne")
                                       << QStringLiteral("unknown parameter");
    QTest::newRow("status takes none") << QByteArray("/api/status?x") << 400 << QStringLiteral("x")
                                       << QStringLiteral("no parameters");
}

void tst_HttpApi::errors()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, parameter);
    QFETCH(QString, detailPart);
    const auto response = get(target);
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.header("Content-Length").toLongLong(), response.body.size());
    const auto error = response.json().object();
    QCOMPARE(
        error.value(u"error").toString(), status == 404 ? QStringLiteral("not found") : QStringLiteral("bad request"));
    QVERIFY2(error.value(u"detail").toString().contains(detailPart), response.body.constData());
    QCOMPARE(error.value(u"parameter").toString(), parameter);
}

void tst_HttpApi::wrongMethodGets405()
{
    for (const QByteArray method : { "POST", "PUT", "DELETE", "PATCH", "OPTIONS" }) {
        for (const QByteArray target : { "/api/keys", "/api/executions?key=a", "/", "/assets/app.js", "/nothing" }) {
            const auto response = m_client->request(method, target, "Content-Length: 0\r\n");
            QCOMPARE(response.status, 405);
            QCOMPARE(response.header("Allow"), QByteArray("GET, HEAD"));
            QCOMPARE(response.json().object().value(u"error").toString(), QStringLiteral("method not allowed"));
        }
    }
    // A body is read and skipped: the connection goes on with the next request.
    QVERIFY(m_client->send("POST /api/keys HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
    QCOMPARE(m_client->read().status, 405);
    QCOMPARE(get("/api/status").status, 200);
}

void tst_HttpApi::headHasNoBody()
{
    for (const QByteArray target : { "/api/keys", "/", "/api/executions?format=csv&key=a%2Bb" }) {
        const auto whole = get(target);
        const auto head = m_client->request("HEAD", target);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("Content-Length"), whole.header("Content-Length"));
        QCOMPARE(head.header("Content-Type"), whole.header("Content-Type"));
        QVERIFY(head.body.isEmpty());
        // Had a body been sent, it would now be read as the next response.
        QCOMPARE(get("/api/status").status, 200);
    }
}

QTEST_GUILESS_MAIN(tst_HttpApi)
#include "tst_httpapi.moc"
