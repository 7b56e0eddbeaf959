// SPDX-License-Identifier: MIT
// kodemon-parserbench: nanoseconds per datagram of the receiver's parser alone (parseDatagram with the receiver's
// cache), for the shapes the decorator sends. The datagrams are made up front, as kodemon-loadgen makes them.
#include "datagramshapes.h"
#include "ingest/datagram.h"
#include "ingest/fastdatagram.h"
#include "ingest/stringcache.h"

#include <algorithm>
#include <cstdio>
#include <QCoreApplication>
#include <QStringList>

using namespace Kodemon;

namespace {

constexpr int Datagrams = 50000;
constexpr int Passes = 25;

// The best of several passes over all datagrams, with one cache kept across passes as the receiver keeps it.
double nanosecondsPerDatagram(const QList<QByteArray>& datagrams, qint64& samples)
{
    StringCache cache;
    double best = 1e18;
    for (int pass = 0; pass < Passes; ++pass) {
        samples = 0;
        const qint64 start = Bench::threadNanoseconds();
        for (const auto& datagram : datagrams)
            samples += parseDatagram(datagram, &cache).samples.size();
        best = std::min(best, double(Bench::threadNanoseconds() - start) / double(datagrams.size()));
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList shapes = app.arguments().mid(1);
    if (shapes.isEmpty())
        shapes = Bench::datagramShapes();
    for (const auto& shape : std::as_const(shapes)) {
        const auto datagrams = Bench::makeDatagrams(shape, Datagrams);
        qint64 samples = 0;
        const double ns = nanosecondsPerDatagram(datagrams, samples);
        std::printf("{\"shape\": \"%s\", \"ns_per_datagram\": %.1f, \"datagrams\": %lld, \"samples\": %lld, "
                    "\"bytes\": %lld}\n",
            qPrintable(shape), ns, qint64(datagrams.size()), samples, qint64(datagrams.first().size()));
    }
    return 0;
}
