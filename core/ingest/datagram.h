// SPDX-License-Identifier: MIT
#pragma once

#include "base/rejectreason.h"
#include "base/types.h"

#include <array>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <variant>

namespace Kodemon {

inline constexpr qsizetype MaxDatagramBytes = 65507;
inline constexpr qsizetype MaxKeyBytes = 1024;
// Deeper than any decorator's keyword arguments go; Qt's parser would spend ~80 us refusing 3,000 levels.
inline constexpr int MaxNesting = 64;

struct Rejection
{
    RejectReason reason;
    QString detail; // what exactly was wrong, for the log
};

struct ParsedDatagram
{
    QList<Sample> samples;
    QList<Rejection> rejections;
};

class StringCache;

// Parses one datagram of the decorator's wire format: one JSON object, or several separated by newlines.
// Valid objects become samples (receivedAt is left to the caller); each invalid object is one rejection.
// With a cache, repeated keys and tokens share one QString.
ParsedDatagram parseDatagram(QByteArrayView datagram, StringCache* strings = nullptr);
// The same, appending to `out`: the receiver parses a whole read burst into one list.
void parseDatagram(QByteArrayView datagram, ParsedDatagram& out, StringCache* strings);

// One object through the full parser alone (QJsonDocument): what parseDatagram falls back to when the fast path
// steps aside, and the reference the fast path is tested against.
std::variant<Sample, Rejection> parseObjectFully(QByteArrayView object);

} // namespace Kodemon
