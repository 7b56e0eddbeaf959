// SPDX-License-Identifier: MIT
// kodemon-changebench: what looking for changes costs (issue 16): findChanges over every function of the benchmark
// database (1,000 functions, 30 days, 10M calls from kodemon-gendb) and the whole range, as GET /api/changes and
// the "What changed" view ask it. Prints one JSON line per run for bench/run.py: the total (median of the runs)
// against the 2 s target, the time per function, and how much of it was reading the calls.
#include "analysis/changedetector.h"
#include "analysis/changefinder.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

using namespace Kodemon;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
        { { QStringLiteral("db"), QStringLiteral("The database from kodemon-gendb."), QStringLiteral("path") },
            { QStringLiteral("repeats"), QStringLiteral("Runs (default 3)."), QStringLiteral("n"),
                QStringLiteral("3") },
            { QStringLiteral("print"), QStringLiteral("Also print every change found, one JSON line each.") } });
    parser.process(app);
    SqliteStore store(parser.value(QStringLiteral("db")));
    if (const auto opened = store.openShared(); !opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
        return 1;
    }
    Query query(store.createReader());
    const auto keys = query.keys();
    if (!keys || keys->isEmpty()) {
        std::fprintf(stderr, "no functions in the database\n");
        return 1;
    }
    double first = keys->first().first;
    double last = keys->first().last;
    for (const auto& info : *keys) {
        first = std::min(first, info.first);
        last = std::max(last, info.last);
    }
    ChangeRequest request;
    request.range = TimeRange { first, last };

    // Where the time goes: reading every function's calls, its failed calls, then the detection alone.
    QElapsedTimer timer;
    timer.start();
    QList<CallHistory> histories;
    for (const auto& info : *keys)
        histories.append({ query.values(SeriesSelector(info.id.key, info.id.token, request.range)).value(), {} });
    const double readSeconds = double(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    for (qsizetype i = 0; i < keys->size(); ++i) {
        const auto& info = keys->at(i);
        if (info.errors == 0)
            continue;
        const SeriesSelector failed(info.id.key, info.id.token, request.range, {}, CallOutcome::Failed);
        const auto calls = query.values(failed);
        for (const auto& call : calls.value())
            histories[i].failures.append(call.timestamp);
    }
    const double failuresSeconds = double(timer.nsecsElapsed()) / 1e9;
    timer.restart();
    qint64 detected = 0;
    for (const auto& history : std::as_const(histories))
        detected += detectChanges(history, request.range, request.options).size();
    const double detectSeconds = double(timer.nsecsElapsed()) / 1e9;
    histories.clear();

    QList<double> seconds;
    ChangeReport report;
    const int repeats = std::max(1, parser.value(QStringLiteral("repeats")).toInt());
    for (int i = 0; i < repeats; ++i) {
        timer.restart();
        auto found = findChanges(query, request);
        seconds.append(double(timer.nsecsElapsed()) / 1e9);
        if (!found) {
            std::fprintf(stderr, "%s\n", qPrintable(found.error()));
            return 1;
        }
        report = std::move(*found);
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds.at(seconds.size() / 2);
    std::printf("{\"query\": \"changes of every function\", \"functions\": %lld, \"calls\": %lld, \"days\": %.1f, "
                "\"seconds\": %.3f, \"min_seconds\": %.3f, \"ms_per_function\": %.3f, \"read_seconds\": %.3f, "
                "\"read_failed_seconds\": %.3f, \"detect_seconds\": %.3f, "
                "\"changes\": %lld, \"withheld\": %lld, \"target_seconds\": 2, \"verdict\": \"%s\"}\n",
        report.functions, report.calls, (last - first) / 86400, median, seconds.first(),
        1000 * median / double(std::max<qint64>(report.functions, 1)), readSeconds, failuresSeconds, detectSeconds,
        qint64(report.changes.size()), report.withheld, median <= 2 ? "pass" : "FAIL");
    Q_UNUSED(detected)
    if (parser.isSet(QStringLiteral("print"))) {
        for (const auto& change : std::as_const(report.changes))
            std::printf("{\"change\": \"%s\", \"metric\": \"%s\", \"change_pct\": %.1f, \"p_value\": %.3g, "
                        "\"before_calls\": %lld, \"after_calls\": %lld, \"day\": %.2f}\n",
                qPrintable(change.id.key), qPrintable(metricName(change.metric)), 100 * change.relativeChange,
                change.pValue, change.before.calls, change.after.calls, (change.time - first) / 86400);
    }
    return 0;
}
