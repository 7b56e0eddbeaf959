// SPDX-License-Identifier: MIT
// libFuzzer target: the byte-by-byte request size checker that sees every byte a client sends. Inputs whose first
// byte is odd are checked as the OTLP receiver checks them (chunked bodies followed, not refused); either way the
// verdict must not depend on how the bytes are split into reads.
#include "http/requestlimiter.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    RequestLimits limits; // small, so that the fuzzer reaches every verdict quickly
    limits.maxRequestLine = 256;
    limits.maxHeaderBytes = 512;
    limits.maxBodyBytes = 256;
    limits.allowChunked = size > 0 && (data[0] & 1);
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
    RequestLimiter whole(limits);
    if (whole.feed(QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size))) != limiter.verdict()
        || whole.completedHeads() != limiter.completedHeads())
        std::abort();
    return 0;
}
