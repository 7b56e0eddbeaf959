// SPDX-License-Identifier: MIT
// kodemon-simdjsonbench: Debian's simdjson 3.0 (On-Demand) against Kodemon's own parser, on the datagram shapes of
// kodemon-parserbench, in one run. simdjson reads the four members into a Sample and hands the other members to the
// same StringCache::extra() the receiver uses for the compact JSON the store keeps; it is spared the rest of the
// rules (key length, UTF-8 of every string, one reason per rejection, several objects per datagram) and the
// interning of keys and tokens, so its figure is a lower bound for a full port.
#include "datagramshapes.h"
#include "ingest/datagram.h"
#include "ingest/stringcache.h"

#include <algorithm>
#include <cstdio>
#include <QCoreApplication>
#include <simdjson.h>
#include <vector>

using namespace Kodemon;

namespace {

constexpr int Datagrams = 50000;
constexpr int Passes = 25;

std::string_view rawValue(simdjson::ondemand::value value)
{
    std::string_view raw;
    simdjson::ondemand::json_type type;
    if (value.type().get(type))
        return {};
    if (type == simdjson::ondemand::json_type::object) {
        simdjson::ondemand::object object;
        if (value.get_object().get(object) || object.raw_json().get(raw))
            return {};
    } else if (type == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array array;
        if (value.get_array().get(array) || array.raw_json().get(raw))
            return {};
    } else {
        raw = value.raw_json_token();
    }
    return raw;
}

// One datagram (one object) into a Sample, or false; the other members become compact JSON through the cache.
bool readSample(simdjson::ondemand::parser& parser, const simdjson::padded_string& datagram, StringCache& cache,
    Sample& sample)
{
    simdjson::ondemand::document document;
    simdjson::ondemand::object object;
    if (parser.iterate(datagram).get(document) || document.get_object().get(object))
        return false;
    bool hasKey = false, hasTime = false, hasTimestamp = false;
    QByteArray extra;
    for (auto field : object) {
        std::string_view name;
        simdjson::ondemand::value value;
        if (field.unescaped_key().get(name) || field.value().get(value))
            return false;
        std::string_view text;
        if (name == "key") {
            if (value.get_string().get(text) || text.empty())
                return false;
            sample.key = QString::fromUtf8(text.data(), qsizetype(text.size()));
            hasKey = true;
        } else if (name == "execution_time") {
            if (value.get_double().get(sample.executionTime))
                return false;
            hasTime = true;
        } else if (name == "timestamp") {
            if (value.get_double().get(sample.timestamp))
                return false;
            hasTimestamp = true;
        } else if (name == "token") {
            if (value.get_string().get(text))
                return false;
            sample.token = QString::fromUtf8(text.data(), qsizetype(text.size()));
        } else {
            const std::string_view raw = rawValue(value);
            if (!extra.isEmpty())
                extra += ',';
            extra.append('"').append(name.data(), qsizetype(name.size())).append("\":");
            extra.append(raw.data(), qsizetype(raw.size()));
        }
    }
    if (!extra.isEmpty())
        sample.extra = cache.extra(extra);
    return hasKey && hasTime && hasTimestamp;
}

// How many of simdjson's samples differ from what the receiver's parser makes of the same datagrams.
qint64 disagreements(const QList<QByteArray>& datagrams, const QList<Sample>& simdjsonSamples)
{
    if (simdjsonSamples.size() != datagrams.size())
        return datagrams.size();
    qint64 differ = 0;
    for (qsizetype i = 0; i < datagrams.size(); ++i) {
        const auto parsed = parseDatagram(datagrams.at(i));
        const Sample& a = simdjsonSamples.at(i);
        if (parsed.samples.size() != 1)
            ++differ;
        else if (const Sample& b = parsed.samples.first(); a.key != b.key || a.token != b.token
                 || a.executionTime != b.executionTime || a.timestamp != b.timestamp || a.extra != b.extra)
            ++differ;
    }
    return differ;
}

struct Figures
{
    qint64 disagreements = 0; // samples the two parsers read differently (key, token, times, extra)
    double kodemonNs = 1e18;
    double simdjsonNs = 1e18;
    qint64 kodemonSamples = 0;
    qint64 simdjsonSamples = 0;
};

// The best of several passes for each, alternating, so that both see the same machine.
Figures measure(const QList<QByteArray>& datagrams)
{
    std::vector<simdjson::padded_string> padded; // the receiver's buffers could carry the padding for free
    padded.reserve(datagrams.size());
    for (const auto& datagram : datagrams)
        padded.emplace_back(datagram.constData(), size_t(datagram.size()));
    Figures figures;
    StringCache cache;
    StringCache simdjsonCache; // its own, so neither parser finds the other's work done
    simdjson::ondemand::parser parser;
    for (int pass = 0; pass < Passes; ++pass) {
        qint64 samples = 0;
        qint64 start = Bench::threadNanoseconds();
        for (const auto& datagram : datagrams)
            samples += parseDatagram(datagram, &cache).samples.size();
        figures.kodemonNs = std::min(figures.kodemonNs, double(Bench::threadNanoseconds() - start) / datagrams.size());
        figures.kodemonSamples = samples;
        samples = 0;
        start = Bench::threadNanoseconds();
        QList<Sample> out;
        out.reserve(datagrams.size());
        for (const auto& datagram : std::as_const(padded)) {
            Sample sample;
            if (readSample(parser, datagram, simdjsonCache, sample)) {
                out.append(std::move(sample));
                ++samples;
            }
        }
        figures.simdjsonNs = std::min(figures.simdjsonNs, double(Bench::threadNanoseconds() - start) / datagrams.size());
        figures.simdjsonSamples = samples;
        if (pass == 0)
            figures.disagreements = disagreements(datagrams, out);
    }
    return figures;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList shapes = app.arguments().mid(1);
    if (shapes.isEmpty())
        shapes = Bench::datagramShapes();
    std::printf("simdjson %d.%d.%d, implementation %s\n", int(simdjson::SIMDJSON_VERSION_MAJOR),
        int(simdjson::SIMDJSON_VERSION_MINOR), int(simdjson::SIMDJSON_VERSION_REVISION),
        simdjson::get_active_implementation()->name().c_str());
    for (const auto& shape : std::as_const(shapes)) {
        const Figures f = measure(Bench::makeDatagrams(shape, Datagrams));
        std::printf("{\"shape\": \"%s\", \"kodemon_ns\": %.1f, \"simdjson_lower_bound_ns\": %.1f, \"ratio\": %.2f, "
                    "\"samples\": [%lld, %lld], \"disagreements\": %lld}\n",
            qPrintable(shape), f.kodemonNs, f.simdjsonNs, f.simdjsonNs / f.kodemonNs, f.kodemonSamples,
            f.simdjsonSamples, f.disagreements);
    }
    return 0;
}
