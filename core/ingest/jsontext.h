// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Kodemon::JsonText {

// JSON strings as a datagram writes them, shared by the fast parser and its StringCache.

// What a byte inside a JSON string asks of the scanner; the common case (Plain) costs one table look-up.
enum ByteClass : unsigned char { Plain, Quote, Backslash, Control, NonAscii };

constexpr std::array<ByteClass, 256> makeByteClasses()
{
    std::array<ByteClass, 256> classes {};
    for (int c = 0; c < 256; ++c)
        classes[c] = c < 0x20 ? Control : c >= 0x80 ? NonAscii : c == '"' ? Quote : c == '\\' ? Backslash : Plain;
    return classes;
}
inline constexpr auto ByteClasses = makeByteClasses();

inline ByteClass classOf(char c)
{
    return ByteClasses[static_cast<unsigned char>(c)];
}

// A JSON string as written: the text between the quotes and what it holds besides printable ASCII.
struct RawString
{
    QByteArrayView text;
    bool escaped = false;
    bool plain = true; // printable ASCII only: its Latin-1 reading is the string
};

// A decoded string and the size of its UTF-8, which MaxKeyBytes limits.
struct Text
{
    QString string;
    qsizetype utf8Bytes = 0;
};

// What the raw text holds: escapes, and anything besides printable ASCII.
RawString rawString(QByteArrayView text);
// The string a raw text stands for; nothing for invalid UTF-8, lone surrogates or bad escapes.
std::optional<Text> decodeString(const RawString& raw);
// The compact JSON of the extra members, exactly as the full parser writes it: QJsonDocument's own serialisation.
QByteArray normalisedExtra(QByteArrayView members);

} // namespace Kodemon::JsonText
