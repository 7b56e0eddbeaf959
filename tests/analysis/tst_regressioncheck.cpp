// SPDX-License-Identifier: MIT
// The regression check of `kodemon compare`: thresholds as the command line writes them, and the verdict on
// seeded lognormal calls with known shifts (a threshold counts only when exceeded and significant).
#include "analysis/regressioncheck.h"

#include <cmath>
#include <random>
#include <QtTest>

using namespace Kodemon;

Q_DECLARE_METATYPE(Kodemon::CheckSample)

namespace {

CheckSample lognormal(quint64 seed, int calls, double medianMs, double factor, double failureRate = 0)
{
    std::mt19937_64 random(seed);
    std::lognormal_distribution<double> ms(std::log(medianMs), 0.4);
    std::uniform_real_distribution<double> uniform;
    CheckSample sample;
    for (int i = 0; i < calls; ++i) {
        sample.values.append(ms(random) * factor);
        sample.failed += uniform(random) < failureRate ? 1 : 0;
    }
    return sample;
}

} // namespace

class tst_RegressionCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesThresholds_data();
    void parsesThresholds();
    void judges_data();
    void judges();
    void describesSides();
};

void tst_RegressionCheck::parsesThresholds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("metric");
    QTest::addColumn<double>("percent");
    QTest::newRow("p95:10%") << "p95:10%" << true << "p95" << 10.0;
    QTest::newRow("p95:10") << "p95:10" << true << "p95" << 10.0;
    QTest::newRow("p50:2.5%") << "p50:2.5%" << true << "p50" << 2.5;
    QTest::newRow("mean:0") << "mean:0" << true << "mean" << 0.0;
    QTest::newRow("errors:50%") << "errors:50%" << true << "errors" << 50.0;
    QTest::newRow("spaces around") << " p95:10% " << true << "p95" << 10.0;
    QTest::newRow("unknown metric") << "p97:10%" << false << "" << 0.0;
    QTest::newRow("no percent") << "p95:" << false << "" << 0.0;
    QTest::newRow("negative") << "p95:-5%" << false << "" << 0.0;
    QTest::newRow("no colon") << "p95" << false << "" << 0.0;
    QTest::newRow("upper case") << "P95:10%" << false << "" << 0.0;
    QTest::newRow("two percents") << "p95:10%%" << false << "" << 0.0;
    QTest::newRow("empty") << "" << false << "" << 0.0;
}

void tst_RegressionCheck::parsesThresholds()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, metric);
    QFETCH(double, percent);
    const auto threshold = parseThreshold(text);
    QCOMPARE(threshold.ok(), valid);
    if (!valid) {
        QVERIFY(threshold.error().contains(u"METRIC:PERCENT"));
        return;
    }
    QCOMPARE(checkMetricName(threshold->metric), metric);
    QCOMPARE(threshold->percent, percent);
    QCOMPARE(parseThreshold(formatThreshold(*threshold))->percent, percent);
}

void tst_RegressionCheck::judges_data()
{
    QTest::addColumn<CheckSample>("baseline");
    QTest::addColumn<CheckSample>("candidate");
    QTest::addColumn<QStringList>("thresholds");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<int>("exceeded");
    const auto t = [](std::initializer_list<const char*> list) {
        QStringList out;
        for (const char* s : list)
            out.append(QString::fromLatin1(s));
        return out;
    };
    const CheckSample base = lognormal(1, 20000, 40, 1);
    QTest::newRow("15% slower, p95:10%") << base << lognormal(2, 20000, 40, 1.15) << t({ "p95:10%" }) << "regression" << 1;
    QTest::newRow("15% slower, p50:10% and mean:10%")
        << base << lognormal(2, 20000, 40, 1.15) << t({ "p50:10%", "mean:10%" }) << "regression" << 2;
    QTest::newRow("15% slower, p95:30%") << base << lognormal(2, 20000, 40, 1.15) << t({ "p95:30%" }) << "slower" << 0;
    QTest::newRow("15% slower, no thresholds") << base << lognormal(2, 20000, 40, 1.15) << t({}) << "slower" << 0;
    QTest::newRow("15% faster, p95:10%") << base << lognormal(2, 20000, 40, 0.85) << t({ "p95:10%" }) << "faster" << 0;
    QTest::newRow("unchanged") << base << lognormal(3, 20000, 40, 1) << t({ "p95:10%", "errors:10%" }) << "no change" << 0;
    // 20% slower but only 40 calls a side: not significant, so not a regression however large it looks.
    QTest::newRow("small sample") << lognormal(4, 40, 40, 1) << lognormal(5, 40, 40, 1.05) << t({ "p95:1%" })
                                  << "no change" << 0;
    QTest::newRow("too few calls") << lognormal(4, 29, 40, 1) << lognormal(5, 500, 40, 3) << t({ "p95:10%" })
                                   << "too few calls" << 0;
    QTest::newRow("errors from 1% to 5%") << lognormal(6, 5000, 40, 1, 0.01) << lognormal(7, 5000, 40, 1, 0.05)
                                          << t({ "errors:50%" }) << "regression" << 1;
    QTest::newRow("errors from none to some") << lognormal(6, 5000, 40, 1, 0) << lognormal(7, 5000, 40, 1, 0.02)
                                              << t({ "errors:50%" }) << "regression" << 1;
    QTest::newRow("errors 1% to 1.1%") << lognormal(6, 5000, 40, 1, 0.01) << lognormal(7, 5000, 40, 1, 0.011)
                                       << t({ "errors:5%" }) << "no change" << 0;
}

void tst_RegressionCheck::judges()
{
    QFETCH(CheckSample, baseline);
    QFETCH(CheckSample, candidate);
    QFETCH(QStringList, thresholds);
    QFETCH(QString, verdict);
    QFETCH(int, exceeded);
    CheckOptions options;
    for (const auto& text : thresholds)
        options.thresholds.append(*parseThreshold(text));
    const CheckRow row = checkFunction(KeyId { QStringLiteral("t"), QStringLiteral("/a.py-f") }, baseline, candidate, options);
    QCOMPARE(verdictName(row.verdict), verdict);
    QCOMPARE(row.exceeded.size(), exceeded);
    QCOMPARE(row.baseline.calls, baseline.values.size());
    QCOMPARE(row.candidate.errors, candidate.failed);
}

void tst_RegressionCheck::describesSides()
{
    CheckSample sample;
    for (int i = 1; i <= 100; ++i)
        sample.values.append(double(i));
    sample.failed = 7;
    const CheckSide side = describe(sample);
    QCOMPARE(side.calls, 100);
    QCOMPARE(side.p50, 50.0); // nearest rank: the 50th smallest
    QCOMPARE(side.p95, 95.0);
    QCOMPARE(side.mean, 50.5);
    QCOMPARE(side.errorRate(), 0.07);
    QCOMPARE(describe({}).calls, 0);
    CheckRow row;
    row.baseline = side;
    row.candidate = side;
    row.candidate.p95 = 114;
    QCOMPARE(*row.changePercent(CheckMetric::P95), 20.0);
    row.baseline.p95 = 0;
    QVERIFY(!row.changePercent(CheckMetric::P95));
}

QTEST_GUILESS_MAIN(tst_RegressionCheck)
#include "tst_regressioncheck.moc"
