// SPDX-License-Identifier: MIT
// kodemon-uibench: the desktop viewer's figures (offscreen): window-visible time at start on a big database, time
// from selecting a key to a drawn chart and statistics, and the longest event-loop stall (a 10 ms QTimer probe)
// while live mode follows an ingest driven by kodemon-loadgen.
#include "chartview.h"
#include "collector.h"
#include "functionspanel.h"
#include "ingestcounters.h"
#include "mainwindow.h"
#include "sqlitestore.h"
#include "statspanel.h"
#include "timerangecontroller.h"

#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Kodemon;

namespace {

QElapsedTimer g_sinceStart;

void report(const char* name, double valueMs, double targetMs, const QString& note = {})
{
    std::printf("{\"ui\": \"%s\", \"ms\": %.1f, \"target_ms\": %.0f, \"verdict\": \"%s\"%s}\n", name, valueMs, targetMs,
        valueMs >= 0 && valueMs <= targetMs ? "pass" : "FAIL",
        note.isEmpty() ? "" : qPrintable(QStringLiteral(", \"note\": \"%1\"").arg(note)));
    std::fflush(stdout);
}

// Spins the event loop until `done` or the timeout; returns the elapsed milliseconds, or -1.
template<typename Predicate> double waitFor(Predicate done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
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

void selectKey(MainWindow& window, const QString& key, qint64 expectedCalls)
{
    QTableView* table = window.functions()->table();
    waitFor([&] { return rowOf(table, key) >= 0; }, 60000);
    const int row = rowOf(table, key);
    if (row < 0) {
        report("select key to chart and statistics", -1, 300, QStringLiteral("no row for the key"));
        return;
    }
    const QString expected = QString::number(expectedCalls);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(row, 0)).center());
    const double ms = waitFor(
        [&] {
            return drawnCalls(window.chart()) == expectedCalls
                && digits(window.stats()->figureText(StatsPanel::Count)) == expected;
        },
        60000);
    report("select key to chart and statistics", ms, 300, QStringLiteral("%1 calls, range All").arg(expectedCalls));
}

void startupAndSelect(const QString& db, const QString& key)
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
    MainWindow window;
    window.attach(ViewerServices { store, &collector, {}, {} });
    window.show();
    if (!QTest::qWaitForWindowExposed(&window, 10000))
        std::fprintf(stderr, "the window was never exposed\n");
    report(
        "window visible at start", g_sinceStart.nsecsElapsed() / 1e6, 1000, QStringLiteral("from main() to exposed"));
    const double keys = waitFor([&] { return window.functions()->table()->model()->rowCount() > 0; }, 60000);
    report("functions table filled at start", g_sinceStart.nsecsElapsed() / 1e6 - (keys < 0 ? 0 : 0), 5000,
        QStringLiteral("from main(); no target in the issue, reported for context"));

    window.timeRange()->setLive(false);
    window.timeRange()->setPreset(TimeRangeController::Preset::All);
    auto query = store->createReader();
    qint64 count = 0;
    if (auto series = query->listSeries(std::nullopt)) {
        for (const auto& info : *series) {
            if (info.id.key == key)
                count += info.count;
        }
    }
    selectKey(window, key, count);
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
    MainWindow window;
    window.attach(ViewerServices { store, &collector, {}, {} });
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
    QApplication app(argc, argv);
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
            QStringLiteral("20") } });
    parser.process(app);
    if (parser.isSet(QStringLiteral("db")))
        startupAndSelect(parser.value(QStringLiteral("db")), parser.value(QStringLiteral("key")));
    if (parser.isSet(QStringLiteral("loadgen")))
        liveStall(parser.value(QStringLiteral("loadgen")), parser.value(QStringLiteral("rate")).toInt(),
            parser.value(QStringLiteral("seconds")).toInt());
    return 0;
}
