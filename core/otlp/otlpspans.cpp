// SPDX-License-Identifier: MIT
#include "otlp/otlpspans.h"

#include <otlptrace.pb.h>

#include <cmath>
#include <optional>
#include <QHash>
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

// Spans of a batch repeat their names and, mostly, their attributes (a route, a method, a status code): each
// distinct name is decoded once and each distinct set of attributes made into JSON once per request. Building the
// JSON of every span through QJsonObject cost about 15 us a span, three times the budget of 200,000 spans/s.
class SpanCache
{
public:
    const QString& name(const std::string& raw)
    {
        auto found = m_names.constFind(QByteArrayView(raw.data(), qsizetype(raw.size())).toByteArray());
        if (found == m_names.constEnd()) {
            trim(m_names);
            found = m_names.insert(QByteArray(raw.data(), qsizetype(raw.size())), text(raw));
        }
        return *found;
    }

    // The extra JSON of a span of the scope numbered `scope`, from the cache when the same attributes and status
    // were seen before in this request.
    template<typename Make> QByteArray extra(int scope, const Span& span, Make make)
    {
        m_key.clear();
        m_key.append(reinterpret_cast<const char*>(&scope), sizeof scope);
        fingerprint(span);
        if (const auto found = m_extras.constFind(m_key); found != m_extras.constEnd())
            return *found;
        trim(m_extras);
        return *m_extras.insert(m_key, make());
    }

private:
    static constexpr qsizetype MaxEntries = 16384;

    template<typename Hash> static void trim(Hash& hash)
    {
        if (hash.size() >= MaxEntries)
            hash.clear();
    }

    void bytes(const std::string& s)
    {
        const auto size = quint32(s.size());
        m_key.append(reinterpret_cast<const char*>(&size), sizeof size);
        m_key.append(s.data(), qsizetype(s.size()));
    }

    // Every byte that decides the span's extra JSON, length-prefixed so that no two spans share a key by accident.
    void fingerprint(const Span& span)
    {
        for (const auto& kv : span.attributes()) {
            bytes(kv.key());
            const AnyValue& v = kv.value();
            m_key.append(char(v.value_case()));
            switch (v.value_case()) {
            case AnyValue::kStringValue:
                bytes(v.string_value());
                break;
            case AnyValue::kBytesValue:
                bytes(v.bytes_value());
                break;
            case AnyValue::kBoolValue:
                m_key.append(v.bool_value() ? '1' : '0');
                break;
            case AnyValue::kIntValue: {
                const qint64 i = v.int_value();
                m_key.append(reinterpret_cast<const char*>(&i), sizeof i);
                break;
            }
            case AnyValue::kDoubleValue: {
                const double d = v.double_value();
                m_key.append(reinterpret_cast<const char*>(&d), sizeof d);
                break;
            }
            case AnyValue::kArrayValue:
            case AnyValue::kKvlistValue:
                bytes(v.SerializeAsString());
                break;
            case AnyValue::VALUE_NOT_SET:
                break;
            }
        }
        m_key.append(span.status().code() == StatusError ? 'E' : '-');
        if (span.status().code() == StatusError)
            bytes(span.status().message());
    }

    QHash<QByteArray, QString> m_names;
    QHash<QByteArray, QByteArray> m_extras;
    QByteArray m_key;
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

QByteArray extraOf(const Span& span, const ScopeContext& context)
{
    QJsonObject extra = context.attributes;
    insertAll(extra, span.attributes());
    if (span.status().code() == StatusError)
        extra.insert(ErrorMember,
            span.status().message().empty() ? QJsonValue(true) : QJsonValue(text(span.status().message())));
    return QJsonDocument(extra).toJson(QJsonDocument::Compact);
}

Sample callOf(const Span& span, const ScopeContext& context, int scope, SpanCache& cache)
{
    Sample sample;
    sample.key = cache.name(span.name());
    sample.token = context.token;
    sample.timestamp = epochSeconds(span.start_time_unix_nano());
    sample.executionTime = double(span.end_time_unix_nano() - span.start_time_unix_nano()) / 1e6;
    if (span.attributes().empty() && span.status().code() != StatusError)
        sample.extra = context.compact;
    else
        sample.extra = cache.extra(scope, span, [&] { return extraOf(span, context); });
    return sample;
}

qsizetype spanCount(const ExportTraceServiceRequest& request)
{
    qsizetype count = 0;
    for (const auto& resource : request.resource_spans()) {
        for (const auto& scope : resource.scope_spans())
            count += scope.spans_size();
    }
    return count;
}

} // namespace

OtlpCalls spansToCalls(const ExportTraceServiceRequest& request)
{
    OtlpCalls out;
    out.samples.reserve(spanCount(request));
    SpanCache cache;
    int scopes = 0;
    for (const auto& resource : request.resource_spans()) {
        for (const auto& scope : resource.scope_spans()) {
            if (scope.spans().empty())
                continue;
            const ScopeContext context = contextOf(resource, scope);
            const int scopeNumber = scopes++;
            for (const auto& span : scope.spans()) {
                if (const auto refusal = check(span)) {
                    ++out.rejected[size_t(refusal->reason)];
                    if (out.firstRejection.isEmpty())
                        out.firstRejection = refusal->detail;
                    continue;
                }
                out.samples.append(callOf(span, context, scopeNumber, cache));
            }
        }
    }
    return out;
}

} // namespace Kodemon
