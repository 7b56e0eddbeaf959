// SPDX-License-Identifier: MIT
// kodemon-alertbench: what evaluating alert rules costs. Fills an SQLite file with the last minutes of calls of
// many functions (as a busy collector leaves it), then lets the real AlertEngine evaluate one rule per function
// on its own thread while a writer keeps storing calls at the same rate, and prints the engine thread's CPU time
// per evaluation and as a share of one core at the evaluation interval. Prints JSON lines for bench/run.py.
#include "alerts/alertengine.h"
#include "alerts/rulesfile.h"
#include "base/workerthread.h"
#include "sqlite/sqlitestore.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QThread>
#include <random>
#include <thread>

using namespace Kodemon;

namespace {

struct Options
{
    int functions = 1000;
    int rules = 1000;
    double rate = 10; // calls per second and function
    double history = 330; // seconds of calls before the first evaluation
    QString window = QStringLiteral("5m");
    double interval = 5;
    int evaluations = 12;
};

QString key(int function)
{
    return QStringLiteral("/srv/app/service%1/views.py-handler_%2").arg(function % 20).arg(function);
}

double threadCpuSeconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// The calls of second `t` of every function: lognormal around 20 ms, 2% failed.
QList<Sample> callsAt(double t, const Options& options, std::mt19937_64& random)
{
    std::lognormal_distribution<double> ms(std::log(20.0), 0.5);
    QList<Sample> calls;
    const int perFunction = int(options.rate);
    for (int f = 0; f < options.functions; ++f) {
        for (int i = 0; i < perFunction; ++i) {
            const bool failed = random() % 50 == 0;
            calls.append({ QStringLiteral("bench"), key(f), std::floor(t), std::round(ms(random) * 1000) / 1000,
                qint64(t), failed ? QByteArrayLiteral("{\"error\":\"TimeoutError\"}") : QByteArray() });
        }
    }
    return calls;
}

// One rule per function, cycling through every kind of condition the rules file offers.
QString rulesText(const Options& options)
{
    static const char* const Conditions[] = { "p95 > 50 ms", "p99 > 120 ms", "mean > 40 ms", "error rate > 5%",
        "calls per minute < 100", "no calls", "max > 2 s", "p50 > 30 ms", "p90 > 45 ms", "p95 30% above baseline" };
    QString text = QStringLiteral("interval = %1s\n").arg(options.interval);
    for (int r = 0; r < options.rules; ++r) {
        const char* condition = Conditions[r % 10];
        text += QStringLiteral("\n[rule %1]\nfunction = %2\ntoken = bench\nwhen = %3\nwindow = %4\nfor = 30s\n")
                    .arg(r)
                    .arg(key(r % options.functions), QLatin1String(condition), options.window);
        if (r % 10 == 9)
            text += QStringLiteral("baseline = previous\n");
    }
    return text;
}

Options parse(const QCoreApplication& app)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("functions"), QStringLiteral("Functions (default 1000)."), QStringLiteral("n"), QStringLiteral("1000") });
    parser.addOption({ QStringLiteral("rules"), QStringLiteral("Rules, one per function (default 1000)."), QStringLiteral("n"), QStringLiteral("1000") });
    parser.addOption({ QStringLiteral("rate"), QStringLiteral("Calls per second and function (default 10)."), QStringLiteral("n"), QStringLiteral("10") });
    parser.addOption({ QStringLiteral("window"), QStringLiteral("The rules' window (default 5m)."), QStringLiteral("duration"), QStringLiteral("5m") });
    parser.addOption({ QStringLiteral("evaluations"), QStringLiteral("Evaluations measured (default 12)."), QStringLiteral("n"), QStringLiteral("12") });
    parser.process(app);
    Options options;
    options.functions = parser.value(QStringLiteral("functions")).toInt();
    options.rules = parser.value(QStringLiteral("rules")).toInt();
    options.rate = parser.value(QStringLiteral("rate")).toDouble();
    options.window = parser.value(QStringLiteral("window"));
    options.evaluations = parser.value(QStringLiteral("evaluations")).toInt();
    options.history = std::max(60.0, *parseRuleDuration(options.window) + 30);
    return options;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const Options options = parse(app);
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("alerts.sqlite")));
    if (!store->open()) {
        std::fputs("cannot open the database\n", stderr);
        return 1;
    }
    std::mt19937_64 random(7);
    const double start = std::floor(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
    {
        QElapsedTimer filling;
        filling.start();
        auto writer = store->createWriter();
        qint64 calls = 0;
        for (double t = start - options.history; t <= start; t += 1) {
            const auto batch = callsAt(t, options, random);
            calls += batch.size();
            if (!writer->write(batch)) {
                std::fputs("cannot store calls\n", stderr);
                return 1;
            }
        }
        std::printf("{\"alertbench\":\"fill\",\"calls\":%lld,\"seconds\":%.1f}\n", calls, double(filling.elapsed()) / 1000);
        std::fflush(stdout);
    }

    // The collector keeps storing at the same rate, 10 commits a second, while the rules are evaluated.
    std::atomic<bool> stop { false };
    std::thread writer([&] {
        auto storeWriter = store->createWriter();
        std::mt19937_64 own(11);
        double next = start + 1;
        while (!stop) {
            const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
            if (now < next) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            storeWriter->write(callsAt(next, options, own));
            next += 1;
        }
    });

    // The engine as Kodemon runs it: on its own thread, evaluating on its own timer. Its thread's CPU time over
    // whole intervals is what the rules cost, everything included (queries, matching, snapshots, history).
    AlertEngine::Options engineOptions;
    engineOptions.rules = *RulesDocument::parse(rulesText(options));
    auto thread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-alerts"));
    AlertEngine* engine = thread->adopt(new AlertEngine(store, engineOptions));
    QMutex mutex;
    QList<double> wall; // each evaluation's own measure (AlertSnapshot::evaluationMs)
    int firing = 0;
    QObject::connect(
        engine, &AlertEngine::evaluated, engine,
        [&](const AlertSnapshot& snapshot) {
            QMutexLocker lock(&mutex);
            wall.append(snapshot.evaluationMs);
            firing = 0;
            for (const auto& rule : snapshot.rules)
                firing += rule.state() == AlertState::Firing || rule.state() == AlertState::Pending ? 1 : 0;
        },
        Qt::DirectConnection);
    const auto engineCpu = [&] {
        double seconds = 0;
        QMetaObject::invokeMethod(engine, [&] { seconds = threadCpuSeconds(); }, Qt::BlockingQueuedConnection);
        return seconds;
    };
    QElapsedTimer first;
    first.start();
    QMetaObject::invokeMethod(engine, &AlertEngine::start, Qt::BlockingQueuedConnection);
    std::printf("{\"alertbench\":\"first evaluation\",\"wall_ms\":%.1f,\"note\":\"also matches every rule to the "
                "functions\"}\n",
        double(first.nsecsElapsed()) / 1e6);
    std::fflush(stdout);
    const double cpuBefore = engineCpu();
    QElapsedTimer measured;
    measured.start();
    QThread::msleep(qint64(options.evaluations * options.interval * 1000));
    const double cpuSeconds = engineCpu() - cpuBefore;
    const double seconds = double(measured.elapsed()) / 1000;
    thread.reset(); // deletes the engine on its thread (its database connections belong to it)
    stop = true;
    writer.join();

    QList<double> evaluations;
    {
        QMutexLocker lock(&mutex);
        evaluations = wall.mid(1); // the first one also matched the rules: reported above
    }
    std::sort(evaluations.begin(), evaluations.end());
    const double share = 100 * cpuSeconds / seconds;
    const double perEvaluation = 1000 * cpuSeconds / std::max<qsizetype>(1, evaluations.size());
    std::printf("{\"alertbench\":\"evaluation\",\"rules\":%d,\"functions\":%d,\"calls_per_second\":%.0f,"
                "\"window\":\"%s\",\"calls_per_window\":%.0f,\"interval_s\":%.1f,\"seconds\":%.1f,"
                "\"evaluations\":%lld,\"cpu_ms_per_evaluation\":%.1f,\"evaluation_ms_median\":%.1f,"
                "\"evaluation_ms_max\":%.1f,\"core_percent\":%.2f,\"target_percent\":5,"
                "\"alerts_pending_or_firing\":%d,\"verdict\":\"%s\"}\n",
        options.rules, options.functions, options.rate * options.functions, qPrintable(options.window),
        options.rate * *parseRuleDuration(options.window), options.interval, seconds, qint64(evaluations.size()),
        perEvaluation, evaluations.isEmpty() ? 0.0 : evaluations[evaluations.size() / 2],
        evaluations.isEmpty() ? 0.0 : evaluations.last(), share, firing, share <= 5 ? "pass" : "FAIL");
    return 0;
}
