// SPDX-License-Identifier: MIT
// kodemon-uibench: the desktop viewer's figures (offscreen): window-visible time at start on a big database, time
// from selecting a key to a drawn chart and statistics, and the longest event-loop stall (a 10 ms QTimer probe)
// while live mode follows an ingest driven by kodemon-loadgen.
#include "chartview.h"
#include "functionspanel.h"
#include "ingest/collector.h"
#include "ingest/ingestcounters.h"
#include "keylistupdater.h"
#include "live/collectorfeed.h"
#include "live/localstatus.h"
#include "mainwindow.h"
#include "sqlite/sqlitestore.h"
#include "statspanel.h"
#include "timerangecontroller.h"

#include <algorithm>
#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace Kodemon;

namespace {

QElapsedTimer g_sinceStart;

// With --trace-stalls, names every event the main thread spent more than 20 ms on, with the widgets it painted
// meanwhile (the stall's culprit), and at the end the paint times of every widget while live.
class TracingApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool tracing = false;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (!tracing || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        if (m_depth > 0)
            return notifyNested(receiver, event);
        m_paints.clear();
        ++m_depth;
        QElapsedTimer timer;
        timer.start();
        const int type = event->type();
        // Captured first: the receiver may delete itself while handling the event.
        const QByteArray name
            = QByteArray(receiver->metaObject()->className()) + " \"" + receiver->objectName().toUtf8() + '"';
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        if (const qint64 ms = timer.elapsed(); ms > 20) {
            std::fprintf(
                stderr, "stall: %lld ms in event %d to %s\n", static_cast<long long>(ms), type, name.constData());
            for (auto it = m_paints.cbegin(); it != m_paints.cend(); ++it)
                std::fprintf(stderr, "  painting %s: %.1f ms\n", it.key().constData(), it.value() / 1e6);
        }
        return result;
    }

    // Every paint since the last call, per widget class and size: count, median, 90th percentile, longest.
    void printPaintTimes()
    {
        for (auto it = m_allPaints.begin(); it != m_allPaints.end(); ++it) {
            auto& times = it.value();
            std::sort(times.begin(), times.end());
            if (times.size() < 5)
                continue;
            std::fprintf(stderr, "paints of %s: %lld, median %.1f ms, p90 %.1f ms, max %.1f ms\n", it.key().constData(),
                static_cast<long long>(times.size()), times[times.size() / 2], times[times.size() * 9 / 10],
                times.last());
        }
        m_allPaints.clear();
    }

private:
    // A paint event inside a top-level event (a repaint of the window paints each dirty widget in turn).
    bool notifyNested(QObject* receiver, QEvent* event)
    {
        if (event->type() != QEvent::Paint || m_inPaint)
            return QApplication::notify(receiver, event);
        m_inPaint = true;
        QElapsedTimer timer;
        timer.start();
        const QByteArray name = receiver->metaObject()->className();
        const bool result = QApplication::notify(receiver, event);
        const qint64 ns = timer.nsecsElapsed();
        m_paints[name] += ns;
        if (receiver->isWidgetType()) {
            const QSize size = static_cast<QWidget*>(receiver)->size(); // tells the plain QWidget viewports apart
            m_allPaints[name + ' ' + QByteArray::number(size.width()) + 'x' + QByteArray::number(size.height())].append(
                ns / 1e6);
        }
        m_inPaint = false;
        return result;
    }

    int m_depth = 0; // of the main thread's nested events
    bool m_inPaint = false;
    QMap<QByteArray, qint64> m_paints; // nanoseconds per class, in the current top-level event
    QMap<QByteArray, QList<double>> m_allPaints; // milliseconds per class and size
};

void report(const char* name, double valueMs, double targetMs, const QString& note = {})
{
    std::printf("{\"ui\": \"%s\", \"ms\": %.1f, \"target_ms\": %.0f, \"verdict\": \"%s\"%s}\n", name, valueMs, targetMs,
        valueMs >= 0 && valueMs <= targetMs ? "pass" : "FAIL",
        note.isEmpty() ? "" : qPrintable(QStringLiteral(", \"note\": \"%1\"").arg(note)));
    std::fflush(stdout);
}

// Runs the event loop until `done` or the timeout; returns the elapsed milliseconds, or -1. Sleeps between events
// (a 1 ms timer bounds the wait): a busy loop here would take a core from the threads being measured.
template<typename Predicate> double waitFor(Predicate done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QTimer tick;
    tick.start(1);
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return timer.nsecsElapsed() / 1e6;
}

int rowOf(QTableView* table, const QString& key)
{
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (table->model()->index(row, 0).data().toString() == key)
            return row;
    }
    return -1;
}

qint64 drawnCalls(const ChartView* chart)
{
    qint64 calls = 0;
    for (const auto& series : chart->data().series) {
        calls += series.points.size();
        for (const auto& bucket : series.buckets)
            calls += bucket.count;
    }
    return calls;
}

QString digits(QString text)
{
    return text.remove(QLocale().groupSeparator()).remove(u',');
}

// Clicks the row of `key`; returns the milliseconds until the chart and the statistics show `expectedCalls`.
double clickAndWait(MainWindow& window, const QString& key, qint64 expectedCalls)
{
    QTableView* table = window.functions()->table();
    const int row = rowOf(table, key);
    if (row < 0)
        return -1;
    const QString expected = QString::number(expectedCalls);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(row, 0)).center());
    const double ms = waitFor(
        [&] {
            return drawnCalls(window.chart()) == expectedCalls
                && digits(window.stats()->figureText(StatsPanel::Count)) == expected;
        },
        60000);
    if (ms < 0) {
        std::fprintf(stderr, "%s: the chart drew %lld calls and the statistics say %s, not %lld\n", qPrintable(key),
            drawnCalls(window.chart()), qPrintable(window.stats()->figureText(StatsPanel::Count)), expectedCalls);
        // What the chart holds, to tell a range cut short from buckets that lost calls (a miss of 13 of 1M calls
        // while retention ran, 2026-12-07, not reproduced by the reader alone).
        const ChartData& data = window.chart()->data();
        std::fprintf(stderr, "chart range %.3f to %.3f\n", data.from, data.to);
        for (const auto& series : data.series) {
            std::fprintf(stderr, "series %s: bucketed %d, origin %.3f, step %.3f, %lld points, %lld buckets\n",
                qPrintable(series.id.key), int(series.bucketed), series.origin, series.step,
                qint64(series.points.size()), qint64(series.buckets.size()));
            if (!series.buckets.isEmpty())
                std::fprintf(stderr, "first bucket %.3f (%lld calls), last %.3f (%lld calls)\n",
                    series.buckets.first().start, series.buckets.first().count, series.buckets.last().start,
                    series.buckets.last().count);
        }
    }
    return ms;
}

// Issue 5's targets on the 10M database; issue 18's on the 100M-call year (--history): the functions table over
// "All" within 100 ms and selecting the 10M-call function within 150 ms, answered from summaries.
struct UiTargets
{
    double allKeys = 5000; // no target on the 10M database: reported for context
    double select = 300;
};
constexpr UiTargets HistoryTargets { 100, 150 };

void selectKey(MainWindow& window, const QString& key, const QHash<QString, qint64>& counts, const UiTargets& targets)
{
    QTableView* table = window.functions()->table();
    waitFor([&] { return rowOf(table, key) >= 0; }, 60000);
    // The window selects a key by itself at start; from another key, the click below is a real change.
    QString other;
    for (int row = 0; row < table->model()->rowCount() && other.isEmpty(); ++row) {
        const QString candidate = table->model()->index(row, 0).data().toString();
        if (candidate != key && counts.contains(candidate))
            other = candidate;
    }
    if (other.isEmpty() || clickAndWait(window, other, counts.value(other)) < 0) {
        report("select key to chart and statistics", -1, targets.select,
            QStringLiteral("could not select another key first"));
        return;
    }
    const double ms = clickAndWait(window, key, counts.value(key));
    report("select key to chart and statistics", ms, targets.select,
        QStringLiteral("%1 calls, range All").arg(counts.value(key)));
}

// What the composition root hands the window for a local collector (as the UI tests' fixture does).
ViewerServices servicesFor(
    const std::shared_ptr<SqliteStore>& store, const Collector& collector, CollectorFeed& feed, LocalStatus& status)
{
    ViewerServices services;
    services.store = store;
    services.udp = UdpEndpoint { collector.udpAddress(), collector.udpPort() };
    services.feed = &feed;
    services.status = &status;
    return services;
}

void startupAndSelect(const QString& db, const QString& key, const UiTargets& targets)
{
    auto store = std::make_shared<SqliteStore>(db);
    if (auto status = store->open(); !status) {
        std::fprintf(stderr, "%s\n", qPrintable(status.error()));
        return;
    }
    Collector::Options options;
    options.udp.port = 0;
    Collector collector(store, options);
    collector.start();
    CollectorFeed feed(&collector);
    LocalStatus status(&collector, store);
    MainWindow window;
    window.attach(servicesFor(store, collector, feed, status));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000))
        std::fprintf(stderr, "the window was never exposed\n");
    report(
        "window visible at start", g_sinceStart.nsecsElapsed() / 1e6, 1000, QStringLiteral("from main() to exposed"));
    const double keys = waitFor([&] { return window.functions()->table()->model()->rowCount() > 0; }, 60000);
    report("functions table filled at start", g_sinceStart.nsecsElapsed() / 1e6 - (keys < 0 ? 0 : 0), 5000,
        QStringLiteral("from main(); no target in the issue, reported for context"));

    // The user picks "All" and the functions table recomputes its mean and p95 over every call (a scan of the
    // whole database, on its own thread); the key is selected once the table shows the new range.
    auto* keyList = window.findChild<KeyListUpdater*>();
    bool keysLoaded = false;
    QObject::connect(keyList, &KeyListUpdater::loaded, &window, [&keysLoaded] { keysLoaded = true; });
    window.timeRange()->setLive(false);
    window.timeRange()->setPreset(TimeRangeController::Preset::All);
    const double allKeys = waitFor([&] { return keysLoaded; }, 120000);
    report("functions table over range All", allKeys, targets.allKeys,
        targets.allKeys < 5000 ? QStringLiteral("mean and p95 of every key over the whole year")
                               : QStringLiteral("mean and p95 of every key over all 10M calls; no target in the issue, "
                                                "for context"));
    auto query = store->createReader();
    QHash<QString, qint64> counts; // of every key, all tokens together, as the chart and statistics show them
    if (auto series = query->listSeries(std::nullopt)) {
        for (const auto& info : *series)
            counts[info.id.key] += info.count;
    }
    selectKey(window, key, counts, targets);
    collector.stop();
}

void liveStall(const QString& loadgen, int rate, int seconds)
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("live.sqlite")));
    store->open();
    Collector::Options options;
    options.udp.port = 0;
    Collector collector(store, options);
    collector.start();
    CollectorFeed feed(&collector);
    LocalStatus status(&collector, store);
    MainWindow window;
    window.attach(servicesFor(store, collector, feed, status));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000))
        std::fprintf(stderr, "the window was never exposed\n");
    window.timeRange()->setPreset(TimeRangeController::Preset::Last5Minutes);
    window.timeRange()->setLive(true);

    QProcess sender;
    sender.start(loadgen,
        { QStringLiteral("--port"), QString::number(collector.udpPort()), QStringLiteral("--rate"),
            QString::number(rate), QStringLiteral("--duration"), QString::number(seconds), QStringLiteral("--series"),
            QStringLiteral("100") });
    // Follow the busiest key once it shows up, as a user watching live would.
    const QString key = QStringLiteral("/srv/app/shop/views.py-fetch_latest_0");
    waitFor([&] { return rowOf(window.functions()->table(), key) >= 0; }, 15000);
    if (const int row = rowOf(window.functions()->table(), key); row >= 0) {
        auto* table = window.functions()->table();
        QTest::mouseClick(
            table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(row, 0)).center());
    }

    QElapsedTimer probe;
    probe.start();
    qint64 last = 0;
    qint64 longest = 0;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, &window, [&] {
        const qint64 now = probe.nsecsElapsed();
        longest = std::max(longest, now - last - 10 * 1000000LL);
        last = now;
    });
    timer.start(10);
    last = probe.nsecsElapsed();
    waitFor([&] { return sender.state() == QProcess::NotRunning; }, (seconds + 30) * 1000);
    timer.stop();
    const auto counters = collector.counters()->snapshot();
    collector.stop();
    if (auto* tracing = static_cast<TracingApplication*>(QCoreApplication::instance()); tracing->tracing)
        tracing->printPaintTimes();
    report("longest event-loop stall while live", longest / 1e6, 50,
        QStringLiteral("%1/s for %2 s; %3 stored, %4 kernel drops; shown: %5 calls")
            .arg(rate)
            .arg(seconds)
            .arg(counters.stored)
            .arg(counters.kernelDrops)
            .arg(window.stats()->figureText(StatsPanel::Count)));
}

} // namespace

int main(int argc, char** argv)
{
    g_sinceStart.start();
    TracingApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("kodemon-uibench")); // keep the user's settings apart
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({ { QStringLiteral("db"), QStringLiteral("Database from kodemon-gendb."),
                            QStringLiteral("path") },
        { QStringLiteral("key"), QStringLiteral("Key to select."), QStringLiteral("key"),
            QStringLiteral("/srv/app/shop/module0.py-function_0") },
        { QStringLiteral("loadgen"), QStringLiteral("kodemon-loadgen binary."), QStringLiteral("path") },
        { QStringLiteral("rate"), QStringLiteral("Live ingest rate."), QStringLiteral("n"), QStringLiteral("100000") },
        { QStringLiteral("seconds"), QStringLiteral("Live ingest duration."), QStringLiteral("n"),
            QStringLiteral("20") },
        { QStringLiteral("trace-stalls"),
            QStringLiteral("Print every event handled for over 20 ms with what it painted, and paint times while live "
                           "(stderr).") },
        { QStringLiteral("history"), QStringLiteral("The database is the 100M-call year: judge by its targets.") } });
    parser.process(app);
    app.tracing = parser.isSet(QStringLiteral("trace-stalls"));
    if (parser.isSet(QStringLiteral("db")))
        startupAndSelect(parser.value(QStringLiteral("db")), parser.value(QStringLiteral("key")),
            parser.isSet(QStringLiteral("history")) ? HistoryTargets : UiTargets {});
    if (parser.isSet(QStringLiteral("loadgen")))
        liveStall(parser.value(QStringLiteral("loadgen")), parser.value(QStringLiteral("rate")).toInt(),
            parser.value(QStringLiteral("seconds")).toInt());
    return 0;
}
