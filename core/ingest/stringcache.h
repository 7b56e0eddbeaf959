// SPDX-License-Identifier: MIT
#pragma once

#include "ingest/jsontext.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>

namespace Kodemon {

// Remembers what the decorator's datagrams repeat, keyed by their raw bytes: one QString per distinct key or token
// (decoded once, then shared by every sample), and the compact JSON of each distinct set of extra members (kwargs are
// constant per call site). Bounded: a flood of distinct values only empties it now and then.
class StringCache final
{
public:
    using Text = JsonText::Text;

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

} // namespace Kodemon
