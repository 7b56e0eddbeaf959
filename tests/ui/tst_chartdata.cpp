// SPDX-License-Identifier: MIT
// What the chart is given: raw calls when they fit the pixels, buckets (with spikes) otherwise; live additions.
#include "chartdata.h"
#include "store/query.h"
#include "viewerfixture.h"

#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {
const QString Key = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Other = QStringLiteral("/srv/app/views.py-checkout");
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
    QVERIFY(m_fixture.write(samples));
    m_query = std::make_unique<Query>(m_fixture.store->createReader());
}

void tst_ChartData::rawWhenCallsFitThePixels()
{
    const KeyId id { QStringLiteral("shop"), Key };
    const auto data = loadChart(*m_query, { id }, TimeRange { 10000, 10099 }, 800, Fresh);
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
    const auto data = loadChart(*m_query, { id }, TimeRange { 10000, 12000 }, 800, Fresh);
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
    const auto data = loadChart(*m_query, { other }, TimeRange {}, 800, Fresh);
    QCOMPARE(data.from, 10500.0);
    QCOMPARE(data.to, 10990.0);
    QCOMPARE(data.series[0].points.size(), 50);
}

void tst_ChartData::staleLoadsStopEarly()
{
    const QList<KeyId> keys { { QStringLiteral("shop"), Key }, { QStringLiteral("shop"), Other } };
    const auto data = loadChart(*m_query, keys, TimeRange { 0, 20000 }, 800, [] { return true; });
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

QTEST_GUILESS_MAIN(tst_ChartData)
#include "tst_chartdata.moc"
