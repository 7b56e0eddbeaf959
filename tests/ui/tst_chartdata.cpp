// SPDX-License-Identifier: MIT
// What the chart is given: raw calls when they fit the pixels, buckets (with spikes) otherwise; live additions.
#include "chartdata.h"
#include "sqlite/retention.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitewriter.h"
#include "store/query.h"
#include "viewerfixture.h"

#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {
const QString Key = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Other = QStringLiteral("/srv/app/views.py-checkout");
const QString Tagged = QStringLiteral("/srv/my app/ünï.py-tagged");
const QString Cart = QStringLiteral("/cart");
const QString Home = QStringLiteral("/a b:c");
const JobTracker::IsStale Fresh = [] { return false; };
} // namespace

class tst_ChartData : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rawWhenCallsFitThePixels();
    void bucketsWhenThereAreMoreCallsThanPixels();
    void openRangeSpansTheSelectedKeys();
    void staleLoadsStopEarly();
    void liveAddsAndDrops();
    void filtersSelectTheCalls();
    void failedCallsAreKnownInRawMode();
    void groupsAreLinesOfTheFirstKey();
    void theBaselineIsMovedOntoTheRange();
    void aSummarizedRangeIsDrawnInBuckets();
    void errorRatesAreBinned();

private:
    ViewerFixture m_fixture;
    std::unique_ptr<Query> m_query;
};

void tst_ChartData::initTestCase()
{
    QVERIFY(m_fixture.isValid());
    QList<Sample> samples;
    // Key: 2,000 calls, one per second from t=10,000, 5 ms each, one 800 ms spike at t=11,234.
    for (int i = 0; i < 2000; ++i)
        samples.append(ViewerFixture::sample(Key, QStringLiteral("shop"), 10000 + i, i == 1234 ? 800 : 5));
    // Other: 50 calls every 10 s from t=10,500.
    for (int i = 0; i < 50; ++i)
        samples.append(ViewerFixture::sample(Other, QStringLiteral("shop"), 10500 + 10 * i, 20 + i));
    // Tagged: 300 calls a second apart from t=20,000, and 300 more an hour earlier (the baseline), twice as slow.
    // Endpoint /cart for i % 3 == 0, "/a b:c" for 1, none for 2; every tenth call failed.
    for (int hour = 0; hour < 2; ++hour) {
        for (int i = 0; i < 300; ++i) {
            Sample sample = ViewerFixture::sample(
                Tagged, QStringLiteral("shop"), 20000 - 3600 * hour + i, (1 + hour) * (5 + i % 7));
            QByteArray extra = i % 3 == 0 ? R"({"endpoint":"/cart")" : i % 3 == 1 ? R"({"endpoint":"/a b:c")" : "{";
            if (i % 10 == 0)
                extra += QByteArray(extra.size() > 1 ? "," : "") + R"("error":"ValueError")";
            extra += '}';
            sample.extra = extra == "{}" ? QByteArray() : extra;
            samples.append(sample);
        }
    }
    QVERIFY(m_fixture.write(samples));
    m_query = std::make_unique<Query>(m_fixture.store->createReader());
}

void tst_ChartData::rawWhenCallsFitThePixels()
{
    const KeyId id { QStringLiteral("shop"), Key };
    const auto data = loadChart(*m_query, ChartRequest { { id }, TimeRange { 10000, 10099 }, 800 }, Fresh);
    QCOMPARE(data.from, 10000.0);
    QCOMPARE(data.to, 10099.0);
    QCOMPARE(data.series.size(), 1);
    QVERIFY(!data.series[0].bucketed);
    QCOMPARE(data.series[0].points.size(), 100);
    QCOMPARE(data.series[0].points.first(), QPointF(10000, 5));
}

void tst_ChartData::bucketsWhenThereAreMoreCallsThanPixels()
{
    const KeyId id { QStringLiteral("shop"), Key };
    const auto data = loadChart(*m_query, ChartRequest { { id }, TimeRange { 10000, 12000 }, 800 }, Fresh);
    const ChartSeries& series = data.series[0];
    QVERIFY(series.bucketed);
    QCOMPARE(series.step, 2000.0 / 266); // a bucket every 3 pixels
    QVERIFY(series.buckets.size() <= 266);
    qint64 calls = 0;
    for (const auto& bucket : series.buckets)
        calls += bucket.count;
    QCOMPARE(calls, 2000);
    QCOMPARE(series.peak(), 800.0); // the spike survives bucketing
}

void tst_ChartData::openRangeSpansTheSelectedKeys()
{
    const KeyId other { QStringLiteral("shop"), Other };
    const auto data = loadChart(*m_query, ChartRequest { { other }, TimeRange {}, 800 }, Fresh);
    QCOMPARE(data.from, 10500.0);
    QCOMPARE(data.to, 10990.0);
    QCOMPARE(data.series[0].points.size(), 50);
}

void tst_ChartData::staleLoadsStopEarly()
{
    const QList<KeyId> keys { { QStringLiteral("shop"), Key }, { QStringLiteral("shop"), Other } };
    const auto data = loadChart(*m_query, ChartRequest { keys, TimeRange { 0, 20000 }, 800 }, [] { return true; });
    QVERIFY(data.series.size() < 2);
}

void tst_ChartData::liveAddsAndDrops()
{
    ChartSeries raw;
    raw.points = { QPointF(10, 1), QPointF(20, 2) };
    raw.add(15, 7);
    QCOMPARE(raw.points, (QList<QPointF> { QPointF(10, 1), QPointF(15, 7), QPointF(20, 2) }));
    raw.dropBefore(12);
    QCOMPARE(raw.size(), 2);

    ChartSeries bucketed;
    bucketed.bucketed = true;
    bucketed.origin = 100;
    bucketed.step = 10;
    bucketed.buckets = { SeriesBucket { 100, 1, 5, 5, 5, 5 } };
    bucketed.add(105, 15); // same bucket
    bucketed.add(131, 1); // a new one, after a gap
    QCOMPARE(bucketed.buckets.size(), 2);
    QCOMPARE(bucketed.buckets[0].count, 2);
    QCOMPARE(bucketed.buckets[0].mean, 10.0);
    QCOMPARE(bucketed.buckets[0].max, 15.0);
    QCOMPARE(bucketed.buckets[1].start, 130.0);
    bucketed.dropBefore(115);
    QCOMPARE(bucketed.buckets.size(), 1);
}

void tst_ChartData::filtersSelectTheCalls()
{
    const KeyId id { QStringLiteral("shop"), Tagged };
    ChartRequest request { { id }, TimeRange { 20000, 20299 }, 800 };
    request.tags = { TagFilter { TagFilter::Op::Equals, QStringLiteral("endpoint"), Cart } };
    auto data = loadChart(*m_query, request, Fresh);
    QCOMPARE(data.series.first().points.size(), 100);
    request.tags = { TagFilter { TagFilter::Op::Absent, QStringLiteral("endpoint"), {} } };
    request.outcome = CallOutcome::Failed;
    data = loadChart(*m_query, request, Fresh);
    // i % 3 == 2 and i % 10 == 0: i = 20, 50, 80, ... 290.
    QCOMPARE(data.series.first().points.size(), 10);
    QCOMPARE(data.series.first().failed, data.series.first().points);
}

void tst_ChartData::failedCallsAreKnownInRawMode()
{
    const KeyId id { QStringLiteral("shop"), Tagged };
    const auto data = loadChart(*m_query, ChartRequest { { id }, TimeRange { 20000, 20299 }, 800 }, Fresh);
    const ChartSeries& series = data.series.first();
    QVERIFY(!series.bucketed);
    QCOMPARE(series.points.size(), 300);
    QCOMPARE(series.failed.size(), 30);
    QCOMPARE(series.failed.first(), QPointF(20000, 5));
    QCOMPARE(series.failed[1], QPointF(20010, 5 + 10 % 7));

    // Live: a failed call joins both lists, in time order; dropping forgets it from both.
    ChartSeries live = series;
    live.add(20150.5, 99, true);
    QCOMPARE(live.failed.size(), 31);
    QCOMPARE(live.failed[16], QPointF(20150.5, 99));
    live.dropBefore(20200);
    QCOMPARE(live.failed.size(), 10);
    ChartSeries bucketed { id, std::nullopt, 0, true };
    bucketed.origin = 0;
    bucketed.step = 10;
    bucketed.add(5, 1, true);
    bucketed.add(6, 1, false);
    QCOMPARE(bucketed.buckets.first().errors, 1);
    QCOMPARE(bucketed.calls(), 2);
}

void tst_ChartData::groupsAreLinesOfTheFirstKey()
{
    const KeyId id { QStringLiteral("shop"), Tagged };
    ChartRequest request { { id, KeyId { QStringLiteral("shop"), Key } }, TimeRange { 20000, 20299 }, 800 };
    request.groupBy = QStringLiteral("endpoint");
    const auto data = loadChart(*m_query, request, Fresh);
    QCOMPARE(data.groupBy, QStringLiteral("endpoint"));
    QCOMPARE(data.series.size(), 3); // /cart, "/a b:c" and the calls without an endpoint; the second key is not drawn
    QStringList labels;
    for (int i = 0; i < data.series.size(); ++i) {
        QVERIFY(data.series[i].bucketed);
        QCOMPARE(data.series[i].groupCalls, 100);
        QCOMPARE(data.series[i].calls(), 100);
        QCOMPARE(data.series[i].id, id);
        labels.append(seriesLabel(data, i));
    }
    labels.sort();
    QCOMPARE(labels, (QStringList { QStringLiteral("(no endpoint)"), Home, Cart }));
}

void tst_ChartData::theBaselineIsMovedOntoTheRange()
{
    const KeyId id { QStringLiteral("shop"), Tagged };
    ChartRequest request { { id }, TimeRange { 20000, 20300 }, 300 };
    request.baseline = TimeRange { 16400, 16700 };
    request.baselineLabel = QStringLiteral("previous hour");
    request.tags = { TagFilter { TagFilter::Op::Equals, QStringLiteral("endpoint"), Cart } };
    const auto data = loadChart(*m_query, request, Fresh);
    QCOMPARE(data.baseline.size(), 1);
    QCOMPARE(data.baselineShift, 3600.0);
    QCOMPARE(data.baselineLabel, QStringLiteral("previous hour"));
    QVERIFY(!data.baselineFollows);
    const ChartSeries& baseline = data.baseline.first();
    QVERIFY(baseline.bucketed);
    // The baseline's filtered calls, in buckets as long as the chart's (300 s / 100), moved by an hour.
    QCOMPARE(baseline.calls(), 100);
    QCOMPARE(baseline.step, 3.0);
    QCOMPARE(baseline.buckets.first().start, 20000.0);
    QCOMPARE(baseline.buckets.first().mean, 10.0); // the call at 16,400: twice 5 ms
    for (const auto& bucket : baseline.buckets)
        QVERIFY(bucket.start >= 20000 && bucket.start < 20300);

    // Live, the baseline is read past its end so that the moving range finds it drawn.
    request.baselineAhead = 60;
    const auto ahead = loadChart(*m_query, request, Fresh);
    QVERIFY(ahead.baselineFollows);
    QCOMPARE(ahead.baselineCoveredTo, 20360.0);
}

void tst_ChartData::errorRatesAreBinned()
{
    ChartSeries series { KeyId {}, std::nullopt, 0, true };
    series.origin = 0;
    series.step = 10;
    // Buckets at 0, 10, 20 (40 calls, 4 failed) and 40 (10 calls, 5 failed); 30 holds none.
    series.buckets = { SeriesBucket { 0, 10, 1, 1, 1, 1, 1 }, SeriesBucket { 10, 10, 1, 1, 1, 1, 0 },
        SeriesBucket { 20, 20, 1, 1, 1, 1, 3 }, SeriesBucket { 40, 10, 1, 1, 1, 1, 5 } };
    const QList<QPointF> steps = errorRateSteps({ series }, 30, 0, 60);
    // Two bins of 30 s: 4 of 40 failed, then 5 of 10; two points a bin.
    QCOMPARE(steps, (QList<QPointF> { { 0, 10 }, { 30, 10 }, { 30, 50 }, { 60, 50 } }));
    // Groups add up in the same bins.
    ChartSeries group = series;
    group.buckets = { SeriesBucket { 0, 60, 1, 1, 1, 1, 0 } };
    QCOMPARE(errorRateSteps({ series, group }, 30, 0, 60).first(), QPointF(0, 4.0));
    QVERIFY(errorRateSteps({}, 30, 0, 60).isEmpty());
}

// A quiet function's year under the default retention: 20 calls kept of its last 30 days (fewer than the pixels)
// and 345 in minute summaries. The chart drew the 20 alone; it draws every call in buckets.
void tst_ChartData::aSummarizedRangeIsDrawnInBuckets()
{
    constexpr qint64 Day = 86400;
    constexpr qint64 Now = 1796600000;
    const QString path = m_fixture.filePath(QStringLiteral("year.sqlite"));
    SqliteStore store(path);
    QVERIFY(store.open().ok());
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0;
    SqliteWriter writer(path, {}, ChunkPolicy::Compaction { 100, 0 }, policy);
    QList<Sample> year;
    for (qint64 t = Now - 365 * Day + 17; t < Now; t += Day * 3 / 2) // a call every 36 hours, inside its minute
        year.append({ QStringLiteral("shop"), Key, double(t), 5.0 + double(t % 7), t, {} });
    QVERIFY(writer.write(year).ok());
    for (int step = 0; step < 1000; ++step) {
        const auto more = writer.maintain(Now, 50);
        QVERIFY(more.ok());
        if (!*more)
            break;
    }
    Query query(std::make_unique<SqliteReader>(path));
    const auto keys = query.keys();
    QVERIFY(keys.ok() && keys->size() == 1);
    const SeriesInfo info = keys->first();
    QCOMPARE(info.count, year.size());
    // As the window's "All" asks: from the first call to now.
    const KeyId id { QStringLiteral("shop"), Key };
    const auto data = loadChart(query, ChartRequest { { id }, TimeRange { info.first, double(Now) }, 800 }, Fresh);
    QCOMPARE(data.series.size(), 1);
    QVERIFY(data.series[0].bucketed);
    qint64 drawn = 0;
    for (const auto& bucket : data.series[0].buckets)
        drawn += bucket.count;
    QCOMPARE(drawn, info.count);
}

QTEST_GUILESS_MAIN(tst_ChartData)
#include "tst_chartdata.moc"
