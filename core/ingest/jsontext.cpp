// SPDX-License-Identifier: MIT
#include "ingest/jsontext.h"

#include "base/jsonscanner.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace Kodemon::JsonText {

RawString rawString(QByteArrayView text)
{
    RawString raw { text, false, true };
    for (const char c : text) {
        const ByteClass byteClass = classOf(c);
        raw.escaped = raw.escaped || byteClass == Backslash;
        raw.plain = raw.plain && byteClass == Plain;
    }
    return raw;
}

std::optional<Text> decodeString(const RawString& raw)
{
    if (raw.plain)
        return Text { QString::fromLatin1(raw.text), raw.text.size() };
    auto utf8 = decodeJsonString(raw.text);
    if (!utf8)
        return std::nullopt;
    return Text { QString::fromUtf8(QByteArrayView(*utf8)), utf8->size() };
}

QByteArray normalisedExtra(QByteArrayView members)
{
    QByteArray object;
    object.reserve(members.size() + 2);
    object.append('{').append(members).append('}');
    QJsonParseError error {};
    const auto document = QJsonDocument::fromJson(object, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    return document.toJson(QJsonDocument::Compact);
}

} // namespace Kodemon::JsonText
