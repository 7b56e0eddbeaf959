// SPDX-License-Identifier: MIT
// kodemon-statsdbench: nanoseconds per datagram of the StatsD receiver's work in user space (parseStatsdDatagram with
// the receiver's name cache, into one list per burst of 512 as UdpReceiver::takeStatsd does), beside the decorator's
// parser on kodemon-loadgen's datagrams. The datagrams are made up front, as kodemon-loadgen makes them (1,000
// names sent in turn). The kernel's part (recvmmsg) and the writer's are not in it: bench/formatcpu.py measures those.
//
//     kodemon-statsdbench [timer|tagged|multi|decorator ...]
#include "datagramshapes.h"
#include "ingest/datagram.h"
#include "ingest/stringcache.h"
#include "statsd/statsdline.h"

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <QCoreApplication>
#include <QStringList>
#include <random>
#include <vector>

using namespace Kodemon;

namespace {

constexpr int Datagrams = 51200;
constexpr int Passes = 25;
constexpr int Burst = 512; // UdpReceiver::Options::burstSize
constexpr int Names = 1000; // kodemon-loadgen's --series

// The names kodemon-loadgen makes (makeKeys), so that hashing and comparing them costs what it costs there.
QList<QByteArray> names()
{
    const char* packages[] = { "app", "core", "api", "jobs", "lib" };
    const char* modules[] = { "views", "models", "tasks", "utils", "handlers" };
    const char* functions[] = { "fetch", "store", "render", "parse", "send", "load" };
    QList<QByteArray> out;
    for (int i = 0; i < Names; ++i)
        out.append(QByteArray("/srv/") + packages[i % 5] + "/" + modules[(i / 5) % 5] + ".py-" + functions[(i / 25) % 6]
            + "_" + QByteArray::number(i));
    return out;
}

QList<QByteArray> makeDatagrams(const QString& shape)
{
    const auto keys = names();
    std::mt19937 random(7);
    std::lognormal_distribution<double> ms(2.0, 1.0);
    QList<QByteArray> out;
    for (int i = 0; i < Datagrams; ++i) {
        char number[64];
        std::snprintf(number, sizeof number, "%.6g", ms(random));
        const QByteArray& key = keys[i % Names];
        if (shape == QLatin1String("timer"))
            out.append(key + ':' + number + "|ms");
        else if (shape == QLatin1String("tagged"))
            out.append(key + ':' + number + "|ms|@0.5|#env:prod,region:eu-west-1,canary");
        else if (shape == QLatin1String("multi"))
            out.append(key + ':' + number + ':' + number + ':' + number + "|d");
    }
    return out;
}

// The best of several passes, with one cache kept across passes as the receiver keeps it. Each burst's list is kept
// until the pass is timed: the writer frees the samples, not the receiver.
double statsdNanoseconds(const QList<QByteArray>& datagrams, qint64& samples)
{
    StatsdNames cache;
    const StatsdOptions options { QStringLiteral("bench") };
    StatsdParsed parsed;
    double best = 1e18;
    for (int pass = 0; pass < Passes; ++pass) {
        std::vector<QList<Sample>> bursts;
        bursts.reserve(size_t(datagrams.size() / Burst + 1));
        samples = 0;
        qsizetype last = 0;
        const qint64 start = Bench::threadNanoseconds();
        for (qsizetype first = 0; first < datagrams.size(); first += Burst) {
            QList<Sample> burst;
            burst.reserve(std::min<qsizetype>(Burst, last + 64));
            for (qsizetype i = first, end = std::min<qsizetype>(first + Burst, datagrams.size()); i < end; ++i) {
                parsed.samples.swap(burst);
                parseStatsdDatagram(datagrams[i], options, 1795608000.0, parsed, &cache);
                parsed.samples.swap(burst);
                parsed.rejections.clear();
            }
            last = burst.size();
            samples += burst.size();
            bursts.push_back(std::move(burst));
        }
        best = std::min(best, double(Bench::threadNanoseconds() - start) / double(datagrams.size()));
    }
    return best;
}

double decoratorNanoseconds(const QList<QByteArray>& datagrams, qint64& samples)
{
    StringCache cache;
    double best = 1e18;
    for (int pass = 0; pass < Passes; ++pass) {
        std::vector<QList<Sample>> bursts;
        samples = 0;
        qsizetype last = 0;
        const qint64 start = Bench::threadNanoseconds();
        for (qsizetype first = 0; first < datagrams.size(); first += Burst) {
            ParsedDatagram burst;
            burst.samples.reserve(std::min<qsizetype>(Burst, last + 64));
            for (qsizetype i = first, end = std::min<qsizetype>(first + Burst, datagrams.size()); i < end; ++i)
                parseDatagram(datagrams[i], burst, &cache);
            last = burst.samples.size();
            samples += burst.samples.size();
            bursts.push_back(std::move(burst.samples));
        }
        best = std::min(best, double(Bench::threadNanoseconds() - start) / double(datagrams.size()));
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    // The heap keeps what a pass freed: otherwise each pass pays the kernel's page faults for its bursts again, which
    // measured more than the parsing (the first shape run paid ~3x what it paid when run after another).
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    QCoreApplication app(argc, argv);
    QStringList shapes = app.arguments().mid(1);
    if (shapes.isEmpty())
        shapes = { QStringLiteral("timer"), QStringLiteral("tagged"), QStringLiteral("multi"),
            QStringLiteral("decorator") };
    for (const auto& shape : std::as_const(shapes)) {
        const bool decorator = shape == QLatin1String("decorator");
        // The decorator's datagrams as kodemon-loadgen sends them: 10% with kwargs.
        const auto datagrams = decorator ? Bench::makeDatagrams(QStringLiteral("loadgen-mix"), Datagrams)
                                         : makeDatagrams(shape);
        qint64 samples = 0;
        const double ns = decorator ? decoratorNanoseconds(datagrams, samples) : statsdNanoseconds(datagrams, samples);
        std::printf("{\"shape\": \"%s\", \"ns_per_datagram\": %.1f, \"datagrams\": %lld, \"samples\": %lld, "
                    "\"bytes\": %lld}\n",
            qPrintable(shape), ns, qint64(datagrams.size()), samples, qint64(datagrams.first().size()));
    }
    return 0;
}
