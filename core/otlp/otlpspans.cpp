// SPDX-License-Identifier: MIT
#include "otlp/otlpspans.h"

#include <otlptrace.pb.h>

#include <cmath>
#include <optional>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Kodemon {

namespace {

using namespace otlpwire;

constexpr qsizetype MaxNameBytes = 1024; // as the decorator's keys (ingest/datagram.h)
constexpr int MaxValueDepth = 64; // as the decorator's JSON; deeper values are cut to null
constexpr int StatusError = 2; // Status.StatusCode.STATUS_CODE_ERROR
const QString ServiceName = QStringLiteral("service.name");
const QString ErrorMember = QStringLiteral("error");

QString text(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QJsonValue jsonOf(const AnyValue& value, int depth);

QJsonObject objectOf(const google::protobuf::RepeatedPtrField<KeyValue>& values, int depth)
{
    QJsonObject object;
    for (const auto& kv : values)
        object.insert(text(kv.key()), jsonOf(kv.value(), depth + 1));
    return object;
}

QJsonValue jsonOf(const AnyValue& value, int depth)
{
    if (depth > MaxValueDepth)
        return QJsonValue(QJsonValue::Null);
    switch (value.value_case()) {
    case AnyValue::kStringValue:
        return text(value.string_value());
    case AnyValue::kBoolValue:
        return value.bool_value();
    case AnyValue::kIntValue:
        return qint64(value.int_value());
    case AnyValue::kDoubleValue: // JSON has no NaN or infinity
        return std::isfinite(value.double_value()) ? QJsonValue(value.double_value()) : QJsonValue(QJsonValue::Null);
    case AnyValue::kBytesValue:
        return QString::fromLatin1(QByteArray::fromRawData(value.bytes_value().data(), qsizetype(value.bytes_value().size())).toBase64());
    case AnyValue::kArrayValue: {
        QJsonArray array;
        for (const auto& item : value.array_value().values())
            array.append(jsonOf(item, depth + 1));
        return array;
    }
    case AnyValue::kKvlistValue:
        return objectOf(value.kvlist_value().values(), depth);
    case AnyValue::VALUE_NOT_SET:
        break;
    }
    return QJsonValue(QJsonValue::Null);
}

void insertAll(QJsonObject& into, const google::protobuf::RepeatedPtrField<KeyValue>& attributes)
{
    for (const auto& kv : attributes)
        into.insert(text(kv.key()), jsonOf(kv.value(), 1));
}

// What every span of one scope shares: its token and the resource's and scope's attributes.
struct ScopeContext
{
    QString token;
    QJsonObject attributes;
    QByteArray compact; // `attributes` as stored, for spans that add nothing
};

ScopeContext contextOf(const ResourceSpans& resource, const ScopeSpans& scope)
{
    ScopeContext context;
    insertAll(context.attributes, resource.resource().attributes());
    context.token = context.attributes.take(ServiceName).toString();
    if (scope.has_scope()) {
        if (!scope.scope().name().empty())
            context.attributes.insert(QStringLiteral("otel.scope.name"), text(scope.scope().name()));
        if (!scope.scope().version().empty())
            context.attributes.insert(QStringLiteral("otel.scope.version"), text(scope.scope().version()));
        insertAll(context.attributes, scope.scope().attributes());
    }
    if (!context.attributes.isEmpty())
        context.compact = QJsonDocument(context.attributes).toJson(QJsonDocument::Compact);
    return context;
}

double epochSeconds(quint64 nanos)
{
    return double(nanos / 1000000000u) + double(nanos % 1000000000u) / 1e9;
}

struct SpanRefusal
{
    OtlpSpanReject reason;
    QString detail;
};

std::optional<SpanRefusal> check(const Span& span)
{
    if (span.name().empty())
        return SpanRefusal { OtlpSpanReject::MissingName, QStringLiteral("a span has no name") };
    if (qsizetype(span.name().size()) > MaxNameBytes)
        return SpanRefusal { OtlpSpanReject::BadName,
            QStringLiteral("a span name is longer than %1 bytes").arg(MaxNameBytes) };
    if (span.start_time_unix_nano() == 0 || span.end_time_unix_nano() < span.start_time_unix_nano())
        return SpanRefusal { OtlpSpanReject::BadTime,
            QStringLiteral("the span \"%1\" has no start time or ends before it starts").arg(text(span.name())) };
    return std::nullopt;
}

Sample callOf(const Span& span, const ScopeContext& context)
{
    Sample sample;
    sample.key = text(span.name());
    sample.token = context.token;
    sample.timestamp = epochSeconds(span.start_time_unix_nano());
    sample.executionTime = double(span.end_time_unix_nano() - span.start_time_unix_nano()) / 1e6;
    const bool failed = span.status().code() == StatusError;
    if (span.attributes().empty() && !failed) {
        sample.extra = context.compact;
        return sample;
    }
    QJsonObject extra = context.attributes;
    insertAll(extra, span.attributes());
    if (failed)
        extra.insert(ErrorMember,
            span.status().message().empty() ? QJsonValue(true) : QJsonValue(text(span.status().message())));
    sample.extra = QJsonDocument(extra).toJson(QJsonDocument::Compact);
    return sample;
}

} // namespace

OtlpCalls spansToCalls(const ExportTraceServiceRequest& request)
{
    OtlpCalls out;
    for (const auto& resource : request.resource_spans()) {
        for (const auto& scope : resource.scope_spans()) {
            if (scope.spans().empty())
                continue;
            const ScopeContext context = contextOf(resource, scope);
            for (const auto& span : scope.spans()) {
                if (const auto refusal = check(span)) {
                    ++out.rejected[size_t(refusal->reason)];
                    if (out.firstRejection.isEmpty())
                        out.firstRejection = refusal->detail;
                    continue;
                }
                out.samples.append(callOf(span, context));
            }
        }
    }
    return out;
}

} // namespace Kodemon
