// SPDX-License-Identifier: MIT
// libFuzzer target: the byte-by-byte request size checker that sees every byte a client sends.
#include "http/requestlimiter.h"

#include <algorithm>
#include <cstdint>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    RequestLimits limits; // small, so that the fuzzer reaches every verdict quickly
    limits.maxRequestLine = 256;
    limits.maxHeaderBytes = 512;
    limits.maxBodyBytes = 256;
    RequestLimiter limiter(limits);
    // Feed in uneven pieces, as sockets deliver them.
    size_t offset = 0;
    size_t piece = 1;
    while (offset < size) {
        const size_t length = std::min(piece, size - offset);
        limiter.feed(QByteArrayView(reinterpret_cast<const char*>(data) + offset, qsizetype(length)));
        offset += length;
        piece = piece * 3 % 17 + 1;
    }
    return 0;
}
