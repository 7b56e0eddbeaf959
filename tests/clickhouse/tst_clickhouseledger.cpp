// SPDX-License-Identifier: MIT
// The series ledger on a real server: every stored sample is counted once, whatever copies of a resent batch the
// samples table holds, across retries and across runs that share a spool; failed calls are counted; samples an
// older Kodemon stored are counted once when the ledger is made.
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhouseledger.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "store/query.h"

#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ClickHouseServer;

class tst_ClickHouseLedger : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void callFailed_data();
    void callFailed();
    void countsEveryStoredSampleOnce();
    void aLaterRunCountsOnlyWhatIsLeft();
    void countsFailedCalls();
    void samplesOfAnOlderKodemonAreCountedOnce();
    void anOlderSamplesTableGetsTheFailedColumn();

private:
    std::shared_ptr<ClickHouseStore> openStore(const QString& database);
    std::unique_ptr<ClickHouseServer> m_server;
};

namespace {

Sample sample(const QString& key, double timestamp, double ms, const QByteArray& extra = {})
{
    return Sample { QStringLiteral("t"), key, timestamp, ms, 1795608120, extra };
}

QList<Sample> samples(int count, const QString& key = QStringLiteral("k"))
{
    QList<Sample> list;
    for (int i = 0; i < count; ++i)
        list.append(sample(key, 1795600000 + i / 10, 1.0 + i));
    return list;
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

void tst_ClickHouseLedger::initTestCase()
{
    m_server = std::make_unique<ClickHouseServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
}

std::shared_ptr<ClickHouseStore> tst_ClickHouseLedger::openStore(const QString& database)
{
    auto store = std::make_shared<ClickHouseStore>(m_server->config(database));
    const auto status = store->open();
    if (!status)
        qWarning() << status.error();
    return status ? store : nullptr;
}

void tst_ClickHouseLedger::callFailed_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<bool>("failed");
    QTest::newRow("none") << QByteArray() << false;
    QTest::newRow("class name") << QByteArray(R"({"error":"ValueError"})") << true;
    QTest::newRow("true") << QByteArray(R"({"endpoint":"/cart","error":true})") << true;
    QTest::newRow("a number") << QByteArray(R"({"error":500})") << true;
    QTest::newRow("false") << QByteArray(R"({"error":false})") << false;
    QTest::newRow("null") << QByteArray(R"({"error":null})") << false;
    QTest::newRow("nested, not the call's") << QByteArray(R"({"response":{"error":"x"}})") << false;
    QTest::newRow("a value, not a name") << QByteArray(R"({"message":"\"error\""})") << false;
    QTest::newRow("malformed") << QByteArray(R"({"error":)") << false;
}

void tst_ClickHouseLedger::callFailed()
{
    QFETCH(QByteArray, extra);
    QFETCH(bool, failed);
    QCOMPARE(Kodemon::callFailed(extra), failed);
}

void tst_ClickHouseLedger::countsEveryStoredSampleOnce()
{
    auto store = openStore(QStringLiteral("once"));
    QVERIFY(store);
    const QList<Sample> all = samples(1000);
    auto writer = store->createWriter();
    // A first attempt that "failed" after the server stored it, its retry with more samples, and a resend of the
    // second half: the table holds 2,100 rows, the ledger counts 1,000.
    QVERIFY(writer->writeIdentified({ 77, 1, all.first(600) }).ok());
    QVERIFY(writer->writeIdentified({ 77, 1, all }).ok());
    QVERIFY(writer->writeIdentified({ 77, 501, all.mid(500) }).ok());
    ClickHouseClient client(m_server->config(QStringLiteral("once")));
    QCOMPARE(scalar(client, "SELECT toUInt64(count()) FROM once.samples"), 2100u);
    Query query(store->createReader());
    const auto keys = query.keys();
    QVERIFY(keys.ok());
    QCOMPARE(keys->size(), 1);
    QCOMPARE(keys->first().count, 1000);
    QCOMPARE(keys->first().first, all.first().timestamp);
    QCOMPARE(keys->first().last, all.last().timestamp);
    QCOMPARE(keys->first().totalExecutionTime, 1000.0 * 1001.0 / 2.0);
    // How far origin 77 is counted, for a later run that sends what its spool still holds.
    QCOMPARE(scalar(client, "SELECT max(version) FROM once.series WHERE kind = 1 AND ledger = 77"), 1000u);
}

void tst_ClickHouseLedger::aLaterRunCountsOnlyWhatIsLeft()
{
    auto store = openStore(QStringLiteral("laterrun"));
    QVERIFY(store);
    const QList<Sample> all = samples(800);
    {
        auto first = store->createWriter();
        QVERIFY(first->writeIdentified({ 88, 1, all.first(500) }).ok());
    }
    // The next run finds the batch in the spool (it was stored, but the run stopped before it could drop it) and
    // the rest of the origin's samples after it.
    auto next = store->createWriter();
    QVERIFY(next->writeIdentified({ 88, 1, all.first(500) }).ok());
    QVERIFY(next->writeIdentified({ 88, 501, all.mid(500) }).ok());
    Query query(store->createReader());
    QCOMPARE(query.keys()->first().count, 800);
    QCOMPARE(query.stats({ QStringLiteral("k"), std::nullopt, {} })->count, 800);
    // The table holds the copies; every answer sees each sample once.
    ClickHouseClient client(m_server->config(QStringLiteral("laterrun")));
    QCOMPARE(scalar(client, "SELECT toUInt64(count()) FROM laterrun.samples"), 1300u);
    QCOMPARE(query.executions({ QStringLiteral("k"), std::nullopt, {} }, {}, 10000)->samples.size(), 800);
}

void tst_ClickHouseLedger::countsFailedCalls()
{
    auto store = openStore(QStringLiteral("failed"));
    QVERIFY(store);
    auto writer = store->createWriter();
    QVERIFY(writer
                ->write({ sample(QStringLiteral("k"), 1, 1, R"({"error":"ValueError"})"),
                    sample(QStringLiteral("k"), 2, 1, R"({"error":true,"user":"u1"})"),
                    sample(QStringLiteral("k"), 3, 1, R"({"error":false})"),
                    sample(QStringLiteral("k"), 4, 1, R"({"error":null})"), sample(QStringLiteral("k"), 5, 1),
                    sample(QStringLiteral("other"), 5, 1) })
                .ok());
    ClickHouseClient client(m_server->config(QStringLiteral("failed")));
    QCOMPARE(scalar(client, "SELECT sum(failed) FROM failed.series FINAL WHERE kind = 0 AND key = 'k'"), 2u);
    QCOMPARE(scalar(client, "SELECT sum(failed) FROM failed.series FINAL WHERE kind = 0 AND key = 'other'"), 0u);
    // Each sample's own `failed` column, judged by the writer the same way: 1 for the calls at 1 and 2 s.
    QCOMPARE(scalar(client, "SELECT toUInt64(sum(failed * toUInt64(exp2(ts)))) FROM failed.samples WHERE key = 'k'"),
        6u);
    QCOMPARE(scalar(client, "SELECT toUInt64(countIf(failed > 1)) FROM failed.samples"), 0u);
}

void tst_ClickHouseLedger::samplesOfAnOlderKodemonAreCountedOnce()
{
    // The table an older Kodemon made, with a resent sample stored twice (a failed call), and no ledger.
    ClickHouseClient client(m_server->config(QStringLiteral("default")));
    QVERIFY(client.query("CREATE DATABASE older").ok());
    QVERIFY(client
                .query("CREATE TABLE older.samples (token String, key String, ts Float64, execution_time Float64, "
                       "received_at Int64, extra String, origin UInt64, seq UInt64) ENGINE = ReplacingMergeTree() "
                       "PARTITION BY toYYYYMM(toDateTime(toUInt32(least(greatest(ts, 0), 4294967295)))) "
                       "ORDER BY (token, key, ts, origin, seq)")
                .ok());
    QVERIFY(client
                .query(R"(INSERT INTO older.samples VALUES ('t', 'k', 100, 1.5, 0, '', 5, 1), )"
                       R"(('t', 'k', 200, 2.5, 0, '{"error":"E"}', 5, 2), )"
                       R"(('t', 'j', 300, 3.5, 0, '{"r":{"error":1}}', 5, 3))")
                .ok());
    QVERIFY(client.query(R"(INSERT INTO older.samples VALUES ('t', 'k', 200, 2.5, 0, '{"error":"E"}', 5, 2))").ok());

    auto store = openStore(QStringLiteral("older"));
    QVERIFY(store);
    Query query(store->createReader());
    auto keys = query.keys();
    QVERIFY(keys.ok());
    QCOMPARE(keys->size(), 2);
    QCOMPARE(keys->at(1).id.key, QStringLiteral("k"));
    QCOMPARE(keys->at(1).count, 2);
    QCOMPARE(keys->at(1).totalExecutionTime, 4.0);
    // Its failed calls are counted once too; a nested "error" is not the call's.
    QCOMPARE(keys->at(1).errors, 1);
    QCOMPARE(keys->at(0).errors, 0);
    QCOMPARE(query.stats({ QStringLiteral("k"), std::nullopt, {} })->errors, 1);
    // The older samples may hold copies anywhere in their series' time: those reads merge them.
    QCOMPARE(query.stats({ QStringLiteral("k"), std::nullopt, {} })->count, 2);
    QCOMPARE(query.executions({ QStringLiteral("k"), std::nullopt, {} })->samples.size(), 2);
    // New samples count on top; opening again counts nothing twice.
    auto writer = store->createWriter();
    QVERIFY(writer->write({ sample(QStringLiteral("k"), 400, 4) }).ok());
    auto again = openStore(QStringLiteral("older"));
    QVERIFY(again);
    keys = Query(again->createReader()).keys();
    QCOMPARE(keys->at(1).count, 3);
    QCOMPARE(keys->at(1).last, 400.0);
}

// A samples table made by the Kodemon before the `failed` column (LowCardinality keys, no such column) gets it when
// opened: computed on read for the rows already there (2, "not judged", where the extra fields mention "error"),
// which readers then judge with isFailedCall, and written by the writer for new rows. Every count stays exact.
void tst_ClickHouseLedger::anOlderSamplesTableGetsTheFailedColumn()
{
    ClickHouseClient client(m_server->config(QStringLiteral("default")));
    QVERIFY(client.query("CREATE DATABASE beforefailed").ok());
    QVERIFY(client
                .query("CREATE TABLE beforefailed.samples (token LowCardinality(String), key LowCardinality(String), "
                       "ts Float64, execution_time Float64, received_at Int64, extra String, origin UInt64, seq "
                       "UInt64) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(toDateTime(toUInt32(least("
                       "greatest(ts, 0), 4294967295)))) ORDER BY (token, key, ts, origin, seq)",
                    { { "allow_experimental_low_cardinality_type", "1" } })
                .ok());
    // Failed calls at 1, 2 and 8 s; look-alikes at 3 to 6 s (false, null, nested, a string value "error").
    QVERIFY(client
                .query(R"(INSERT INTO beforefailed.samples VALUES ('t', 'k', 1, 1, 0, '{"error":"ValueError"}', 5, 1), )"
                       R"(('t', 'k', 2, 2, 0, '{"error":true,"user":"u1"}', 5, 2), )"
                       R"(('t', 'k', 3, 3, 0, '{"error":false}', 5, 3), ('t', 'k', 4, 4, 0, '{"error":null}', 5, 4), )"
                       R"(('t', 'k', 5, 5, 0, '{"r":{"error":1}}', 5, 5), ('t', 'k', 6, 6, 0, '{"kind":"error"}', 5, 6), )"
                       R"(('t', 'k', 7, 7, 0, '', 5, 7), ('t', 'k', 8, 8, 0, '{"error":"E","tier":"gold"}', 5, 8))")
                .ok());

    auto store = openStore(QStringLiteral("beforefailed"));
    QVERIFY(store);
    QCOMPARE(scalar(client,
                 "SELECT toUInt64(count()) FROM system.columns WHERE database = 'beforefailed' AND table = 'samples' "
                 "AND name = 'failed' AND type = 'UInt8' AND default_expression != ''"),
        1u);
    QCOMPARE(scalar(client, "SELECT toUInt64(sum(failed * toUInt64(exp2(ts)))) FROM beforefailed.samples"),
        2u * (2 + 4 + 8 + 16 + 32 + 64 + 256));
    // Opening again changes nothing.
    QVERIFY(openStore(QStringLiteral("beforefailed")));

    // New calls at 9 to 12 s, one failed, judged by the writer.
    auto writer = store->createWriter();
    QVERIFY(writer
                ->write({ sample(QStringLiteral("k"), 9, 9, R"({"error":"X"})"),
                    sample(QStringLiteral("k"), 10, 10, R"({"error":false})"), sample(QStringLiteral("k"), 11, 11),
                    sample(QStringLiteral("k"), 12, 12, R"({"a":{"error":1}})") })
                .ok());
    QCOMPARE(scalar(client, "SELECT toUInt64(sum(failed * toUInt64(exp2(ts)))) FROM beforefailed.samples WHERE ts > 8"),
        512u);

    // A reader that meets only new rows first, then old ones: both answers exact.
    Query query(store->createReader());
    const QString key = QStringLiteral("k");
    auto recent = query.stats({ key, std::nullopt, TimeRange { 9.0, 12.0 } });
    QVERIFY(recent.ok());
    QCOMPARE(recent->count, 4);
    QCOMPARE(recent->errors, 1);
    auto all = query.stats({ key, std::nullopt, {} });
    QVERIFY(all.ok());
    QCOMPARE(all->count, 12);
    QCOMPARE(all->errors, 4);
    QCOMPARE(query.keys()->first().errors, 4);
    auto buckets = Query(store->createReader()).buckets({ key, std::nullopt, TimeRange { 1.0, 12.0 } }, 11);
    QVERIFY(buckets.ok());
    QList<qint64> errors;
    for (const auto& bucket : std::as_const(buckets->buckets))
        errors.append(bucket.errors);
    QCOMPARE(errors, (QList<qint64> { 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0 }));
    auto table = Query(store->createReader()).functionsTable(SummaryRequest {});
    QVERIFY(table.ok());
    QCOMPARE(table->size(), 1);
    QCOMPARE(table->first().errors, 4);
    QCOMPARE(table->first().count, 12);
}

QTEST_GUILESS_MAIN(tst_ClickHouseLedger)
#include "tst_clickhouseledger.moc"
