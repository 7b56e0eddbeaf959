// SPDX-License-Identifier: MIT
// libFuzzer target: the datagram parser, whatever anyone on the network sends. Besides not crashing, the fast path
// and the full parser must agree: a sample the fast path accepts must come out of parseDatagram unchanged.
#include "datagram.h"
#include "fastdatagram.h"

#include <cstdint>
#include <cstdlib>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    StringCache strings;
    const auto parsed = parseDatagram(input, &strings);
    for (const auto& sample : parsed.samples) {
        if (sample.key.isEmpty() || !(sample.executionTime >= 0))
            std::abort(); // a sample that should have been rejected
    }
    if (auto fast = parseSimpleObject(input)) {
        const auto full = parseDatagram(input);
        if (full.samples.size() != 1 || full.samples.first().key != fast->key
            || full.samples.first().executionTime != fast->executionTime
            || full.samples.first().timestamp != fast->timestamp || full.samples.first().token != fast->token)
            std::abort();
    }
    return 0;
}
