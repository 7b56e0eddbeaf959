// SPDX-License-Identifier: MIT
// The Mann-Whitney U test behind /api/compare and the baseline comparisons: U and p-values against scipy.
#include "base/ranktest.h"

#include <cmath>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_RankTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void agreesWithScipy_data();
    void agreesWithScipy();
    void swappingTheSamplesMirrorsU_data();
    void swappingTheSamplesMirrorsU();
    void emptySampleIsNoEvidence();
    void allValuesEqualIsNoEvidence();
    void exactAndApproximateAgreeAtTheLimit();
    void aLargeShiftIsSignificant();
};

void tst_RankTest::agreesWithScipy_data()
{
    QTest::addColumn<QList<double>>("first");
    QTest::addColumn<QList<double>>("second");
    QTest::addColumn<double>("u");
    QTest::addColumn<double>("p");
    QTest::addColumn<bool>("exact");

    // Expected values from scipy 1.10.1 (Debian 12's python3-scipy):
    //   scipy.stats.mannwhitneyu(first, second, alternative="two-sided", use_continuity=True,
    //                            method="exact" when there are no ties and both sizes <= 25, else "asymptotic")
    // tests/base/ranktest_scipy.py computes them (run by hand: scipy is not needed to build or test Kodemon).
    // clang-format off
    QTest::newRow("exact small no ties") << QList<double>{1.5, 2.5, 3.5, 8.0, 9.0} << QList<double>{4.0, 5.0, 6.0, 7.0, 10.0, 11.0} << 8.0 << 0.24675324675324672 << true;
    QTest::newRow("exact separated") << QList<double>{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0} << QList<double>{9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0} << 0.0 << 0.0001554001554001554 << true;
    QTest::newRow("exact interleaved 25x25") << QList<double>{0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5, 18.5, 20.5, 22.5, 24.5, 26.5, 28.5, 30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5} << QList<double>{1.0, 3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0, 19.0, 21.0, 23.0, 25.0, 27.0, 29.0, 31.0, 33.0, 35.0, 37.0, 39.0, 41.0, 43.0, 45.0, 47.0, 49.0} << 300.0 << 0.817504341283324 << true;
    QTest::newRow("exact unequal 3x20") << QList<double>{100.0, 101.0, 102.0} << QList<double>{0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0} << 60.0 << 0.001129305477131564 << true;
    QTest::newRow("asymptotic ties") << QList<double>{1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0, 5.0} << QList<double>{2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 6.0, 7.0} << 23.0 << 0.04194835318163953 << false;
    QTest::newRow("asymptotic 30x30 shifted") << QList<double>{0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0} << QList<double>{7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5, 35.5, 36.5} << 253.0 << 0.003670893392450653 << false;
    QTest::newRow("asymptotic one tie big") << QList<double>{0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0} << QList<double>{0.25, 1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25, 10.25, 11.25, 12.25, 13.25, 14.25, 15.25, 16.25, 17.25, 18.25, 19.25, 20.25, 21.25, 22.25, 23.25, 24.25, 25.25, 26.25, 27.25, 28.25, 29.25, 30.25, 31.25, 32.25, 33.25, 34.25, 35.25, 36.25, 37.25, 38.25, 0.0} << 819.5 << 0.8549324627993777 << false;
    // clang-format on
}

void tst_RankTest::agreesWithScipy()
{
    QFETCH(QList<double>, first);
    QFETCH(QList<double>, second);
    QFETCH(double, u);
    QFETCH(double, p);
    QFETCH(bool, exact);
    const RankTest test = mannWhitneyU(first, second);
    QCOMPARE(test.n1, first.size());
    QCOMPARE(test.n2, second.size());
    QCOMPARE(test.u, u);
    QCOMPARE(test.exact, exact);
    QVERIFY2(std::abs(test.pValue - p) <= 1e-12 * std::max(1.0, p) + 1e-15,
        qPrintable(QStringLiteral("p = %1, scipy says %2").arg(test.pValue, 0, 'g', 17).arg(p, 0, 'g', 17)));
}

void tst_RankTest::swappingTheSamplesMirrorsU_data()
{
    QTest::addColumn<int>("n1");
    QTest::addColumn<int>("n2");
    QTest::addColumn<bool>("ties");
    QTest::newRow("exact") << 9 << 14 << false;
    QTest::newRow("approximate") << 300 << 170 << false;
    QTest::newRow("approximate with ties") << 300 << 170 << true;
}

void tst_RankTest::swappingTheSamplesMirrorsU()
{
    QFETCH(int, n1);
    QFETCH(int, n2);
    QFETCH(bool, ties);
    QRandomGenerator random(7);
    auto draw = [&](int n, double shift) {
        QList<double> values;
        for (int i = 0; i < n; ++i) {
            const double v = random.generateDouble() * 10 + shift;
            values.append(ties ? std::round(v) : v);
        }
        return values;
    };
    const auto a = draw(n1, 0);
    const auto b = draw(n2, 1);
    const RankTest ab = mannWhitneyU(a, b);
    const RankTest ba = mannWhitneyU(b, a);
    QCOMPARE(ab.u + ba.u, double(n1) * double(n2));
    QCOMPARE(ab.pValue, ba.pValue);
    QCOMPARE(ab.z, -ba.z);
}

void tst_RankTest::emptySampleIsNoEvidence()
{
    const RankTest test = mannWhitneyU({}, { 1.0, 2.0 });
    QCOMPARE(test.n1, 0);
    QCOMPARE(test.n2, 2);
    QCOMPARE(test.pValue, 1.0);
}

void tst_RankTest::allValuesEqualIsNoEvidence()
{
    const RankTest test = mannWhitneyU(QList<double>(40, 3.0), QList<double>(50, 3.0));
    QCOMPARE(test.u, 40.0 * 50 / 2);
    QCOMPARE(test.pValue, 1.0);
    QVERIFY(!test.exact);
}

// At 25 against 25 values the two methods must tell the same story: the normal approximation with continuity
// correction is within a few thousandths of the exact p-value there.
void tst_RankTest::exactAndApproximateAgreeAtTheLimit()
{
    QList<double> a;
    QList<double> b;
    for (int i = 0; i < 25; ++i) {
        a.append(i * 1.0);
        b.append(i * 1.0 + 6.5);
    }
    const RankTest exact = mannWhitneyU(a, b);
    QVERIFY(exact.exact);
    b.append(100); // 26 values: past the exact limit
    const RankTest approximate = mannWhitneyU(a, b);
    QVERIFY(!approximate.exact);
    QVERIFY2(std::abs(exact.pValue - approximate.pValue) < 0.01,
        qPrintable(QStringLiteral("%1 vs %2").arg(exact.pValue).arg(approximate.pValue)));
}

void tst_RankTest::aLargeShiftIsSignificant()
{
    QList<double> a;
    QList<double> b;
    for (int i = 0; i < 1000; ++i) {
        a.append(10 + (i % 100) * 0.01);
        b.append(20 + (i % 100) * 0.01);
    }
    const RankTest test = mannWhitneyU(a, b);
    QCOMPARE(test.u, 0.0);
    QVERIFY(test.pValue < 1e-100);
    QVERIFY(test.z < 0);
}

QTEST_GUILESS_MAIN(tst_RankTest)
#include "tst_ranktest.moc"
