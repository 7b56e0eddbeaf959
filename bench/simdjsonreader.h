// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QByteArrayView>

namespace Kodemon {

class StringCache;

// The candidate that kodemon-simdjsonbench measures against the receiver's fast path (parseSimpleObject): one
// object of the decorator's format read with simdjson (Debian's libsimdjson 3.0, its validating DOM parser).
// Returns true only when the sample is valid and what the full parser would make of it, checked against it over
// 300,000 random objects while it was written; whatever it is not sure of (batches, trailing text, duplicate
// members, non-ASCII names, double zeros, long mantissas and exponents, raw control characters, more than
// MaxNesting brackets, anything simdjson refuses) returns false, as the fast path does. Not used by Kodemon:
// it is slower than the fast path (docs/BENCHMARKS.md).
bool parseWithSimdjson(QByteArrayView text, Sample& sample, StringCache* strings);

} // namespace Kodemon
