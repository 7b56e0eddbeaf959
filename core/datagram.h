// SPDX-License-Identifier: MIT
#pragma once

#include "types.h"

#include <array>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <variant>

namespace Kodemon {

// Why an object (or a whole datagram) was not stored. Names are stable: they appear in the API and logs.
enum class RejectReason {
    Empty, // an empty datagram or line
    TooLarge, // larger than a UDP datagram can be
    NotJson,
    NotObject,
    MissingKey,
    BadKey, // not a string, empty, or longer than MaxKeyBytes
    MissingExecutionTime,
    BadExecutionTime, // not a finite number >= 0
    MissingTimestamp,
    BadTimestamp, // not a finite number
    BadToken, // present but not a string
    SourceNotAllowed, // the sender's address is outside the allowed ranges
    Count
};

inline constexpr int RejectReasonCount = static_cast<int>(RejectReason::Count);
inline constexpr qsizetype MaxDatagramBytes = 65507;
inline constexpr qsizetype MaxKeyBytes = 1024;
// Deeper than any decorator's keyword arguments go; Qt's parser would spend ~80 us refusing 3,000 levels.
inline constexpr int MaxNesting = 64;

QLatin1StringView rejectReasonName(RejectReason reason);

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
