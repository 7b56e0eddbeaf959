// SPDX-License-Identifier: MIT
// libFuzzer target: the OTLP/HTTP JSON decoder, whatever a client posts. Every call must be valid
// (fuzzotlpcheck.h), and deep or malformed JSON is refused with a reason, never a crash.
#include "fuzzotlpcheck.h"

#include <cstdint>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    checkOtlpCalls(decodeOtlpJson(QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size))));
    return 0;
}
