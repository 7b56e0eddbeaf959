// SPDX-License-Identifier: MIT
// libFuzzer target: the OTLP/HTTP protobuf decoder and gzip, whatever a client posts. Every call must be valid
// (fuzzotlpcheck.h); gzip never returns more than its limit.
#include "fuzzotlpcheck.h"
#include "otlp/gunzip.h"

#include <cstdint>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    checkOtlpCalls(decodeOtlpProtobuf(input));
    constexpr qint64 Limit = 1024 * 1024;
    const Gunzipped inflated = gunzip(input, Limit);
    if (inflated.outcome == Gunzipped::Outcome::Ok) {
        if (inflated.data.size() > Limit)
            std::abort();
        checkOtlpCalls(decodeOtlpProtobuf(inflated.data));
    } else if (inflated.error.isEmpty()) {
        std::abort();
    }
    return 0;
}
