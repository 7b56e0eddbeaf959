// SPDX-License-Identifier: MIT
#include "otlp/otlpjson.h"

#include <otlptrace.pb.h>

#include <cmath>
#include <limits>
#include <type_traits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace Kodemon {

namespace {

using namespace otlpwire;

constexpr int MaxDepth = 64; // of AnyValue nesting; Qt's parser itself stops at 1,024 levels

// Walks the JSON document; the first type error stops it and names where it is ("resourceSpans[0].scopeSpans...").
class Reader
{
public:
    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }

    void request(const QJsonObject& object, ExportTraceServiceRequest& out)
    {
        each(object, "resourceSpans", [&](const QJsonObject& o) { resourceSpans(o, *out.add_resource_spans()); });
    }

private:
    // A member that must be an object, an array, a string or a number when present; null counts as absent.
    template<typename Visit> void each(const QJsonObject& object, const char* name, Visit visit)
    {
        const QJsonValue value = object.value(QLatin1StringView(name));
        if (value.isUndefined() || value.isNull() || !ok())
            return;
        if (!value.isArray())
            return fail(name, "an array");
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size() && ok(); ++i) {
            const QString path = QStringLiteral("%1[%2]").arg(QLatin1StringView(name)).arg(i);
            if (!array[i].isObject())
                return fail(path, "an object");
            m_path.append(path);
            visit(array[i].toObject());
            m_path.removeLast();
        }
    }

    template<typename Visit> void child(const QJsonObject& object, const char* name, Visit visit)
    {
        const QJsonValue value = object.value(QLatin1StringView(name));
        if (value.isUndefined() || value.isNull() || !ok())
            return;
        if (!value.isObject())
            return fail(name, "an object");
        m_path.append(QLatin1StringView(name));
        visit(value.toObject());
        m_path.removeLast();
    }

    std::string string(const QJsonObject& object, const char* name)
    {
        const QJsonValue value = object.value(QLatin1StringView(name));
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isString()) {
            fail(name, "a string");
            return {};
        }
        return value.toString().toStdString();
    }

    // 64-bit integers: decimal strings or numbers, as protobuf's JSON mapping allows.
    template<typename Int> Int integer(const QJsonObject& object, const char* name)
    {
        const QJsonValue value = object.value(QLatin1StringView(name));
        if (value.isUndefined() || value.isNull())
            return 0;
        if (value.isString()) {
            bool ok = false;
            const QString text = value.toString();
            const Int parsed = std::is_signed_v<Int> ? Int(text.toLongLong(&ok)) : Int(text.toULongLong(&ok));
            if (!ok)
                fail(name, "an integer");
            return parsed;
        }
        const double number = value.toDouble(std::numeric_limits<double>::quiet_NaN());
        if (!value.isDouble() || !std::isfinite(number) || number != std::trunc(number)
            || number < double(std::numeric_limits<Int>::min()) || number >= double(std::numeric_limits<Int>::max())) {
            fail(name, "an integer");
            return 0;
        }
        return Int(number);
    }

    void resourceSpans(const QJsonObject& o, ResourceSpans& out)
    {
        child(o, "resource", [&](const QJsonObject& r) { attributes(r, *out.mutable_resource()->mutable_attributes()); });
        each(o, "scopeSpans", [&](const QJsonObject& s) { scopeSpans(s, *out.add_scope_spans()); });
    }

    void scopeSpans(const QJsonObject& o, ScopeSpans& out)
    {
        child(o, "scope", [&](const QJsonObject& s) {
            auto* scope = out.mutable_scope();
            scope->set_name(string(s, "name"));
            scope->set_version(string(s, "version"));
            attributes(s, *scope->mutable_attributes());
        });
        each(o, "spans", [&](const QJsonObject& s) { span(s, *out.add_spans()); });
    }

    void span(const QJsonObject& o, Span& out)
    {
        out.set_name(string(o, "name"));
        out.set_kind(integer<qint32>(o, "kind"));
        out.set_start_time_unix_nano(integer<quint64>(o, "startTimeUnixNano"));
        out.set_end_time_unix_nano(integer<quint64>(o, "endTimeUnixNano"));
        attributes(o, *out.mutable_attributes());
        child(o, "status", [&](const QJsonObject& s) {
            out.mutable_status()->set_code(integer<qint32>(s, "code"));
            out.mutable_status()->set_message(string(s, "message"));
        });
    }

    void attributes(const QJsonObject& o, google::protobuf::RepeatedPtrField<KeyValue>& out, const char* name = "attributes")
    {
        each(o, name, [&](const QJsonObject& kv) { keyValue(kv, *out.Add()); });
    }

    void keyValue(const QJsonObject& o, KeyValue& out)
    {
        out.set_key(string(o, "key"));
        child(o, "value", [&](const QJsonObject& v) { anyValue(v, *out.mutable_value()); });
    }

    void anyValue(const QJsonObject& o, AnyValue& out)
    {
        if (++m_depth > MaxDepth) {
            m_error = QStringLiteral("attribute values are nested more than %1 levels deep").arg(MaxDepth);
            return;
        }
        if (o.contains(QLatin1StringView("stringValue")))
            out.set_string_value(string(o, "stringValue"));
        else if (o.contains(QLatin1StringView("boolValue")))
            readBool(o, out);
        else if (o.contains(QLatin1StringView("intValue")))
            out.set_int_value(integer<qint64>(o, "intValue"));
        else if (o.contains(QLatin1StringView("doubleValue")))
            readDouble(o, out);
        else if (o.contains(QLatin1StringView("bytesValue")))
            readBytes(o, out);
        else if (o.contains(QLatin1StringView("arrayValue")))
            child(o, "arrayValue", [&](const QJsonObject& a) {
                each(a, "values", [&](const QJsonObject& v) { anyValue(v, *out.mutable_array_value()->add_values()); });
            });
        else if (o.contains(QLatin1StringView("kvlistValue")))
            child(o, "kvlistValue", [&](const QJsonObject& l) {
                attributes(l, *out.mutable_kvlist_value()->mutable_values(), "values");
            });
        --m_depth;
    }

    void readBool(const QJsonObject& o, AnyValue& out)
    {
        const QJsonValue value = o.value(QLatin1StringView("boolValue"));
        if (!value.isBool())
            return fail("boolValue", "true or false");
        out.set_bool_value(value.toBool());
    }

    // Numbers, or "NaN", "Infinity" and "-Infinity" as protobuf's JSON mapping writes them.
    void readDouble(const QJsonObject& o, AnyValue& out)
    {
        const QJsonValue value = o.value(QLatin1StringView("doubleValue"));
        if (value.isDouble())
            return out.set_double_value(value.toDouble());
        const QString text = value.toString();
        if (text == u"NaN")
            return out.set_double_value(std::numeric_limits<double>::quiet_NaN());
        if (text == u"Infinity" || text == u"-Infinity")
            return out.set_double_value(text.startsWith(u'-') ? -std::numeric_limits<double>::infinity()
                                                              : std::numeric_limits<double>::infinity());
        bool ok = false;
        const double number = text.toDouble(&ok);
        if (!value.isString() || !ok)
            return fail("doubleValue", "a number");
        out.set_double_value(number);
    }

    void readBytes(const QJsonObject& o, AnyValue& out)
    {
        const QJsonValue value = o.value(QLatin1StringView("bytesValue"));
        if (!value.isString())
            return fail("bytesValue", "base64 text");
        const auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail("bytesValue", "base64 text");
        out.set_bytes_value(decoded.decoded.constData(), size_t(decoded.decoded.size()));
    }

    void fail(const QString& name, const char* expected)
    {
        if (!ok())
            return;
        QStringList path = m_path;
        path.append(name);
        m_error = QStringLiteral("%1 must be %2").arg(path.join(u'.'), QLatin1StringView(expected));
    }
    void fail(const char* name, const char* expected) { fail(QString::fromLatin1(name), expected); }

    QString m_error;
    QStringList m_path;
    int m_depth = 0;
};

} // namespace

Status readOtlpJson(QByteArrayView body, ExportTraceServiceRequest& request)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return Error { QStringLiteral("the body is not JSON: %1 at byte %2").arg(error.errorString()).arg(error.offset),
            ErrorKind::Invalid };
    if (!document.isObject())
        return Error { QStringLiteral("the body is not a JSON object (an ExportTraceServiceRequest)"), ErrorKind::Invalid };
    Reader reader;
    reader.request(document.object(), request);
    if (!reader.ok())
        return Error { reader.error(), ErrorKind::Invalid };
    return Ok {};
}

} // namespace Kodemon
