// SPDX-License-Identifier: MIT
// kodemon-simdjsonbench: two readers of a datagram, on the shapes of kodemon-parserbench, in one run and
// alternating pass by pass: the receiver's hand-written fast path (parseSimpleObject) and a reader on Debian's
// simdjson (parseWithSimdjson, simdjsonreader.h), each with its own StringCache as the receiver keeps one. Both
// return only samples the full parser would make; the run counts the datagrams each took and where they differ.
#include "datagramshapes.h"
#include "simdjsonreader.h"
#include "ingest/datagram.h"
#include "ingest/fastdatagram.h"
#include "ingest/stringcache.h"
#include "randomdatagram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <QCoreApplication>
#include <simdjson.h>

using namespace Kodemon;

namespace {

constexpr int Datagrams = 50000;
constexpr int Passes = 25;

bool same(const Sample& a, const Sample& b)
{
    return a.key == b.key && a.token == b.token && a.executionTime == b.executionTime && a.timestamp == b.timestamp
        && a.extra == b.extra;
}

struct Figures
{
    double fastPathNs = 1e18;
    double simdjsonNs = 1e18;
    qint64 fastPathTook = 0;
    qint64 simdjsonTook = 0;
    qint64 disagreements = 0;
};

template<typename Read> double bestPass(double best, const QList<QByteArray>& datagrams, qint64& took, Read read)
{
    took = 0;
    const qint64 start = Bench::threadNanoseconds();
    for (const auto& datagram : datagrams) {
        Sample sample;
        took += read(datagram, sample) ? 1 : 0;
    }
    return std::min(best, double(Bench::threadNanoseconds() - start) / double(datagrams.size()));
}

Figures measure(const QList<QByteArray>& datagrams)
{
    Figures f;
    StringCache fastCache;
    StringCache simdjsonCache; // its own, so neither reader finds the other's work done
    for (int pass = 0; pass < Passes; ++pass) {
        f.fastPathNs = bestPass(f.fastPathNs, datagrams, f.fastPathTook,
            [&](const QByteArray& d, Sample& s) { return parseSimpleObject(d, s, &fastCache); });
        f.simdjsonNs = bestPass(f.simdjsonNs, datagrams, f.simdjsonTook,
            [&](const QByteArray& d, Sample& s) { return parseWithSimdjson(d, s, &simdjsonCache); });
    }
    for (const auto& datagram : datagrams) {
        Sample a, b;
        const bool fast = parseSimpleObject(datagram, a, nullptr);
        const bool simd = parseWithSimdjson(datagram, b, nullptr);
        f.disagreements += (fast && simd && !same(a, b)) ? 1 : 0;
    }
    return f;
}

// --check: the reader against the full parser on the random objects the fast path's test uses, five seeds.
// Returns the number of samples the reader took that the full parser refuses or reads otherwise.
qint64 check()
{
    qint64 wrong = 0;
    for (quint32 seed : { 2025u, 7u, 1413404125u, 99u, 31337u }) {
        Test::RandomDatagram generator(seed);
        StringCache cache;
        qint64 accepted = 0, taken = 0, differ = 0;
        for (int round = 0; round < 60000; ++round) {
            const QByteArray text = generator.next();
            const auto full = parseObjectFully(text.trimmed());
            accepted += std::holds_alternative<Sample>(full) ? 1 : 0;
            Sample plain, cached;
            const bool tookPlain = parseWithSimdjson(text, plain, nullptr);
            const bool tookCached = parseWithSimdjson(text, cached, &cache);
            if (tookPlain != tookCached) {
                ++differ;
                continue;
            }
            if (!tookPlain)
                continue;
            ++taken;
            const auto* sample = std::get_if<Sample>(&full);
            if (!sample || !same(plain, *sample) || !same(cached, *sample) || std::signbit(plain.executionTime)
                != std::signbit(sample->executionTime))
                ++differ;
        }
        std::printf("{\"seed\": %u, \"full_parser_accepted\": %lld, \"simdjson_took\": %lld, \"disagreements\": %lld}\n",
            seed, accepted, taken, differ);
        wrong += differ;
    }
    return wrong;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (app.arguments().contains(QStringLiteral("--check")))
        return check() == 0 ? 0 : 1;
    QStringList shapes = app.arguments().mid(1);
    if (shapes.isEmpty())
        shapes = Bench::datagramShapes();
    // The DOM parser picks its kernel at run time (icelake, haswell...); On-Demand would run the one chosen at
    // compile time, which for Debian's baseline x86-64 build is "fallback".
    std::printf("simdjson %d.%d.%d, DOM kernel %s\n", int(simdjson::SIMDJSON_VERSION_MAJOR),
        int(simdjson::SIMDJSON_VERSION_MINOR), int(simdjson::SIMDJSON_VERSION_REVISION),
        simdjson::get_active_implementation()->name().c_str());
    for (const auto& shape : std::as_const(shapes)) {
        const Figures f = measure(Bench::makeDatagrams(shape, Datagrams));
        std::printf("{\"shape\": \"%s\", \"fast_path_ns\": %.1f, \"simdjson_ns\": %.1f, \"ratio\": %.2f, "
                    "\"taken\": [%lld, %lld], \"disagreements\": %lld}\n",
            qPrintable(shape), f.fastPathNs, f.simdjsonNs, f.simdjsonNs / f.fastPathNs, f.fastPathTook,
            f.simdjsonTook, f.disagreements);
    }
    return 0;
}
