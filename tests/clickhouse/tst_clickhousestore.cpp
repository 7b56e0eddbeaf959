// SPDX-License-Identifier: MIT
// The ClickHouse store on a real server: exact round trips, series per token, a resent batch stored once,
// tables it must not touch, and the errors a user sees for a wrong address, password or cluster.
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "store/query.h"

#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ClickHouseServer;

class tst_ClickHouseStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTripIsExact();
    void tokensAreSeparateSeries();
    void resentBatchIsStoredOnce();
    void foreignTableIsLeftUntouched();
    void unreachableServerIsAClearError();
    void passwordIsUsed();
    void unknownClusterIsAClearError();

private:
    std::shared_ptr<ClickHouseStore> openStore(const QString& database);
    std::unique_ptr<ClickHouseServer> m_server;
};

namespace {

Sample sample(const QString& key, double timestamp, double ms, const QString& token = QStringLiteral("t"),
    const QByteArray& extra = {})
{
    return Sample { token, key, timestamp, ms, 1795608120, extra };
}

QList<StoredSample> everything(StoreReader& reader, const QString& key, std::optional<QString> token = {})
{
    auto page = reader.samples(SeriesSelector { key, std::move(token), {} }, {}, 1000000);
    if (!page)
        qWarning() << page.error();
    return page ? page->samples : QList<StoredSample>();
}

quint64 scalar(ClickHouseClient& client, const QByteArray& sql)
{
    auto answer = client.query(sql + " FORMAT RowBinary");
    if (!answer) {
        qWarning() << answer.error();
        return quint64(-1);
    }
    RowBinaryReader reader(*answer);
    return reader.readUInt64();
}

} // namespace

void tst_ClickHouseStore::initTestCase()
{
    m_server = std::make_unique<ClickHouseServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
}

std::shared_ptr<ClickHouseStore> tst_ClickHouseStore::openStore(const QString& database)
{
    auto store = std::make_shared<ClickHouseStore>(m_server->config(database));
    const auto status = store->open();
    if (!status)
        qWarning() << status.error();
    return status ? store : nullptr;
}

void tst_ClickHouseStore::roundTripIsExact()
{
    auto store = openStore(QStringLiteral("roundtrip"));
    QVERIFY(store);
    // Quotes, backslashes, a newline and non-ASCII must reach SQL literals and RowBinary intact.
    const QString key = QString::fromUtf8("/srv/my app/caf\xc3\xa9/../it's\\views.py-fetch\nlatest");
    const QByteArray extra = R"({"project":"demo","tags":["a","b"]})";
    auto writer = store->createWriter();
    QVERIFY(writer
                ->write({ sample(key, 1413404125, 31.9, QStringLiteral("test-token"), extra),
                    sample(key, 1413404125, 0.00095367431640625, QStringLiteral("test-token")),
                    sample(key, 0, 2.5, QStringLiteral("test-token")),
                    sample(key, 1413404125.1, 2.2250738585072014e-308, QStringLiteral("test-token")) })
                .ok());
    auto reader = store->createReader();
    const auto samples = everything(*reader, key);
    QCOMPARE(samples.size(), 4);
    QCOMPARE(samples.at(0).timestamp, 0.0);
    QCOMPARE(samples.at(1).timestamp, 1413404125.0);
    QCOMPARE(samples.at(1).executionTime, 31.9);
    QCOMPARE(samples.at(1).extra, extra);
    QCOMPARE(samples.at(1).token, QStringLiteral("test-token"));
    QCOMPARE(samples.at(2).executionTime, 0.00095367431640625);
    QVERIFY(samples.at(2).extra.isEmpty());
    QCOMPARE(samples.at(3).timestamp, 1413404125.1);
    QCOMPARE(samples.at(3).executionTime, 2.2250738585072014e-308);
    // A range bound that ClickHouse's decimal parser would round still selects exactly.
    auto page = reader->samples({ key, std::nullopt, { 1413404125.1, 1413404125.1 } }, {}, 10);
    QCOMPARE(page->samples.size(), 1);

    const auto series = reader->listSeries(std::nullopt);
    QVERIFY(series.ok());
    QCOMPARE(series->size(), 1);
    QCOMPARE(series->first().id.key, key);
    QCOMPARE(series->first().count, 4);
    QCOMPARE(series->first().first, 0.0);
    QCOMPARE(series->first().last, 1413404125.1);
    QCOMPARE(store->sizeOnDisk(), -1);
}

void tst_ClickHouseStore::tokensAreSeparateSeries()
{
    auto store = openStore(QStringLiteral("tokens"));
    QVERIFY(store);
    auto writer = store->createWriter();
    QVERIFY(writer
                ->write({ sample(QStringLiteral("k"), 50, 10, QStringLiteral("shop")),
                    sample(QStringLiteral("k"), 2, 2, QStringLiteral("blog")),
                    sample(QStringLiteral("k"), 20, 30, QStringLiteral("shop")),
                    sample(QStringLiteral("k"), 4, 4, QString()) })
                .ok());
    QVERIFY(writer
                ->write({ sample(QStringLiteral("k"), 70, 20, QStringLiteral("shop")),
                    sample(QStringLiteral("k"), 10, 40, QStringLiteral("shop")) })
                .ok());
    auto reader = store->createReader();
    const auto series = reader->listSeries(std::nullopt);
    QCOMPARE(series->size(), 3);
    QCOMPARE(series->at(0).id.token, QString()); // sorted by key, then token
    QCOMPARE(series->at(1).id.token, QStringLiteral("blog"));
    QCOMPARE(series->at(2).id.token, QStringLiteral("shop"));
    QCOMPARE(series->at(2).count, 4);
    QCOMPARE(series->at(2).first, 10.0);
    QCOMPARE(series->at(2).last, 70.0);
    QCOMPARE(series->at(2).mean(), 25.0);
    QCOMPARE(reader->listSeries(QStringLiteral("shop"))->size(), 1);
    QCOMPARE(everything(*reader, QStringLiteral("k"), QStringLiteral("shop")).size(), 4);
    QCOMPARE(everything(*reader, QStringLiteral("k"), QString()).size(), 1);
    QCOMPARE(everything(*reader, QStringLiteral("k")).size(), 6);
}

void tst_ClickHouseStore::resentBatchIsStoredOnce()
{
    auto store = openStore(QStringLiteral("resent"));
    QVERIFY(store);
    SampleBatch batch { 77, 1, {} };
    for (int i = 0; i < 1000; ++i)
        batch.samples.append(sample(QStringLiteral("k"), 1000 + i / 10, i));
    auto writer = store->createWriter();
    // The first attempt "failed" after the server stored it; the retry also carries samples that came later.
    QVERIFY(writer->writeIdentified({ 77, 1, batch.samples.first(600) }).ok());
    QVERIFY(writer->writeIdentified(batch).ok());
    QVERIFY(writer->writeIdentified({ 77, 501, batch.samples.mid(500) }).ok());

    Query query(store->createReader());
    QCOMPARE(query.keys()->first().count, 1000);
    QCOMPARE(query.stats({ QStringLiteral("k"), std::nullopt, {} })->count, 1000);
    QCOMPARE(query.executions({ QStringLiteral("k"), std::nullopt, {} })->samples.size(), 1000);
    qint64 total = 0;
    const auto series = query.buckets({ QStringLiteral("k"), std::nullopt, {} }, 7);
    QVERIFY(series.ok());
    for (const auto& bucket : series->buckets)
        total += bucket.count;
    QCOMPARE(total, 1000);

    // The table itself holds the copies until its parts merge; then they are gone.
    ClickHouseClient client(m_server->config(QStringLiteral("resent")));
    QCOMPARE(scalar(client, "SELECT toUInt64(count()) FROM resent.samples"), 2100u);
    QVERIFY(client.query("OPTIMIZE TABLE resent.samples FINAL").ok());
    QCOMPARE(scalar(client, "SELECT toUInt64(count()) FROM resent.samples"), 1000u);
}

void tst_ClickHouseStore::foreignTableIsLeftUntouched()
{
    ClickHouseClient client(m_server->config(QStringLiteral("default")));
    QVERIFY(client.query("CREATE DATABASE IF NOT EXISTS foreign_db").ok());
    QVERIFY(client
                .query("CREATE TABLE foreign_db.samples (id UInt64, name String) ENGINE = ReplacingMergeTree() "
                       "ORDER BY id")
                .ok());
    QVERIFY(client.query("INSERT INTO foreign_db.samples VALUES (1, 'keep me')").ok());
    ClickHouseStore store(m_server->config(QStringLiteral("foreign_db")));
    const auto status = store.open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QLatin1String("is not Kodemon's")), qPrintable(status.error()));
    QCOMPARE(scalar(client, "SELECT toUInt64(count()) FROM foreign_db.samples WHERE name = 'keep me'"), 1u);
}

void tst_ClickHouseStore::unreachableServerIsAClearError()
{
    auto config = m_server->config(QStringLiteral("x"));
    config.port = Kodemon::Test::freeTcpPorts(1).first();
    config.timeoutMs = 2000;
    ClickHouseStore store(config);
    const auto status = store.open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QLatin1String("cannot connect")), qPrintable(status.error()));
    QVERIFY2(status.error().contains(QLatin1String("is clickhouse-server running")), qPrintable(status.error()));
}

void tst_ClickHouseStore::passwordIsUsed()
{
    auto config = m_server->config(QStringLiteral("secured"));
    config.user = QStringLiteral("kodemon");
    config.password = QStringLiteral("s3cret pass");
    QVERIFY(ClickHouseStore(config).open().ok());
    config.password = QStringLiteral("wrong");
    const auto status = ClickHouseStore(config).open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QLatin1String("password"), Qt::CaseInsensitive), qPrintable(status.error()));
}

void tst_ClickHouseStore::unknownClusterIsAClearError()
{
    const auto status = ClickHouseStore(m_server->config(QStringLiteral("c"), QStringLiteral("nope"))).open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QLatin1String("no cluster \"nope\"")), qPrintable(status.error()));
}

QTEST_GUILESS_MAIN(tst_ClickHouseStore)
#include "tst_clickhousestore.moc"
