// SPDX-License-Identifier: MIT
#pragma once

#include "types.h"

#include <optional>
#include <QByteArrayView>
#include <QHash>

namespace Kodemon {

// Remembers what the decorator's datagrams repeat, keyed by their raw bytes: one QString per distinct key or token
// (decoded once, then shared by every sample), and the compact JSON of each distinct set of extra members (kwargs are
// constant per call site). Bounded: a flood of distinct values only empties it now and then.
class StringCache final
{
public:
    struct Text
    {
        QString string;
        qsizetype utf8Bytes = 0; // of the decoded string, which MaxKeyBytes limits
    };

    // The string that a JSON string's raw text (between the quotes, escapes as written) stands for; nullptr when
    // the fast path does not decode such text (see parseSimpleObject). Valid until the next call.
    const Text* text(QByteArrayView raw);
    // The compact JSON object (as QJsonDocument writes it) of raw `"name": value` members separated by commas;
    // a null QByteArray when they are not valid JSON.
    QByteArray extra(QByteArrayView members);

private:
    static constexpr qsizetype MaxTexts = 65536;
    // Tokens have no length limit: the bytes are bounded too.
    static constexpr qsizetype MaxTextBytes = qsizetype(16) * 1024 * 1024;
    static constexpr qsizetype MaxExtras = 4096;
    static constexpr qsizetype MaxCachedExtraBytes = 1024; // longer kwargs are normalised each time, not kept

    QHash<QByteArray, Text> m_texts;
    qsizetype m_textBytes = 0; // of the raw texts kept as keys
    QHash<QByteArray, QByteArray> m_extras;
};

// The hot path, for every object of the decorator's format: key, execution_time, timestamp, optionally token, and
// any other members (kwargs) of any JSON value, spaced or compact, with escapes and UTF-8 in strings.
// Returns the sample only when it is valid and byte for byte what the full parser would make of it; anything it is
// not sure about (invalid UTF-8, lone surrogates, duplicate members, escaped member names, nesting deeper than
// MaxNesting, numbers it cannot read exactly, errors) returns nullopt and goes to the full parser.
std::optional<Sample> parseSimpleObject(QByteArrayView text, StringCache* strings = nullptr);
bool parseSimpleObject(QByteArrayView text, Sample& sample, StringCache* strings);

} // namespace Kodemon
