// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"

#include <array>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QList>
#include <QString>

namespace Kodemon {

// Why a span did not become a call. Names are stable: they appear in /api/status, /metrics and partialSuccess.
enum class OtlpSpanReject {
    MissingName, // an empty span name: there is no key to store it under
    BadName, // longer than 1,024 bytes of UTF-8
    BadTime, // no start time, or an end before the start
    Count
};
inline constexpr int OtlpSpanRejectCount = static_cast<int>(OtlpSpanReject::Count);
QLatin1StringView otlpSpanRejectName(OtlpSpanReject reason);

// The calls of one ExportTraceServiceRequest, and the spans refused (for partialSuccess).
struct OtlpCalls
{
    QList<Sample> samples;
    std::array<qint64, OtlpSpanRejectCount> rejected {};
    QString firstRejection; // why the first refused span was refused, for error_message

    qint64 rejectedTotal() const;
};

// How a span becomes a call (docs/API.md "OTLP/HTTP"):
// - key: the span name; token: the resource's service.name (empty without one), the project a trace belongs to;
// - execution time: end - start in milliseconds; timestamp: the start, in epoch seconds;
// - extra: the attributes of the resource (but service.name), the scope (with otel.scope.name and
//   otel.scope.version) and the span, the span's winning; scalars stay scalars (tags), arrays and key-value lists
//   become JSON arrays and objects, bytes base64 text;
// - status ERROR: an "error" member, the status message or true without one (a failed call).
// Both decoders refuse a body they cannot read as a whole (a 400 answer, with the reason); a span that cannot be
// a call is refused alone.
Result<OtlpCalls> decodeOtlpProtobuf(QByteArrayView body);
// OTLP/JSON: protobuf's JSON mapping with lowerCamelCase names only, 64-bit integers as strings or numbers,
// enums as integers; unknown members are ignored. Nesting deeper than 64 levels is refused.
Result<OtlpCalls> decodeOtlpJson(QByteArrayView body);

} // namespace Kodemon
