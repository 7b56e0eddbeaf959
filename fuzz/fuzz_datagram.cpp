// SPDX-License-Identifier: MIT
// libFuzzer target: the datagram parser, whatever anyone on the network sends. Besides not crashing, the fast path
// and the full parser must agree: a sample the fast path accepts, with or without its cache, must be exactly what
// the full parser reads from the same object (key, token, both numbers to the bit, and the extra members' JSON).
#include "ingest/datagram.h"
#include "ingest/fastdatagram.h"
#include "ingest/stringcache.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace Kodemon;

namespace {

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

bool identical(const Sample& fast, const std::variant<Sample, Rejection>& full)
{
    const auto* sample = std::get_if<Sample>(&full);
    return sample && fast.key == sample->key && fast.token == sample->token
        && sameBits(fast.timestamp, sample->timestamp) && sameBits(fast.executionTime, sample->executionTime)
        && fast.extra == sample->extra && fast.extra.isNull() == sample->extra.isNull();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    StringCache strings;
    const auto parsed = parseDatagram(input, &strings);
    for (const auto& sample : parsed.samples) {
        if (sample.key.isEmpty() || !(sample.executionTime >= 0))
            std::abort(); // a sample that should have been rejected
    }
    // The cache now holds whatever parseDatagram left in it: the second look reads from it.
    const auto fast = parseSimpleObject(input);
    const auto cached = parseSimpleObject(input, &strings);
    if (fast.has_value() != cached.has_value())
        std::abort();
    if (fast) {
        const auto full = parseObjectFully(input.trimmed());
        if (!identical(*fast, full) || !identical(*cached, full))
            std::abort();
    }
    return 0;
}
