// SPDX-License-Identifier: MIT
// Comparisons with a baseline: which range is the baseline, and when a difference is called a change.
#include "store/comparison.h"

#include <cmath>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

namespace {

// Lognormal execution times (what real functions look like: skewed, a long tail), median `median` ms.
QList<TimedValue> lognormal(QRandomGenerator& random, int count, double median, double start)
{
    QList<TimedValue> points;
    points.reserve(count);
    for (int i = 0; i < count; ++i) {
        const double u1 = 1 - random.generateDouble();
        const double u2 = random.generateDouble();
        const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        points.append({ start + i * 0.5, median * std::exp(0.6 * normal) });
    }
    return points;
}

} // namespace

class tst_Comparison : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void baselineRanges_data();
    void baselineRanges();
    void refusedBaselines_data();
    void refusedBaselines();
    void findsATwentyPercentShift_data();
    void findsATwentyPercentShift();
    void sameDistributionIsNoClearChange();
    void aSmallShiftIsNoClearChangeEvenWhenSignificant();
    void anEmptyRangeIsNoData();
    void largeRangesAreSampledAndSaySo();
    void percentChanges();
};

void tst_Comparison::baselineRanges_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("expectedFrom");
    QTest::addColumn<double>("expectedTo");
    // The current range is [10000, 13600]: one hour.
    QTest::newRow("previous hour") << int(BaselineSpec::Kind::Previous) << 0.0 << 6400.0 << 10000.0;
    QTest::newRow("one day earlier") << int(BaselineSpec::Kind::Offset) << 86400.0 << 10000.0 - 86400 << 13600.0 - 86400;
    QTest::newRow("one week earlier") << int(BaselineSpec::Kind::Offset) << 604800.0 << 10000.0 - 604800
                                      << 13600.0 - 604800;
}

void tst_Comparison::baselineRanges()
{
    QFETCH(int, kind);
    QFETCH(double, offset);
    QFETCH(double, expectedFrom);
    QFETCH(double, expectedTo);
    BaselineSpec spec;
    spec.kind = BaselineSpec::Kind(kind);
    spec.offset = offset;
    const auto range = baselineRange(TimeRange { 10000.0, 13600.0 }, spec);
    QVERIFY2(range.ok(), range.ok() ? "" : qPrintable(range.error()));
    QCOMPARE(*range->from, expectedFrom);
    if (spec.kind == BaselineSpec::Kind::Previous) {
        // It ends just before the current range starts: a call at 10000 belongs to the current range only.
        QVERIFY(*range->to < expectedTo);
        QCOMPARE(std::nextafter(*range->to, HUGE_VAL), expectedTo);
        QVERIFY(!range->contains(10000.0));
    } else {
        QCOMPARE(*range->to, expectedTo);
    }
}

void tst_Comparison::refusedBaselines_data()
{
    QTest::addColumn<TimeRange>("current");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("offset");
    QTest::addColumn<TimeRange>("custom");
    const TimeRange hour { 10000.0, 13600.0 };
    QTest::newRow("open start") << TimeRange { std::nullopt, 5.0 } << int(BaselineSpec::Kind::Previous) << 0.0
                                << TimeRange {};
    QTest::newRow("open end") << TimeRange { 5.0, std::nullopt } << int(BaselineSpec::Kind::Previous) << 0.0
                              << TimeRange {};
    QTest::newRow("reversed") << TimeRange { 9.0, 5.0 } << int(BaselineSpec::Kind::Previous) << 0.0 << TimeRange {};
    QTest::newRow("offset into the future") << hour << int(BaselineSpec::Kind::Offset) << -60.0 << TimeRange {};
    QTest::newRow("zero offset") << hour << int(BaselineSpec::Kind::Offset) << 0.0 << TimeRange {};
    QTest::newRow("custom without end") << hour << int(BaselineSpec::Kind::Custom) << 0.0
                                        << TimeRange { 1.0, std::nullopt };
    QTest::newRow("custom reversed") << hour << int(BaselineSpec::Kind::Custom) << 0.0 << TimeRange { 9.0, 1.0 };
}

void tst_Comparison::refusedBaselines()
{
    QFETCH(TimeRange, current);
    QFETCH(int, kind);
    QFETCH(double, offset);
    QFETCH(TimeRange, custom);
    const auto range = baselineRange(current, BaselineSpec { BaselineSpec::Kind(kind), offset, custom });
    QVERIFY(!range.ok());
    QCOMPARE(range.errorKind(), ErrorKind::Invalid);
    QVERIFY(!range.error().isEmpty());
}

void tst_Comparison::findsATwentyPercentShift_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<int>("verdict");
    QTest::newRow("20% slower") << 1.2 << int(Verdict::Slower);
    QTest::newRow("20% faster") << 1 / 1.2 << int(Verdict::Faster);
}

// The acceptance: a 20% median shift between two ranges of 2,000 calls each is found with p < 0.01.
void tst_Comparison::findsATwentyPercentShift()
{
    QFETCH(double, factor);
    QFETCH(int, verdict);
    for (quint32 seed = 1; seed <= 20; ++seed) {
        QRandomGenerator random(seed);
        const auto baseline = lognormal(random, 2000, 10, 0);
        const auto current = lognormal(random, 2000, 10 * factor, 5000);
        const Comparison comparison = compareValues(current, baseline);
        QCOMPARE(int(comparison.verdict), verdict);
        QVERIFY2(comparison.test.pValue < 0.01, qPrintable(QString::number(comparison.test.pValue)));
        QVERIFY(!comparison.test.exact);
        QVERIFY(!comparison.sampled);
        QCOMPARE(comparison.test.n1, 2000);
        QCOMPARE(comparison.test.n2, 2000);
        QCOMPARE(comparison.currentStats.count, 2000);
        QVERIFY2(std::abs(comparison.medianShift - (factor - 1)) < 0.08, qPrintable(QString::number(comparison.medianShift)));
    }
}

// The acceptance: two ranges drawn from the same distribution are "no clear change" in at least 99 of
// 100 seeded trials.
void tst_Comparison::sameDistributionIsNoClearChange()
{
    int noClearChange = 0;
    for (quint32 seed = 1; seed <= 100; ++seed) {
        QRandomGenerator random(1000 + seed);
        const auto baseline = lognormal(random, 2000, 10, 0);
        const auto current = lognormal(random, 2000, 10, 5000);
        const Comparison comparison = compareValues(current, baseline);
        if (comparison.verdict == Verdict::NoClearChange)
            ++noClearChange;
        else
            qInfo() << "seed" << seed << verdictName(comparison.verdict) << "p" << comparison.test.pValue << "shift"
                    << comparison.medianShift;
    }
    qInfo() << noClearChange << "of 100 trials: no clear change";
    QVERIFY2(noClearChange >= 99, qPrintable(QString::number(noClearChange)));
}

// 200,000 calls against 200,000 make a 2% shift highly significant; it is still below the minimum effect.
void tst_Comparison::aSmallShiftIsNoClearChangeEvenWhenSignificant()
{
    QRandomGenerator random(3);
    const auto baseline = lognormal(random, 200000, 10, 0);
    const auto current = lognormal(random, 200000, 10.2, 0);
    const Comparison comparison = compareValues(current, baseline);
    QVERIFY2(comparison.test.pValue < 0.01, qPrintable(QString::number(comparison.test.pValue)));
    QCOMPARE(comparison.verdict, Verdict::NoClearChange);
    ComparisonOptions sensitive;
    sensitive.minimumEffect = 0.01;
    QCOMPARE(compareValues(current, baseline, sensitive).verdict, Verdict::Slower);
}

void tst_Comparison::anEmptyRangeIsNoData()
{
    QRandomGenerator random(4);
    const auto some = lognormal(random, 50, 10, 0);
    for (const auto& [current, baseline] : { std::pair { some, QList<TimedValue> {} }, std::pair { QList<TimedValue> {}, some } }) {
        const Comparison comparison = compareValues(current, baseline);
        QCOMPARE(comparison.verdict, Verdict::NoData);
        QCOMPARE(comparison.test.pValue, 1.0);
        QCOMPARE(comparison.currentStats.count + comparison.baselineStats.count, 50);
        QCOMPARE(comparison.medianShift, 0.0);
    }
}

void tst_Comparison::largeRangesAreSampledAndSaySo()
{
    QRandomGenerator random(5);
    const auto baseline = lognormal(random, 30000, 10, 0);
    const auto current = lognormal(random, 5000, 12, 0);
    ComparisonOptions options;
    options.maxTestSample = 10000;
    const Comparison first = compareValues(current, baseline, options);
    QVERIFY(first.sampled);
    QCOMPARE(first.test.n1, 5000); // under the limit: every call
    QCOMPARE(first.test.n2, 10000);
    QCOMPARE(first.baselineStats.count, 30000); // the statistics still cover every call
    QCOMPARE(first.verdict, Verdict::Slower);
    const Comparison again = compareValues(current, baseline, options);
    QCOMPARE(again.test.u, first.test.u); // the sample is the same each time
}

void tst_Comparison::percentChanges()
{
    QCOMPARE(*percentChange(12, 10), 20.0);
    QCOMPARE(*percentChange(5, 10), -50.0);
    QCOMPARE(*percentChange(0, 10), -100.0);
    QVERIFY(!percentChange(3, 0));
    QCOMPARE(callRate(7200, TimeRange { 0.0, 3600.0 }), 2.0);
    QCOMPARE(callRate(3, TimeRange { 5.0, 5.0 }), 3.0);
}

QTEST_GUILESS_MAIN(tst_Comparison)
#include "tst_comparison.moc"
