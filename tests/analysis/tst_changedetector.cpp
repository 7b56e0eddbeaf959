// SPDX-License-Identifier: MIT
// Change detection on synthetic production traffic (syntheticcalls.h) with known steps: the acceptance figures of
// issue 16 (every step of at least 20% in median or p95 with 200 calls or more on each side found within one
// bucket of its time; at most 1 false change in 100 step-free series), and what is reported about each change.
#include "analysis/changedetector.h"
#include "syntheticcalls.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <QtTest>

using namespace Kodemon;

namespace {

using Step = SyntheticSeries::Step;

constexpr double Hour = 3600;
constexpr double Day = 86400;

qint64 callsBetween(const CallHistory& history, double from, double to)
{
    return std::count_if(history.calls.cbegin(), history.calls.cend(),
        [&](const TimedValue& call) { return call.timestamp >= from && call.timestamp < to; });
}

TimeRange rangeOf(const SyntheticSeries& series)
{
    return TimeRange { series.from, series.from + series.seconds - 1 };
}

QString describe(const Change& change, double origin)
{
    return QStringLiteral("%1 at +%2 h: %3 -> %4 ms p50, %5 -> %6 ms p95, errors %7% -> %8%, p=%9")
        .arg(metricName(change.metric))
        .arg((change.time - origin) / Hour, 0, 'f', 2)
        .arg(change.before.p50, 0, 'f', 1)
        .arg(change.after.p50, 0, 'f', 1)
        .arg(change.before.p95, 0, 'f', 1)
        .arg(change.after.p95, 0, 'f', 1)
        .arg(100 * change.before.errorRate(), 0, 'f', 2)
        .arg(100 * change.after.errorRate(), 0, 'f', 2)
        .arg(change.pValue, 0, 'g', 3);
}

} // namespace

class tst_ChangeDetector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findsEveryStep_data();
    void findsEveryStep();
    void cleanupTestCase();
    void noFalseChangesWithoutSteps();

private:
    qint64 m_series = 0;
    qint64 m_extra = 0;
    qint64 m_missed = 0;
};

void tst_ChangeDetector::findsEveryStep_data()
{
    QTest::addColumn<SyntheticSeries>("series");
    const auto row = [](const char* name, SyntheticSeries series) {
        for (quint64 seed = 1; seed <= 10; ++seed) {
            series.seed = seed * 7919 + quint64(qHash(QByteArray(name)));
            QTest::addRow("%s, seed %llu", name, seed) << series;
        }
    };
    const SyntheticSeries day;
    const double noon = day.from + 12 * Hour;
    const auto with = [&](double callsPerMinute, double sigma, QList<Step> steps) {
        SyntheticSeries s = day;
        s.callsPerMinute = callsPerMinute;
        s.logSigma = sigma;
        s.steps = steps;
        return s;
    };
    row("median +20%, 20/min", with(20, 0.4, { Step { noon, 1.22 } }));
    row("median -22% (faster), 20/min", with(20, 0.4, { Step { noon, 0.78 } }));
    row("median +20%, 3/min", with(3, 0.4, { Step { noon, 1.22 } }));
    row("median +20%, 300/min", with(300, 0.4, { Step { noon, 1.22 } }));
    row("median +20%, wide spread (sigma 0.6), 20/min", with(20, 0.6, { Step { noon, 1.22 } }));
    row("median +50%, 3/min", with(3, 0.4, { Step { noon, 1.5 } }));
    row("median x2, 1/min", with(1, 0.4, { Step { noon, 2.0 } }));
    row("p95 +38% (a tenth 2.5x slower), 20/min", with(20, 0.4, { Step { noon, 1, 0.1, 2.5 } }));
    row("p95 +27% (8% 2.5x slower), 60/min", with(60, 0.4, { Step { noon, 1, 0.08, 2.5 } }));
    row("p95 -28% (a tenth no longer 2.5x slower), 20/min",
        with(20, 0.4, { Step { day.from, 1, 0.1, 2.5 }, Step { noon, 1, 1e-9, 1 } }));
    row("up 25% at 08:00, down 20% at 16:00, 20/min",
        with(20, 0.4, { Step { day.from + 8 * Hour, 1.25 }, Step { day.from + 16 * Hour, 0.78 } }));
    row("median +20% an hour after the start, 20/min", with(20, 0.4, { Step { day.from + Hour, 1.22 } }));
    row("median +20% an hour before the end, 20/min", with(20, 0.4, { Step { day.from + 23 * Hour, 1.22 } }));
    {
        SyntheticSeries week = with(5, 0.4, { Step { day.from + 4 * Day + 5 * Hour, 1.22 } });
        week.seconds = 7 * Day;
        row("median +20% over 7 days, 5/min", week);
    }
    {
        SyntheticSeries month = with(1, 0.4, { Step { day.from + 20 * Day + 7 * Hour, 1.22 } });
        month.seconds = 30 * Day;
        row("median +20% over 30 days, 1/min", month);
    }
}

void tst_ChangeDetector::findsEveryStep()
{
    QFETCH(SyntheticSeries, series);
    const CallHistory history = generateCalls(series);
    const auto changes = detectChanges(history, rangeOf(series));
    for (const auto& change : changes)
        qDebug().noquote() << describe(change, series.from);
    for (qsizetype i = 0; i < series.steps.size(); ++i) {
        const auto& step = series.steps[i];
        if (step.time <= series.from)
            continue; // the state the range starts in
        const StepEffect effect = stepEffect(series, i);
        QVERIFY2(std::abs(effect.median) >= 0.2 || std::abs(effect.p95) >= 0.2,
            qPrintable(QStringLiteral("the row's step is %1% in median, %2% in p95")
                           .arg(100 * effect.median)
                           .arg(100 * effect.p95)));
        const qint64 before = callsBetween(history, series.from, step.time);
        const qint64 after = callsBetween(history, step.time, series.from + series.seconds);
        QVERIFY2(before >= 200 && after >= 200, qPrintable(QStringLiteral("%1 | %2 calls").arg(before).arg(after)));
        const auto found = std::find_if(changes.cbegin(), changes.cend(), [&](const Change& c) {
            return c.metric != ChangeMetric::ErrorRate && std::abs(c.time - step.time) <= c.bucketSeconds;
        });
        if (found == changes.cend()) {
            QVERIFY2(false,
                qPrintable(QStringLiteral("the step at +%1 h was not found within one bucket")
                               .arg((step.time - series.from) / Hour)));
            ++m_missed;
            continue;
        }
        const double expected = std::abs(effect.median) >= 0.2 ? effect.median : effect.p95;
        QCOMPARE(found->relativeChange > 0, expected > 0);
        QCOMPARE(found->improvement, expected < 0);
    }
    m_extra += std::count_if(changes.cbegin(), changes.cend(), [&](const Change& c) {
        return std::none_of(series.steps.cbegin(), series.steps.cend(),
            [&](const Step& step) { return std::abs(c.time - step.time) <= c.bucketSeconds; });
    });
    ++m_series;
}

void tst_ChangeDetector::cleanupTestCase()
{
    if (m_series > 0)
        std::printf("series with steps: %lld; steps missed (not within one bucket): %lld; changes reported "
                    "away from every step: %lld\n",
            m_series, m_missed, m_extra);
}

void tst_ChangeDetector::noFalseChangesWithoutSteps()
{
    int falseChanges = 0;
    qint64 calls = 0;
    for (int i = 0; i < 100; ++i) {
        SyntheticSeries series;
        series.seed = 1000003 * quint64(i + 1);
        std::mt19937_64 random(series.seed);
        series.callsPerMinute = std::exp(std::uniform_real_distribution<double>(std::log(0.5), std::log(200))(random));
        series.logSigma = std::uniform_real_distribution<double>(0.25, 0.6)(random);
        series.medianMs = std::exp(std::uniform_real_distribution<double>(0, 7)(random));
        series.seconds = i % 5 == 4 ? 7 * Day : Day;
        const CallHistory history = generateCalls(series);
        calls += history.calls.size();
        const auto changes = detectChanges(history, rangeOf(series));
        for (const auto& change : changes)
            qDebug().noquote() << "series" << i << series.callsPerMinute << "/min sigma" << series.logSigma << ":"
                               << describe(change, series.from);
        falseChanges += int(changes.size());
    }
    std::printf("false changes in 100 step-free series (%lld calls): %d\n", calls, falseChanges);
    // The acceptance bar. Measured: 1 (series 94, p95 +10.2% at +35.9 h, p 3e-7); 3 before the median's test
    // asked for more than half the minimum effect (changedetector.cpp, movedToward).
    QVERIFY(falseChanges <= 1);
}

QTEST_GUILESS_MAIN(tst_ChangeDetector)
#include "tst_changedetector.moc"
