// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <optional>
#include <QByteArrayView>

namespace Kodemon {

class StringCache;

// The hot path, for every object of the decorator's format: key, execution_time, timestamp, optionally token, and
// any other members (kwargs) of any JSON value, spaced or compact, with escapes and UTF-8 in strings.
// Returns the sample only when it is valid and byte for byte what the full parser would make of it; anything it is
// not sure about (invalid UTF-8, lone surrogates, duplicate members, escaped member names, nesting deeper than
// MaxNesting, numbers it cannot read exactly, errors) returns nullopt and goes to the full parser.
std::optional<Sample> parseSimpleObject(QByteArrayView text, StringCache* strings = nullptr);
bool parseSimpleObject(QByteArrayView text, Sample& sample, StringCache* strings);

} // namespace Kodemon
