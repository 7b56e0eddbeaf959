// SPDX-License-Identifier: MIT
#pragma once

#include "types.h"

#include <optional>
#include <QByteArrayView>
#include <QHash>

namespace Kodemon {

// Reuses one QString per distinct key or token, so that a million samples of a thousand functions hold a
// thousand strings, converted from UTF-8 once. Bounded: a flood of distinct keys only empties it.
class StringCache final
{
public:
    QString get(QByteArrayView utf8);

private:
    static constexpr qsizetype MaxEntries = 65536;
    QHash<QByteArray, QString> m_strings;
};

// The hot path for the shape the decorator sends without kwargs: one flat object whose members are exactly
// key, execution_time, timestamp and optionally token, with plain ASCII strings and JSON numbers.
// Returns the sample only when it is valid; anything else (extra members, escapes, non-ASCII, errors) returns
// nullopt and goes to the full parser, so both always agree.
std::optional<Sample> parseSimpleObject(QByteArrayView text, StringCache* strings = nullptr);

} // namespace Kodemon
