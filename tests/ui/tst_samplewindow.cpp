// SPDX-License-Identifier: MIT
// The statistics window of live mode: exact figures after adds and drops, and a histogram that covers every call.
#include "samplewindow.h"

#include <cmath>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

namespace {

QList<TimedValue> randomValues(int count, quint32 seed, double firstTimestamp)
{
    QRandomGenerator random(seed);
    QList<TimedValue> values;
    for (int i = 0; i < count; ++i) {
        // Mostly small, some zeros and duplicates, a long tail: like real execution times.
        const double value
            = random.bounded(10) == 0 ? 0.0 : std::round(std::exp(random.generateDouble() * 8) * 10) / 10;
        values.append(TimedValue { firstTimestamp + double(random.bounded(1000)), value });
    }
    return values;
}

QList<double> valuesOf(const QList<TimedValue>& values, double from)
{
    QList<double> out;
    for (const auto& value : values) {
        if (value.timestamp >= from)
            out.append(value.value);
    }
    return out;
}

void compareStats(const KeyStats& got, const KeyStats& expected)
{
    QCOMPARE(got.count, expected.count);
    QCOMPARE(got.min, expected.min);
    QCOMPARE(got.max, expected.max);
    QVERIFY(qFuzzyCompare(got.mean + 1, expected.mean + 1));
    QCOMPARE(got.p50, expected.p50);
    QCOMPARE(got.p90, expected.p90);
    QCOMPARE(got.p95, expected.p95);
    QCOMPARE(got.p99, expected.p99);
}

} // namespace

class tst_SampleWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesTheQueryLayersStatistics_data();
    void matchesTheQueryLayersStatistics();
    void addAndDropEqualAFreshWindow();
    void histogramCoversEveryCall();
    void emptyWindow();
    void failedCallsAreCountedWhileLive();
    void histogramOfASketchKeepsEveryCall();
};

void tst_SampleWindow::matchesTheQueryLayersStatistics_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<quint32>("seed");
    QTest::newRow("one") << 1 << 1u;
    QTest::newRow("ten") << 10 << 2u;
    QTest::newRow("thousand") << 1000 << 3u;
    QTest::newRow("many") << 50000 << 4u;
}

void tst_SampleWindow::matchesTheQueryLayersStatistics()
{
    QFETCH(int, count);
    QFETCH(quint32, seed);
    const auto values = randomValues(count, seed, 0);
    compareStats(SampleWindow(values).stats(), computeStats(valuesOf(values, 0)));
}

void tst_SampleWindow::addAndDropEqualAFreshWindow()
{
    const auto first = randomValues(5000, 7, 0);
    const auto later = randomValues(3000, 8, 500);
    SampleWindow window(first);
    window.add(later);
    window.dropBefore(400);
    QList<TimedValue> all = first + later;
    compareStats(window.stats(), computeStats(valuesOf(all, 400)));
    QCOMPARE(window.size(), valuesOf(all, 400).size());
    window.dropBefore(100000);
    QCOMPARE(window.stats().count, 0);
}

void tst_SampleWindow::histogramCoversEveryCall()
{
    const auto values = randomValues(20000, 9, 0);
    const SampleWindow window(values);
    const Histogram histogram = window.histogram(10);
    QCOMPARE(histogram.edges.size(), histogram.counts.size() + 1);
    qint64 total = 0;
    for (qint64 count : histogram.counts)
        total += count;
    QCOMPARE(total, qint64(values.size()));
    QVERIFY(histogram.edges.front() > 0); // a log axis needs a positive start
    QVERIFY(histogram.edges.back() >= window.stats().max);
    for (qsizetype i = 1; i < histogram.edges.size(); ++i)
        QVERIFY(histogram.edges[i] > histogram.edges[i - 1]);
}

void tst_SampleWindow::emptyWindow()
{
    const SampleWindow window;
    QCOMPARE(window.stats().count, 0);
    QVERIFY(window.histogram().counts.isEmpty());
}

void tst_SampleWindow::failedCallsAreCountedWhileLive()
{
    // Calls at t = 0..99; every tenth failed.
    QList<TimedValue> values;
    QList<double> failed;
    for (int t = 0; t < 100; ++t) {
        values.append(TimedValue { double(t), 1.0 + t });
        if (t % 10 == 0)
            failed.append(double(t));
    }
    SampleWindow window(values, failed);
    QCOMPARE(window.stats().errors, 10);
    // Live: new calls (two failed, out of order) arrive, the oldest leave the range.
    window.add({ TimedValue { 101, 5 }, TimedValue { 100, 5 }, TimedValue { 102, 5 } }, { 102, 100 });
    QCOMPARE(window.stats().errors, 12);
    window.dropBefore(35); // 0, 10, 20 and 30 leave
    QCOMPARE(window.stats().errors, 8);
    QCOMPARE(window.stats().count, 100 - 35 + 3);
    QCOMPARE(window.values().first().timestamp, 35.0);
    window.dropBefore(1000);
    QCOMPARE(window.stats().errors, 0);
}

// The histogram drawn from a summary (calls kept only as minute summaries): every call counted once, in the bin
// that holds it, up to the sketch's 1% (a value on a bin's edge may land in the next bin).
void tst_SampleWindow::histogramOfASketchKeepsEveryCall()
{
    QRandomGenerator random(5);
    QList<TimedValue> values;
    LatencySketch sketch;
    double min = 1e9;
    double max = 0;
    for (int i = 0; i < 20000; ++i) {
        const double ms = i % 100 == 0 ? 0.0 : std::exp(random.generateDouble() * 8); // 1 ms .. 3 s, some zeros
        values.append({ double(i), ms });
        sketch.add(ms);
        min = std::min(min, ms);
        max = std::max(max, ms);
    }
    const Histogram exact = SampleWindow(values).histogram();
    const Histogram drawn = histogramOf(sketch, min, max);
    QCOMPARE(drawn.edges, exact.edges);
    qint64 total = 0;
    qint64 moved = 0;
    for (qsizetype i = 0; i < drawn.counts.size(); ++i) {
        total += drawn.counts[i];
        moved += std::abs(drawn.counts[i] - exact.counts[i]);
    }
    QCOMPARE(total, qint64(values.size()));
    QVERIFY2(moved <= values.size() / 20, qPrintable(QString::number(moved))); // a few near the edges
    QVERIFY(histogramOf(LatencySketch {}, 0, 0).counts.size() >= 4); // nothing: empty bins, no crash
}

QTEST_GUILESS_MAIN(tst_SampleWindow)
#include "tst_samplewindow.moc"
