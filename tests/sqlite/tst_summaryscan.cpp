// SPDX-License-Identifier: MIT
// Answers from summaries (summaryscan.h, SqliteReader above its exact-call limit) against the exact answers
// over the same calls: counts, extremes and failed calls equal, means equal to rounding, percentiles within 1%,
// whatever the range cuts; the series' all-time summary follows compactions and merges; and `exact` says which.
#include "base/stats.h"
#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"
#include "store/query.h"

#include <cmath>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SummaryScan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statsWithinOnePercent_data();
    void statsWithinOnePercent();
    void bucketsKeepExactExtremes_data();
    void bucketsKeepExactExtremes();
    void functionsTableFromSummaries();
    void filtersAndExactAlwaysReadCalls();
    void seriesSummaryFollowsCompactionsAndMerges();
    void migrationSummarizesOldChunks();

private:
    QString path() const { return m_dir.filePath(QStringLiteral("summaries.sqlite")); }
    QTemporaryDir m_dir;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<Query> m_summaries; // answers from summaries above 500 calls
    std::unique_ptr<Query> m_exact; // always reads every call
    QList<Sample> m_written;
};

namespace {

const QString Lognormal = QStringLiteral("/srv/app.py-lognormal");
const QString Bimodal = QStringLiteral("/srv/app.py-bimodal");
const QString Constant = QStringLiteral("/srv/app.py-constant");
constexpr double First = 1795600000;

double normal(QRandomGenerator& random)
{
    return std::sqrt(-2 * std::log(1 - random.generateDouble())) * std::cos(2 * M_PI * random.generateDouble());
}

void withinOnePercent(double got, double want, const char* what)
{
    QVERIFY2(std::abs(got - want) <= 0.01 * std::abs(want) * (1 + 1e-12),
        qPrintable(QStringLiteral("%1: %2 vs exact %3").arg(QLatin1String(what)).arg(got, 0, 'g', 17).arg(want, 0, 'g', 17)));
}

} // namespace

void tst_SummaryScan::initTestCase()
{
    m_store = std::make_unique<SqliteStore>(path());
    QVERIFY(m_store->open().ok());
    // Small compactions: thousands of chunks of every size class, merged as they grow, some calls still recent.
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 3000, 3600000 });
    QRandomGenerator random(17);
    for (int batch = 0; batch < 40; ++batch) {
        QList<Sample> samples;
        for (int i = 0; i < 2000; ++i) {
            const double t = First + batch * 2000 + i + random.bounded(3); // a little out of order
            const bool failed = random.bounded(20) == 0;
            const QByteArray extra = failed ? QByteArray(R"({"error":"E"})") : QByteArray();
            samples.append({ QStringLiteral("t"), Lognormal, t, 10 * std::exp(normal(random)), qint64(t), extra });
            samples.append({ QStringLiteral("t"), Bimodal, t,
                random.bounded(10) < 8 ? 0.3 * std::exp(0.2 * normal(random)) : 50 * std::exp(0.1 * normal(random)),
                qint64(t), extra });
            if (i % 4 == 0)
                samples.append({ QStringLiteral("u"), Constant, t, 31.9, qint64(t), {} });
        }
        QVERIFY(writer.write(samples).ok());
        m_written += samples;
    }
    m_summaries = std::make_unique<Query>(std::make_unique<SqliteReader>(path(), ReadScope {}, 500));
    m_exact = std::make_unique<Query>(std::make_unique<SqliteReader>(path(), ReadScope {}, 1LL << 62));
}

void tst_SummaryScan::statsWithinOnePercent_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<TimeRange>("range");
    for (const QString& key : { Lognormal, Bimodal, Constant }) {
        QTest::addRow("%s, all time", qPrintable(key)) << key << TimeRange {};
        QTest::addRow("%s, cut at both ends", qPrintable(key)) << key << TimeRange { First + 1234.5, First + 70001 };
        QTest::addRow("%s, open end", qPrintable(key)) << key << TimeRange { First + 33333, std::nullopt };
        QTest::addRow("%s, the recent calls only", qPrintable(key)) << key << TimeRange { First + 79000, std::nullopt };
    }
}

void tst_SummaryScan::statsWithinOnePercent()
{
    QFETCH(QString, key);
    QFETCH(TimeRange, range);
    const SeriesSelector selector { key, std::nullopt, range };
    const auto exact = m_exact->stats(selector);
    const auto estimated = m_summaries->stats(selector);
    QVERIFY(exact.ok() && estimated.ok());
    QVERIFY(exact->exact);
    // Above the limit (by the index's count, an upper bound) the answer comes from summaries and says so.
    if (exact->count > 500)
        QVERIFY(!estimated->exact);
    QCOMPARE(estimated->count, exact->count);
    QCOMPARE(estimated->errors, exact->errors);
    QCOMPARE(estimated->min, exact->min);
    QCOMPARE(estimated->max, exact->max);
    QVERIFY(std::abs(estimated->mean - exact->mean) <= 1e-9 * exact->mean);
    // From the moments: exact but for rounding, which is relative to the mean (31.9 ms constant: 3e-7 ms).
    QVERIFY(std::abs(estimated->stddev - exact->stddev) <= 1e-6 * (exact->stddev + exact->mean));
    withinOnePercent(estimated->p50, exact->p50, "p50");
    withinOnePercent(estimated->p90, exact->p90, "p90");
    withinOnePercent(estimated->p95, exact->p95, "p95");
    withinOnePercent(estimated->p99, exact->p99, "p99");
    withinOnePercent(estimated->p999, exact->p999, "p99.9");
}

void tst_SummaryScan::bucketsKeepExactExtremes_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<TimeRange>("range");
    QTest::newRow("1000 buckets") << 1000 << TimeRange {};
    QTest::newRow("10 buckets") << 10 << TimeRange {};
    QTest::newRow("300 buckets, cut") << 300 << TimeRange { First + 555.5, First + 66666 };
}

void tst_SummaryScan::bucketsKeepExactExtremes()
{
    QFETCH(int, points);
    QFETCH(TimeRange, range);
    const SeriesSelector selector { Lognormal, std::nullopt, range };
    const auto exact = m_exact->buckets(selector, points);
    const auto estimated = m_summaries->buckets(selector, points);
    QVERIFY(exact.ok() && estimated.ok());
    QVERIFY(exact->exact);
    QCOMPARE(estimated->step, exact->step);
    QCOMPARE(estimated->buckets.size(), exact->buckets.size());
    for (qsizetype i = 0; i < exact->buckets.size(); ++i) {
        const auto& want = exact->buckets[i];
        const auto& got = estimated->buckets[i];
        QCOMPARE(got.start, want.start);
        QCOMPARE(got.count, want.count);
        QCOMPARE(got.errors, want.errors);
        QCOMPARE(got.min, want.min); // spikes survive
        QCOMPARE(got.max, want.max);
        QVERIFY(std::abs(got.mean - want.mean) <= 1e-9 * want.mean);
        withinOnePercent(got.p95, want.p95, "bucket p95");
    }
}

void tst_SummaryScan::functionsTableFromSummaries()
{
    for (const TimeRange& range : { TimeRange {}, TimeRange { First + 1000.5, First + 50000 } }) {
        const auto exact = m_exact->summaries(range);
        const auto estimated = m_summaries->summaries(range);
        QVERIFY(exact.ok() && estimated.ok());
        QCOMPARE(estimated->size(), 3);
        for (qsizetype i = 0; i < exact->size(); ++i) {
            QCOMPARE(estimated->at(i).info.id, exact->at(i).info.id);
            QCOMPARE(estimated->at(i).count, exact->at(i).count);
            QCOMPARE(estimated->at(i).errors, exact->at(i).errors);
            QVERIFY(!estimated->at(i).exact);
            QVERIFY(exact->at(i).exact);
            QVERIFY(std::abs(estimated->at(i).mean - exact->at(i).mean) <= 1e-9 * exact->at(i).mean);
            withinOnePercent(estimated->at(i).p95, exact->at(i).p95, "table p95");
        }
    }
}

void tst_SummaryScan::filtersAndExactAlwaysReadCalls()
{
    SeriesSelector failed { Lognormal, std::nullopt, {} };
    failed.outcome = CallOutcome::Failed;
    QVERIFY(m_summaries->stats(failed)->exact);
    SeriesSelector exact { Lognormal, std::nullopt, {} };
    exact.exact = true;
    const auto stats = m_summaries->stats(exact);
    QVERIFY(stats->exact);
    QCOMPARE(stats->p95, m_exact->stats({ Lognormal, std::nullopt, {} })->p95);
    SummaryRequest request { {}, std::nullopt };
    request.exact = true;
    QVERIFY(m_summaries->functionsTable(request)->first().exact);
}

void tst_SummaryScan::seriesSummaryFollowsCompactionsAndMerges()
{
    // The series' summary of its chunks plus its recent calls is every call it has, however often they were
    // compacted and merged.
    auto connection = SqliteConnection::open(path());
    QVERIFY(connection.ok());
    QSqlQuery query((*connection)->database());
    QVERIFY(query.exec(QStringLiteral("SELECT s.key, ss.count, (SELECT sum(sample_count) FROM chunks c WHERE "
                                      "c.series_id = s.id) FROM series s JOIN series_summary ss ON ss.series_id = s.id")));
    int series = 0;
    while (query.next()) {
        QCOMPARE(query.value(1).toLongLong(), query.value(2).toLongLong());
        ++series;
    }
    QCOMPARE(series, 3);
}

void tst_SummaryScan::migrationSummarizesOldChunks()
{
    // A version 5 file: chunks without summaries. The upgrade summarizes them, and the answers agree.
    const QString old = m_dir.filePath(QStringLiteral("v5.sqlite"));
    {
        auto connection = SqliteConnection::open(old);
        QVERIFY(connection.ok());
        QVERIFY(Schema::migrateTo(**connection, 6).ok());
    }
    {
        SqliteWriter writer(old, {}, ChunkPolicy::Compaction { 1000, 3600000 });
        QVERIFY(writer.write(m_written.mid(0, 30000)).ok());
    }
    {
        auto connection = SqliteConnection::open(old);
        QVERIFY((*connection)->execute(QStringLiteral("UPDATE chunks SET sum_ms = NULL, sumsq_ms = NULL, min_ms = NULL, "
                                                      "max_ms = NULL, errors = NULL, sketch = NULL")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DELETE FROM series_summary")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("PRAGMA user_version = 5")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DROP INDEX chunks_by_arrival")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN min_arrival")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN max_arrival")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DROP TABLE rollups")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DROP TABLE meta")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN sketch")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN errors")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN max_ms")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN min_ms")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN sumsq_ms")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("ALTER TABLE chunks DROP COLUMN sum_ms")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DROP TABLE series_summary")).ok());
    }
    SqliteStore store(old);
    const auto opened = store.open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error()));
    Query summaries(std::make_unique<SqliteReader>(old, ReadScope {}, 100));
    Query exact(std::make_unique<SqliteReader>(old, ReadScope {}, 1LL << 62));
    for (const QString& key : { Lognormal, Bimodal }) {
        const auto a = summaries.stats({ key, std::nullopt, {} });
        const auto b = exact.stats({ key, std::nullopt, {} });
        QVERIFY(a.ok() && b.ok());
        QVERIFY(!a->exact);
        QCOMPARE(a->count, b->count);
        QCOMPARE(a->max, b->max);
        withinOnePercent(a->p95, b->p95, "p95 after the upgrade");
    }
}

QTEST_GUILESS_MAIN(tst_SummaryScan)
#include "tst_summaryscan.moc"
