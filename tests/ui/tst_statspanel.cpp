// SPDX-License-Identifier: MIT
// The statistics panel as the user reads it: failed calls and the error rate, and with a baseline each figure
// beside the baseline's, the change in % coloured (red slower, green faster), the verdict with its p-value.
#include "displayformat.h"
#include "statspanel.h"

#include <QLabel>
#include <QtTest>

using namespace Kodemon;
using Figure = StatsPanel::Figure;

namespace {

const QColor Red(0xc6, 0x28, 0x28);
const QColor Green(0x2e, 0x7d, 0x32);

KeyStats statsOf(qint64 count, qint64 errors, double scale)
{
    KeyStats stats;
    stats.count = count;
    stats.errors = errors;
    stats.min = 1 * scale;
    stats.mean = 10 * scale;
    stats.p50 = 8 * scale;
    stats.p90 = 20 * scale;
    stats.p95 = 30 * scale;
    stats.p99 = 50 * scale;
    stats.max = 90 * scale;
    return stats;
}

// Now: 200 calls of which 14 failed over an hour; the baseline hour: 100 calls, 2 failed, everything 20% faster.
Comparison comparison(Verdict verdict, double pValue)
{
    Comparison c;
    c.current = TimeRange { 3600, 7200 };
    c.baseline = TimeRange { 0, 3600 };
    c.currentStats = statsOf(200, 14, 1.2);
    c.baselineStats = statsOf(100, 2, 1.0);
    c.medianShift = 0.2;
    c.test.n1 = 200;
    c.test.n2 = 100;
    c.test.pValue = pValue;
    c.verdict = verdict;
    return c;
}

QString percent(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals) + QStringLiteral(" %");
}

} // namespace

class tst_StatsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failedCallsAndTheErrorRate();
    void figuresBesideTheBaseline();
    void verdicts_data();
    void verdicts();
    void liveFiguresCompareWithTheSameBaseline();
    void noComparisonSaysWhy();
};

void tst_StatsPanel::failedCallsAndTheErrorRate()
{
    StatsPanel panel;
    panel.setData(statsOf(200, 14, 1), Histogram {});
    QCOMPARE(panel.figureText(StatsPanel::Count), QStringLiteral("200"));
    QCOMPARE(panel.figureText(StatsPanel::Failed), QStringLiteral("14"));
    QCOMPARE(panel.figureText(StatsPanel::ErrorRate), percent(7.0, 1));
    QCOMPARE(panel.figureText(StatsPanel::P95), QStringLiteral("30.0 ms"));
    QVERIFY(!panel.isComparing());
    QCOMPARE(panel.baselineText(StatsPanel::P95), QString());
    panel.setData(KeyStats {}, Histogram {});
    QCOMPARE(panel.figureText(StatsPanel::Failed), QStringLiteral("0"));
    QCOMPARE(panel.figureText(StatsPanel::ErrorRate), QStringLiteral("–"));
    panel.setFilterNote(QStringLiteral("Filtered: endpoint:/cart"));
    QCOMPARE(panel.filterNote(), QStringLiteral("Filtered: endpoint:/cart"));
    panel.setFilterNote({});
    QCOMPARE(panel.filterNote(), QString());
}

void tst_StatsPanel::figuresBesideTheBaseline()
{
    StatsPanel panel;
    const Comparison c = comparison(Verdict::Slower, 0.0004);
    panel.setData(c.currentStats, Histogram {});
    panel.setComparison(c, QStringLiteral("previous period"));
    QVERIFY(panel.isComparing());
    QCOMPARE(panel.baselineText(StatsPanel::Count), QStringLiteral("100"));
    QCOMPARE(panel.baselineText(StatsPanel::P95), QStringLiteral("30.0 ms"));
    QCOMPARE(panel.figureText(StatsPanel::P95), QStringLiteral("36.0 ms"));
    QCOMPARE(panel.changeText(StatsPanel::P95), QStringLiteral("+20 %"));
    QCOMPARE(panel.changeColor(StatsPanel::P95), Red); // slower
    QCOMPARE(panel.changeText(StatsPanel::Count), QStringLiteral("+100 %")); // twice the calls per second
    QVERIFY(panel.changeColor(StatsPanel::Count) != Red && panel.changeColor(StatsPanel::Count) != Green);
    // 7% failed now, 2% then: five points more, in red.
    QCOMPARE(panel.changeText(StatsPanel::ErrorRate), QStringLiteral("+%1 pts").arg(QLocale().toString(5.0, 'f', 1)));
    QCOMPARE(panel.changeColor(StatsPanel::ErrorRate), Red);
    QCOMPARE(panel.baselineText(StatsPanel::ErrorRate), percent(2.0, 1));

    // The same against a slower baseline: green.
    Comparison faster = c;
    faster.baselineStats = statsOf(100, 2, 1.5);
    panel.setComparison(faster, QStringLiteral("1 week earlier"));
    QCOMPARE(panel.changeText(StatsPanel::P95), QStringLiteral("\u2212") + percent(20.0, 0));
    QCOMPARE(panel.changeColor(StatsPanel::P95), Green);
}

void tst_StatsPanel::verdicts_data()
{
    QTest::addColumn<int>("verdict");
    QTest::addColumn<double>("pValue");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QColor>("colour");
    QTest::newRow("slower") << int(Verdict::Slower) << 0.0004 << QStringLiteral("Slower: median +20 %, p < 0.001")
                            << Red;
    QTest::newRow("faster") << int(Verdict::Faster) << 0.0042
                            << QStringLiteral("Faster: median +20 %, p = %1").arg(QLocale().toString(0.0042, 'g', 2))
                            << Green;
    QTest::newRow("no clear change")
        << int(Verdict::NoClearChange) << 0.43
        << QStringLiteral("No clear change: median +20 %, p = %1").arg(QLocale().toString(0.43, 'g', 2)) << QColor();
    QTest::newRow("no data") << int(Verdict::NoData) << 1.0 << QStringLiteral("No calls in the range to compare.")
                             << QColor();
}

void tst_StatsPanel::verdicts()
{
    QFETCH(int, verdict);
    QFETCH(double, pValue);
    QFETCH(QString, expected);
    QFETCH(QColor, colour);
    StatsPanel panel;
    const Comparison c = comparison(Verdict(verdict), pValue);
    panel.setData(c.currentStats, Histogram {});
    panel.setComparison(c, QStringLiteral("previous period"));
    QCOMPARE(panel.verdictText(), expected);
    if (colour.isValid())
        QCOMPARE(
            panel.findChild<QLabel*>(QStringLiteral("statsVerdict"))->palette().color(QPalette::WindowText), colour);
}

void tst_StatsPanel::liveFiguresCompareWithTheSameBaseline()
{
    StatsPanel panel;
    const Comparison c = comparison(Verdict::Slower, 0.0004);
    panel.setData(c.currentStats, Histogram {});
    panel.setComparison(c, QStringLiteral("previous period"));
    // Live mode sets new figures; the changes follow them against the same baseline.
    panel.setData(statsOf(220, 14, 1.5), Histogram {});
    QCOMPARE(panel.changeText(StatsPanel::P95), QStringLiteral("+50 %"));
    QCOMPARE(panel.baselineText(StatsPanel::P95), QStringLiteral("30.0 ms"));
}

void tst_StatsPanel::noComparisonSaysWhy()
{
    StatsPanel panel;
    panel.setData(statsOf(200, 14, 1), Histogram {});
    panel.setComparison(comparison(Verdict::Slower, 0.001), QStringLiteral("previous period"));
    panel.clearComparison(QStringLiteral("No comparison: a baseline needs a range with a start and an end."));
    QVERIFY(!panel.isComparing());
    QCOMPARE(panel.changeText(StatsPanel::P95), QString());
    QVERIFY(panel.verdictText().contains(QStringLiteral("start and an end")));
    panel.clearComparison();
    QCOMPARE(panel.verdictText(), QString());
}

QTEST_MAIN(tst_StatsPanel)
#include "tst_statspanel.moc"
