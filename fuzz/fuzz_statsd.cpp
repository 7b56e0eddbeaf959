// SPDX-License-Identifier: MIT
// libFuzzer target: the StatsD line parser, whatever anyone on the network sends. Besides not crashing: every call
// has a key of 1 to 1,024 bytes without the line syntax in it, a finite execution time >= 0, and extra fields that
// are a JSON object; each non-empty line is either counted as one kind or refused once; and the receiver's cache of
// names and sections (kept across inputs, as a receiver keeps it) changes nothing: the same calls, kinds and refusals.
#include "statsd/statsdline.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <QJsonDocument>

using namespace Kodemon;

namespace {

bool sameCalls(const StatsdParsed& a, const StatsdParsed& b)
{
    if (a.samples.size() != b.samples.size() || a.lines != b.lines || a.rejections.size() != b.rejections.size())
        return false;
    for (qsizetype i = 0; i < a.samples.size(); ++i) {
        const Sample& x = a.samples[i];
        const Sample& y = b.samples[i];
        if (x.key != y.key || x.token != y.token || x.executionTime != y.executionTime || x.timestamp != y.timestamp
            || x.extra != y.extra)
            return false;
    }
    for (qsizetype i = 0; i < a.rejections.size(); ++i) {
        if (a.rejections[i].reason != b.rejections[i].reason)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    StatsdParsed out;
    parseStatsdDatagram(input, { QStringLiteral("fuzz") }, 1795608000.0, out);
    for (const auto& sample : std::as_const(out.samples)) {
        const QByteArray key = sample.key.toUtf8();
        if (key.isEmpty() || key.size() > 1024 || key.contains('\n') || key.contains(':') || key.contains('|'))
            std::abort();
        if (!std::isfinite(sample.executionTime) || sample.executionTime < 0 || !std::isfinite(sample.timestamp))
            std::abort();
        if (!sample.extra.isEmpty() && !QJsonDocument::fromJson(sample.extra).isObject())
            std::abort();
    }
    qint64 counted = 0;
    for (const qint64 lines : out.lines)
        counted += lines;
    qint64 nonEmpty = 0;
    for (const auto& line : input.toByteArray().split('\n')) {
        if (!(line.endsWith('\r') ? line.chopped(1) : line).isEmpty())
            ++nonEmpty;
    }
    const bool blank = input.trimmed().isEmpty();
    if (!blank && counted + out.rejections.size() != nonEmpty)
        std::abort(); // a line neither counted nor refused, or both
    if (blank && out.rejections.size() != 1)
        std::abort();
    static StatsdNames names;
    for (int pass = 0; pass < 2; ++pass) { // the second pass finds every name and sections' text remembered
        StatsdParsed cached;
        parseStatsdDatagram(input, { QStringLiteral("fuzz") }, 1795608000.0, cached, &names);
        if (!sameCalls(out, cached))
            std::abort();
    }
    return 0;
}
