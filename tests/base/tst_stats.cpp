// SPDX-License-Identifier: MIT
// Exact statistics and bucketing: the numbers every view and the API report.
#include "base/stats.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_Stats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nearestRankPercentiles_data();
    void nearestRankPercentiles();
    void momentsOfKnownData();
    void emptyInput();
    void singleValue();
    void percentilesMatchSortedReference();
    void bucketsKeepMinAndMax();
    void bucketsCoverInclusiveEnds();
    void bucketsIgnorePointsOutsideTheRange();
    void zeroSpanIsOneBucket();
    void largeInputsAgreeWithOnePass_data();
    void largeInputsAgreeWithOnePass();
    void sortValuesSortsLikeStdSort_data();
    void sortValuesSortsLikeStdSort();
};

void tst_Stats::nearestRankPercentiles_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("permille");
    QTest::addColumn<double>("expected"); // values are 1..count

    QTest::newRow("p50 of 1..100") << 100 << 500 << 50.0;
    QTest::newRow("p90 of 1..100") << 100 << 900 << 90.0;
    QTest::newRow("p95 of 1..100") << 100 << 950 << 95.0;
    QTest::newRow("p99 of 1..100") << 100 << 990 << 99.0;
    QTest::newRow("p99.9 of 1..100") << 100 << 999 << 100.0;
    QTest::newRow("p99.9 of 1..1000") << 1000 << 999 << 999.0;
    QTest::newRow("p50 of 1..4") << 4 << 500 << 2.0;
    QTest::newRow("p50 of 1..5") << 5 << 500 << 3.0;
    QTest::newRow("p95 of 1..10") << 10 << 950 << 10.0;
    QTest::newRow("p90 of 1..10") << 10 << 900 << 9.0;
    QTest::newRow("p50 of one") << 1 << 500 << 1.0;
}

void tst_Stats::nearestRankPercentiles()
{
    QFETCH(int, count);
    QFETCH(int, permille);
    QFETCH(double, expected);
    QList<double> sorted;
    for (int i = 1; i <= count; ++i)
        sorted.append(i);
    QCOMPARE(nearestRank(sorted, permille), expected);
}

void tst_Stats::momentsOfKnownData()
{
    // Shuffled so that the selection algorithm, not the input order, finds the ranks.
    const auto stats = computeStats({ 4, 9, 2, 7, 5, 4, 5, 4 });
    QCOMPARE(stats.count, 8);
    QCOMPARE(stats.min, 2.0);
    QCOMPARE(stats.max, 9.0);
    QCOMPARE(stats.mean, 5.0);
    QCOMPARE(stats.stddev, 2.0); // the classic population example
    QCOMPARE(stats.p50, 4.0);
    QCOMPARE(stats.p90, 9.0);
    QCOMPARE(stats.p99, 9.0);
}

void tst_Stats::emptyInput()
{
    const auto stats = computeStats({});
    QCOMPARE(stats.count, 0);
    QCOMPARE(stats.mean, 0.0);
}

void tst_Stats::singleValue()
{
    const auto stats = computeStats({ 31.9 });
    QCOMPARE(stats.count, 1);
    QCOMPARE(stats.min, 31.9);
    QCOMPARE(stats.p999, 31.9);
    QCOMPARE(stats.stddev, 0.0);
}

void tst_Stats::percentilesMatchSortedReference()
{
    QRandomGenerator random(42);
    QList<double> values;
    for (int i = 0; i < 10007; ++i)
        values.append(std::exp(random.generateDouble() * 8));
    auto sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const auto stats = computeStats(values);
    QCOMPARE(stats.p50, sorted.at(5003)); // ceil(10007 * 0.5) = 5004th
    QCOMPARE(stats.p90, sorted.at(9006)); // ceil(9006.3) = 9007th
    QCOMPARE(stats.p95, sorted.at(9506)); // ceil(9506.65) = 9507th
    QCOMPARE(stats.p99, sorted.at(9906)); // ceil(9906.93) = 9907th
    QCOMPARE(stats.p999, sorted.at(9996)); // ceil(9996.993) = 9997th
    QCOMPARE(stats.min, sorted.first());
    QCOMPARE(stats.max, sorted.last());
}

void tst_Stats::bucketsKeepMinAndMax()
{
    // 1000 points of 1 ms with one spike: whatever the bucket count, the spike survives as a max.
    QList<TimedValue> points;
    for (int i = 0; i < 1000; ++i)
        points.append({ double(i), i == 637 ? 950.0 : 1.0 });
    for (int buckets : { 1, 7, 10, 100, 1000 }) {
        const auto series = bucketize(points, 0, 999, buckets);
        QCOMPARE(series.buckets.size(), buckets);
        qint64 total = 0;
        double highest = 0;
        double lowest = 1e9;
        for (const auto& bucket : series.buckets) {
            total += bucket.count;
            highest = std::max(highest, bucket.max);
            lowest = std::min(lowest, bucket.min);
        }
        QCOMPARE(total, 1000);
        QCOMPARE(highest, 950.0);
        QCOMPARE(lowest, 1.0);
    }
}

void tst_Stats::bucketsCoverInclusiveEnds()
{
    const QList<TimedValue> points { { 100, 1 }, { 150, 2 }, { 199, 3 }, { 200, 4 } };
    const auto series = bucketize(points, 100, 200, 2);
    QCOMPARE(series.step, 50.0);
    QCOMPARE(series.buckets.size(), 2);
    QCOMPARE(series.buckets.at(0).start, 100.0);
    QCOMPARE(series.buckets.at(0).count, 1);
    QCOMPARE(series.buckets.at(1).start, 150.0);
    QCOMPARE(series.buckets.at(1).count, 3); // 200 is the inclusive end: it lands in the last bucket
    QCOMPARE(series.buckets.at(1).mean, 3.0);
    QCOMPARE(series.buckets.at(1).p95, 4.0);
}

void tst_Stats::bucketsIgnorePointsOutsideTheRange()
{
    const QList<TimedValue> points { { 5, 100 }, { 10, 1 }, { 20, 2 }, { 25, 100 } };
    const auto series = bucketize(points, 10, 20, 10);
    qint64 total = 0;
    for (const auto& bucket : series.buckets) {
        total += bucket.count;
        QVERIFY(bucket.max < 100);
    }
    QCOMPARE(total, 2);
}

void tst_Stats::zeroSpanIsOneBucket()
{
    const QList<TimedValue> points { { 7, 1 }, { 7, 3 } };
    const auto series = bucketize(points, 7, 7, 500);
    QCOMPARE(series.buckets.size(), 1);
    QCOMPARE(series.buckets.first().start, 7.0);
    QCOMPARE(series.buckets.first().mean, 2.0);
}

void tst_Stats::largeInputsAgreeWithOnePass_data()
{
    QTest::addColumn<int>("buckets");
    QTest::newRow("1000 buckets") << 1000;
    QTest::newRow("3 buckets") << 3;
    QTest::newRow("2 buckets") << 2;
}

// From 200,000 points bucketize() summarizes the two halves of the buckets on two threads: the answer must be
// that of one Bucketizer over all of them, points in any order, on bucket edges included.
void tst_Stats::largeInputsAgreeWithOnePass()
{
    QFETCH(int, buckets);
    QRandomGenerator random(9);
    QList<TimedValue> points;
    for (int i = 0; i < 300000; ++i) {
        const double t
            = random.bounded(4) == 0 ? double(random.bounded(buckets + 1)) * 10.0 : random.bounded(10.0 * buckets);
        points.append({ t, random.bounded(1000.0) });
    }
    points.append({ -1, 5 }); // outside
    Bucketizer one(0, 10.0 * buckets, buckets);
    for (const auto& point : std::as_const(points))
        one.add(point.timestamp, point.value);
    const BucketedSeries expected = one.finish();
    const BucketedSeries got = bucketize(points, 0, 10.0 * buckets, buckets);
    QCOMPARE(got.step, expected.step);
    QCOMPARE(got.buckets.size(), expected.buckets.size());
    qint64 total = 0;
    for (qsizetype i = 0; i < expected.buckets.size(); ++i) {
        QCOMPARE(got.buckets.at(i).start, expected.buckets.at(i).start);
        QCOMPARE(got.buckets.at(i).count, expected.buckets.at(i).count);
        QCOMPARE(got.buckets.at(i).min, expected.buckets.at(i).min);
        QCOMPARE(got.buckets.at(i).max, expected.buckets.at(i).max);
        QCOMPARE(got.buckets.at(i).p95, expected.buckets.at(i).p95);
        total += got.buckets.at(i).count;
    }
    QCOMPARE(total, qint64(points.size() - 1));
}

void tst_Stats::sortValuesSortsLikeStdSort_data()
{
    QTest::addColumn<QList<double>>("values");
    QRandomGenerator random(7);
    const auto make = [](qsizetype n, const std::function<double()>& next) {
        QList<double> values;
        for (qsizetype i = 0; i < n; ++i)
            values.append(next());
        return values;
    };
    const auto lognormal = [&random] {
        const double u = std::max(random.generateDouble(), 1e-12);
        const double v = random.generateDouble();
        return std::exp(2.0 + 1.5 * std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v));
    };
    QTest::newRow("small (comparison sort)") << make(1000, lognormal);
    QTest::newRow("1M lognormal milliseconds") << make(1000000, lognormal);
    QTest::newRow("all equal") << make(100000, [] { return 31.9; });
    const double specials[] = { 0.0, -0.0, 1e-310, -1e-310, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::max(),
        std::numeric_limits<double>::lowest(), 1.0, -1.0 };
    QTest::newRow("signs, zeros, subnormals, infinities") << make(200000, [&random, &specials] {
        return random.bounded(3) == 0 ? specials[random.bounded(10)] : (random.generateDouble() - 0.5) * 1e6;
    });
}

void tst_Stats::sortValuesSortsLikeStdSort()
{
    QFETCH(QList<double>, values);
    QList<double> expected = values;
    std::sort(expected.begin(), expected.end());
    sortValues(values);
    QCOMPARE(values.size(), expected.size());
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (!(values[i] == expected[i])) // -0.0 == 0.0: either order of the two zeros is sorted
            QFAIL(qPrintable(QStringLiteral("at %1: %2 instead of %3").arg(i).arg(values[i]).arg(expected[i])));
    }
}

QTEST_GUILESS_MAIN(tst_Stats)
#include "tst_stats.moc"
