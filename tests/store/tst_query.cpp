// SPDX-License-Identifier: MIT
// The query layer over a real store: ranges, paging, statistics and buckets against known data. The store is an
// SQLite file, or with KODEMON_TEST_STORE=clickhouse a real ClickHouse server (tst_query_clickhouse): the same
// tests hold for both.
#include "base/stats.h"
#include "store/query.h"
#include "teststore.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_Query : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rangesAreInclusive_data();
    void rangesAreInclusive();
    void reversedRangeIsAnError();
    void unknownKeyIsNotFound();
    void keysAreSortedWithTotals();
    void pagingReturnsEveryRowOnce_data();
    void pagingReturnsEveryRowOnce();
    void foreignCursorIsRejected();
    void limitIsChecked();
    void statisticsOfKnownData();
    void statisticsOfAnEmptyRange();
    void bucketsKeepSpikes();
    void bucketsSpanTheDataWhenOpen();
    void valuesAreTheExecutionsInOrder();
    void summariesCountMeanAndP95PerSeries();
    void longScansAgreeWithOnePass_data();
    void longScansAgreeWithOnePass(); // last: it adds a key the tests above do not expect

private:
    QTemporaryDir m_dir;
    Kodemon::Test::TestStores m_stores;
    std::shared_ptr<Store> m_store;
    std::unique_ptr<Query> m_query;
};

namespace {
const QString Key = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Spiky = QStringLiteral("/srv/app/jobs.py-spiky");
} // namespace

void tst_Query::initTestCase()
{
    auto store = m_stores.create(m_dir.path(), QStringLiteral("q"));
    QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error()));
    m_store = *store;
    QList<Sample> batch;
    // Token "a": timestamps 100..199, execution time = timestamp - 99 (1..100 ms).
    for (int t = 100; t < 200; ++t)
        batch.append({ QStringLiteral("a"), Key, double(t), double(t - 99), 0, {} });
    // Token "b": timestamps 150..249 with two samples per second (ties that paging must keep apart).
    for (int t = 150; t < 250; ++t) {
        batch.append({ QStringLiteral("b"), Key, double(t), 1000.0, 0, {} });
        batch.append({ QStringLiteral("b"), Key, double(t), 2000.0, 0, {} });
    }
    // A flat series of 10,000 samples at 1 ms with one 500 ms spike.
    for (int i = 0; i < 10000; ++i)
        batch.append({ QString(), Spiky, 1000.0 + i, i == 7777 ? 500.0 : 1.0, 0, {} });
    QVERIFY(m_store->createWriter()->write(batch).ok());
    m_query = std::make_unique<Query>(m_store->createReader());
}

void tst_Query::rangesAreInclusive_data()
{
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<std::optional<double>>("from");
    QTest::addColumn<std::optional<double>>("to");
    QTest::addColumn<int>("expected");

    const std::optional<QString> a = QStringLiteral("a");
    const std::optional<QString> all;
    const std::optional<double> open;
    QTest::newRow("all of a") << a << open << open << 100;
    QTest::newRow("all tokens") << all << open << open << 300;
    QTest::newRow("both ends inclusive") << a << std::optional<double>(120) << std::optional<double>(130) << 11;
    QTest::newRow("single second") << a << std::optional<double>(120) << std::optional<double>(120) << 1;
    QTest::newRow("from only") << a << std::optional<double>(190) << open << 10;
    QTest::newRow("to only") << a << open << std::optional<double>(109) << 10;
    QTest::newRow("overlap of tokens") << all << std::optional<double>(150) << std::optional<double>(151) << 6;
    QTest::newRow("fractional bounds") << a << std::optional<double>(119.5) << std::optional<double>(120.5) << 1;
    QTest::newRow("empty range") << all << std::optional<double>(5000) << std::optional<double>(6000) << 0;
    QTest::newRow("before everything") << a << open << std::optional<double>(99.999) << 0;
}

void tst_Query::rangesAreInclusive()
{
    QFETCH(std::optional<QString>, token);
    QFETCH(std::optional<double>, from);
    QFETCH(std::optional<double>, to);
    QFETCH(int, expected);
    const SeriesSelector selector { Key, token, { from, to } };
    const auto page = m_query->executions(selector);
    QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error()));
    QCOMPARE(page->samples.size(), expected);
    QVERIFY(!page->next);
    for (const auto& sample : page->samples)
        QVERIFY(selector.range.contains(sample.timestamp));
    QCOMPARE(m_query->stats(selector)->count, expected);
}

void tst_Query::reversedRangeIsAnError()
{
    const SeriesSelector selector { Key, std::nullopt, { 200.0, 100.0 } };
    for (const auto& error : { m_query->executions(selector).failure(), m_query->stats(selector).failure(),
             m_query->buckets(selector).failure() }) {
        QCOMPARE(error.kind, ErrorKind::Invalid);
        QVERIFY2(error.message.contains(QLatin1String("reversed")), qPrintable(error.message));
    }
}

void tst_Query::unknownKeyIsNotFound()
{
    const auto page = m_query->executions({ QStringLiteral("/nope.py-f"), std::nullopt, {} });
    QVERIFY(!page.ok());
    QCOMPARE(page.errorKind(), ErrorKind::NotFound);
    const auto otherToken = m_query->stats({ Key, QStringLiteral("zzz"), {} });
    QCOMPARE(otherToken.errorKind(), ErrorKind::NotFound);
    QCOMPARE(m_query->executions({ QString(), std::nullopt, {} }).errorKind(), ErrorKind::Invalid);
}

void tst_Query::keysAreSortedWithTotals()
{
    const auto keys = m_query->keys();
    QVERIFY(keys.ok());
    QCOMPARE(keys->size(), 3);
    QCOMPARE(keys->at(0).id.key, Spiky); // "/srv/app/jobs..." sorts before "/srv/app/views..."
    QCOMPARE(keys->at(1).id, (KeyId { QStringLiteral("a"), Key }));
    QCOMPARE(keys->at(1).count, 100);
    QCOMPARE(keys->at(1).first, 100.0);
    QCOMPARE(keys->at(1).last, 199.0);
    QCOMPARE(keys->at(1).mean(), 50.5);
    QCOMPARE(keys->at(2).id.token, QStringLiteral("b"));
    QCOMPARE(m_query->keys(QStringLiteral("b"))->size(), 1);
}

void tst_Query::pagingReturnsEveryRowOnce_data()
{
    QTest::addColumn<int>("limit");
    QTest::newRow("1") << 1;
    QTest::newRow("7") << 7;
    QTest::newRow("100") << 100;
    QTest::newRow("299") << 299;
    QTest::newRow("300") << 300;
}

void tst_Query::pagingReturnsEveryRowOnce()
{
    QFETCH(int, limit);
    const SeriesSelector selector { Key, std::nullopt, {} };
    QString cursor;
    QList<StoredSample> all;
    int pages = 0;
    do {
        const auto page = m_query->executions(selector, cursor, limit);
        QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error()));
        QVERIFY(page->samples.size() <= limit);
        all += page->samples;
        cursor = page->next.value_or(QString());
        QVERIFY(++pages <= 300 / limit + 1);
    } while (!cursor.isEmpty());
    QCOMPARE(all.size(), 300);
    QSet<QString> seen;
    for (int i = 0; i < all.size(); ++i) {
        if (i > 0)
            QVERIFY(all.at(i - 1).timestamp <= all.at(i).timestamp);
        seen.insert(all.at(i).token + QString::number(all.at(i).sequence));
    }
    QCOMPARE(seen.size(), 300);
}

void tst_Query::foreignCursorIsRejected()
{
    for (const auto& cursor : { QStringLiteral("garbage!"), QStringLiteral("MTIz"), QStringLiteral("' OR 1=1 --") }) {
        const auto page = m_query->executions({ Key, std::nullopt, {} }, cursor);
        QCOMPARE(page.errorKind(), ErrorKind::Invalid);
    }
}

void tst_Query::limitIsChecked()
{
    QCOMPARE(m_query->executions({ Key, std::nullopt, {} }, {}, 0).errorKind(), ErrorKind::Invalid);
    QCOMPARE(
        m_query->executions({ Key, std::nullopt, {} }, {}, Query::MaxPageSize + 1).errorKind(), ErrorKind::Invalid);
    QCOMPARE(m_query->buckets({ Key, std::nullopt, {} }, 0).errorKind(), ErrorKind::Invalid);
    QCOMPARE(m_query->buckets({ Key, std::nullopt, {} }, Query::MaxBucketCount + 1).errorKind(), ErrorKind::Invalid);
}

void tst_Query::statisticsOfKnownData()
{
    const auto stats = m_query->stats({ Key, QStringLiteral("a"), {} });
    QVERIFY(stats.ok());
    QCOMPARE(stats->count, 100);
    QCOMPARE(stats->min, 1.0);
    QCOMPARE(stats->max, 100.0);
    QCOMPARE(stats->mean, 50.5);
    QCOMPARE(stats->p50, 50.0);
    QCOMPARE(stats->p90, 90.0);
    QCOMPARE(stats->p95, 95.0);
    QCOMPARE(stats->p99, 99.0);
    QCOMPARE(stats->p999, 100.0);
    QVERIFY(qAbs(stats->stddev - 28.866070047722118) < 1e-9);

    // Across tokens in [150, 151]: a gives 51, 52; b gives 1000, 2000, 1000, 2000.
    const auto mixed = m_query->stats({ Key, std::nullopt, { 150.0, 151.0 } });
    QCOMPARE(mixed->count, 6);
    QCOMPARE(mixed->p50, 1000.0);
    QCOMPARE(mixed->max, 2000.0);
    QCOMPARE(mixed->min, 51.0);
}

void tst_Query::statisticsOfAnEmptyRange()
{
    const auto stats = m_query->stats({ Key, std::nullopt, { 1e9, 2e9 } });
    QVERIFY(stats.ok());
    QCOMPARE(stats->count, 0);
}

void tst_Query::bucketsKeepSpikes()
{
    for (int points : { 1, 10, 100, 1000, 10000 }) {
        const auto series = m_query->buckets({ Spiky, std::nullopt, {} }, points);
        QVERIFY(series.ok());
        double highest = 0;
        qint64 total = 0;
        for (const auto& bucket : series->buckets) {
            highest = std::max(highest, bucket.max);
            total += bucket.count;
        }
        QCOMPARE(total, 10000);
        QCOMPARE(highest, 500.0);
        QVERIFY(series->buckets.size() <= points);
    }
}

void tst_Query::bucketsSpanTheDataWhenOpen()
{
    const auto series = m_query->buckets({ Key, QStringLiteral("a"), {} }, 10);
    QVERIFY(series.ok());
    QCOMPARE(series->buckets.size(), 10);
    QCOMPARE(series->step, 9.9); // 100..199 in 10 buckets
    QCOMPARE(series->buckets.first().start, 100.0);
    QCOMPARE(series->buckets.first().min, 1.0);
    QCOMPARE(series->buckets.last().max, 100.0);

    const auto bounded = m_query->buckets({ Key, QStringLiteral("a"), { 0.0, 999.0 } }, 10);
    QCOMPARE(bounded->step, 99.9);
    QCOMPARE(bounded->buckets.size(), 1); // 100..199 all fall into [99.9, 199.8)
    QCOMPARE(bounded->buckets.first().start, 99.9);
    QCOMPARE(bounded->buckets.first().count, 100);
}

void tst_Query::valuesAreTheExecutionsInOrder()
{
    for (const auto& range : { TimeRange {}, TimeRange { 150.0, 151.0 }, TimeRange { 5000.0, 6000.0 } }) {
        const SeriesSelector selector { Key, std::nullopt, range };
        const auto values = m_query->values(selector);
        QVERIFY2(values.ok(), values.ok() ? "" : qPrintable(values.error()));
        const auto page = m_query->executions(selector, {}, Query::MaxPageSize);
        QCOMPARE(values->size(), page->samples.size());
        QList<double> fromValues;
        QList<double> fromPage;
        for (qsizetype i = 0; i < values->size(); ++i) {
            if (i > 0)
                QVERIFY(values->at(i - 1).timestamp <= values->at(i).timestamp);
            QCOMPARE(values->at(i).timestamp, page->samples.at(i).timestamp);
            fromValues.append(values->at(i).value);
            fromPage.append(page->samples.at(i).executionTime);
        }
        // Within one timestamp the order of tokens may differ; the multiset may not.
        std::sort(fromValues.begin(), fromValues.end());
        std::sort(fromPage.begin(), fromPage.end());
        QCOMPARE(fromValues, fromPage);
    }
    QCOMPARE(m_query->values({ QStringLiteral("/nope.py-f"), std::nullopt, {} }).errorKind(), ErrorKind::NotFound);
}

void tst_Query::summariesCountMeanAndP95PerSeries()
{
    const auto all = m_query->summaries({});
    QVERIFY2(all.ok(), all.ok() ? "" : qPrintable(all.error()));
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(1).info.id, (KeyId { QStringLiteral("a"), Key }));
    QCOMPARE(all->at(1).count, 100);
    QCOMPARE(all->at(1).mean, 50.5);
    QCOMPARE(all->at(1).p95, 95.0);
    QCOMPARE(all->at(0).p95, 1.0); // the spiky series: one spike in 10,000 does not reach p95

    const auto narrow = m_query->summaries({ 150.0, 151.0 });
    QCOMPARE(narrow->at(0).count, 0); // the spiky series starts at 1000
    QCOMPARE(narrow->at(1).count, 2);
    QCOMPARE(narrow->at(1).mean, 51.5);
    QCOMPARE(narrow->at(2).count, 4);
    QCOMPARE(narrow->at(2).p95, 2000.0);
    QCOMPARE(narrow->at(2).info.count, 200); // the all-time totals come along

    QCOMPARE(m_query->summaries({}, QStringLiteral("b"))->size(), 1);
    QCOMPARE(m_query->summaries({ 2.0, 1.0 }).errorKind(), ErrorKind::Invalid);
}

void tst_Query::longScansAgreeWithOnePass_data()
{
    QTest::addColumn<TimeRange>("range");
    QTest::newRow("all") << TimeRange {};
    QTest::newRow("open start") << TimeRange { std::nullopt, 70000.0 };
    QTest::newRow("open end") << TimeRange { 30000.0, std::nullopt };
    QTest::newRow("inside") << TimeRange { 23456.7, 76543.2 };
}

// 300,000 calls of two series in one batch: many full chunks per series, read and merged by the store's reader.
// What it answers must be what one pass over the same samples gives.
void tst_Query::longScansAgreeWithOnePass()
{
    QFETCH(TimeRange, range);
    const QString Long = QStringLiteral("/srv/app/batch.py-long");
    static QList<TimedValue> written;
    if (written.isEmpty()) {
        QRandomGenerator random(42);
        QList<Sample> batch;
        for (int i = 0; i < 150000; ++i) { // two tokens, interleaved times, ties, spikes
            for (const auto& [token, t] : { std::pair { QStringLiteral("a"), 10000.0 + i * 0.6 },
                     std::pair { QStringLiteral("b"), 10000.0 + i * 0.6 + (i % 3) * 0.2 } }) {
                const double ms = i % 9973 == 0 ? 5000.0 : 1.0 + random.bounded(100.0);
                batch.append({ token, Long, t, ms, 0, {} });
                written.append({ t, ms });
            }
        }
        QVERIFY(m_store->createWriter()->write(batch).ok());
        std::stable_sort(written.begin(), written.end(),
            [](const TimedValue& a, const TimedValue& b) { return a.timestamp < b.timestamp; });
    }
    QList<TimedValue> expected;
    for (const auto& point : std::as_const(written)) {
        if ((!range.from || point.timestamp >= *range.from) && (!range.to || point.timestamp <= *range.to))
            expected.append(point);
    }
    const SeriesSelector selector { Long, std::nullopt, range };

    const auto values = m_query->values(selector);
    QVERIFY2(values.ok(), values.ok() ? "" : qPrintable(values.error()));
    QCOMPARE(values->size(), expected.size());
    for (qsizetype i = 0; i < values->size(); ++i)
        QCOMPARE(values->at(i).timestamp, expected.at(i).timestamp);

    QList<double> times;
    for (const auto& point : std::as_const(expected))
        times.append(point.value);
    const KeyStats one = computeStats(times);
    const auto stats = m_query->stats(selector);
    QVERIFY(stats.ok());
    QCOMPARE(stats->count, one.count);
    QCOMPARE(stats->min, one.min);
    QCOMPARE(stats->max, one.max);
    QCOMPARE(stats->p50, one.p50);
    QCOMPARE(stats->p99, one.p99);
    QVERIFY(qFuzzyCompare(stats->mean, one.mean));

    const auto series = m_query->buckets(selector, 1000);
    QVERIFY(series.ok());
    const BucketedSeries reference = bucketize(
        expected, range.from.value_or(written.first().timestamp), range.to.value_or(written.last().timestamp), 1000);
    QCOMPARE(series->step, reference.step);
    QCOMPARE(series->buckets.size(), reference.buckets.size());
    for (qsizetype i = 0; i < reference.buckets.size(); ++i) {
        const auto& got = series->buckets.at(i);
        const auto& want = reference.buckets.at(i);
        QCOMPARE(got.start, want.start);
        QCOMPARE(got.count, want.count);
        QCOMPARE(got.min, want.min);
        QCOMPARE(got.max, want.max);
        QCOMPARE(got.p95, want.p95);
        QVERIFY(qFuzzyCompare(got.mean, want.mean));
    }
}

QTEST_GUILESS_MAIN(tst_Query)
#include "tst_query.moc"
