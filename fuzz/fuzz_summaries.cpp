// SPDX-License-Identifier: MIT
// libFuzzer target: the stored summaries' bytes, which readers decode from every rollup and chunk row: a
// LatencySketch (latencysketch.h) and an hour of minute summaries (rollup.h). Properties: any bytes decode or
// are refused, never a crash; merging a sketch from its bytes (mergeEncoded, the readers' path) is merging the
// decoded sketch, and bytes that decode() refuses, or whose count is not the one asked, merge nothing; what
// decodes encodes back to bytes that decode to the same.
#include "base/latencysketch.h"
#include "sqlite/rollup.h"

#include <cstdint>
#include <cstdlib>

using namespace Kodemon;

namespace {

void checkSketch(QByteArrayView bytes)
{
    LatencySketch into;
    for (const double ms : { 0.0, 0.004, 1.5, 31.9, 2500.0 })
        into.add(ms);
    const LatencySketch before = into;
    const auto decoded = LatencySketch::decode(bytes);
    if (!decoded) {
        if (into.mergeEncoded(bytes, 0) || into.mergeEncoded(bytes, 1) || !(into == before))
            std::abort();
        return;
    }
    const auto again = LatencySketch::decode(decoded->encode());
    if (!again || !(*again == *decoded))
        std::abort();
    if (into.mergeEncoded(bytes, decoded->count() + 1) || !(into == before))
        std::abort();
    LatencySketch expected = into;
    expected.merge(*decoded);
    if (!into.mergeEncoded(bytes, decoded->count()) || !(into == expected) || into.count() != expected.count())
        std::abort();
}

void checkHour(QByteArrayView bytes)
{
    constexpr qint64 Start = 1796598000; // an hour's start
    const auto minutes = Rollup::decode(bytes, Start);
    if (!minutes || minutes->isEmpty())
        return;
    for (const auto& minute : *minutes) {
        if (minute.minute < Start || minute.minute >= Start + Rollup::Hour)
            return; // not an hour's row: decode() takes the caller's word for the start
    }
    const auto again = Rollup::decode(Rollup::encode(*minutes), Start);
    if (!again || again->size() != minutes->size())
        std::abort();
    for (qsizetype i = 0; i < minutes->size(); ++i) {
        if (again->at(i).minute != minutes->at(i).minute || again->at(i).summary.count != minutes->at(i).summary.count)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    checkSketch(bytes);
    checkHour(bytes);
    return 0;
}
