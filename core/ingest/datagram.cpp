// SPDX-License-Identifier: MIT
#include "ingest/datagram.h"

#include "ingest/fastdatagram.h"

#include <cmath>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

namespace Kodemon {

namespace {

const QString KeyField = QStringLiteral("key");
const QString ExecutionTimeField = QStringLiteral("execution_time");
const QString TimestampField = QStringLiteral("timestamp");
const QString TokenField = QStringLiteral("token");

bool isFiniteNumber(const QJsonValue& value)
{
    return value.isDouble() && std::isfinite(value.toDouble());
}

std::optional<Rejection> readKey(const QJsonObject& object, Sample& sample)
{
    const auto value = object.value(KeyField);
    if (value.isUndefined())
        return Rejection { RejectReason::MissingKey, QStringLiteral("no \"key\" member") };
    if (!value.isString())
        return Rejection { RejectReason::BadKey, QStringLiteral("\"key\" is not a string") };
    sample.key = value.toString();
    if (sample.key.isEmpty())
        return Rejection { RejectReason::BadKey, QStringLiteral("\"key\" is empty") };
    if (sample.key.toUtf8().size() > MaxKeyBytes)
        return Rejection { RejectReason::BadKey, QStringLiteral("\"key\" is longer than %1 bytes").arg(MaxKeyBytes) };
    return std::nullopt;
}

std::optional<Rejection> readExecutionTime(const QJsonObject& object, Sample& sample)
{
    const auto value = object.value(ExecutionTimeField);
    if (value.isUndefined())
        return Rejection { RejectReason::MissingExecutionTime, QStringLiteral("no \"execution_time\" member") };
    if (!isFiniteNumber(value) || value.toDouble() < 0)
        return Rejection { RejectReason::BadExecutionTime,
            QStringLiteral("\"execution_time\" is not a finite number >= 0 (milliseconds)") };
    sample.executionTime = value.toDouble();
    return std::nullopt;
}

std::optional<Rejection> readTimestamp(const QJsonObject& object, Sample& sample)
{
    const auto value = object.value(TimestampField);
    if (value.isUndefined())
        return Rejection { RejectReason::MissingTimestamp, QStringLiteral("no \"timestamp\" member") };
    if (!isFiniteNumber(value))
        return Rejection { RejectReason::BadTimestamp,
            QStringLiteral("\"timestamp\" is not a finite number (epoch seconds)") };
    sample.timestamp = value.toDouble();
    return std::nullopt;
}

std::optional<Rejection> readToken(const QJsonObject& object, Sample& sample)
{
    const auto value = object.value(TokenField);
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isString())
        return Rejection { RejectReason::BadToken, QStringLiteral("\"token\" is not a string") };
    sample.token = value.toString();
    return std::nullopt;
}

QByteArray extraMembers(QJsonObject object)
{
    for (const auto& field : { KeyField, ExecutionTimeField, TimestampField, TokenField })
        object.remove(field);
    if (object.isEmpty())
        return {};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// True when brackets and braces (outside strings) nest deeper than MaxNesting: one cheap pass.
bool nestsTooDeep(QByteArrayView text)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > MaxNesting)
                return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

// QJsonDocument only takes objects and arrays at the top; a lone number, string or null is still JSON.
bool isJsonScalar(QByteArrayView text)
{
    if (text.startsWith('{') || text.startsWith('['))
        return false;
    QJsonParseError error {};
    QJsonDocument::fromJson('[' + text.toByteArray() + ']', &error);
    return error.error == QJsonParseError::NoError;
}

void appendResult(std::variant<Sample, Rejection>&& result, ParsedDatagram& out)
{
    if (auto* sample = std::get_if<Sample>(&result))
        out.samples.append(std::move(*sample));
    else
        out.rejections.append(std::get<Rejection>(std::move(result)));
}

void parseInto(QByteArrayView text, ParsedDatagram& out, StringCache* strings)
{
    Sample sample;
    if (parseSimpleObject(text, sample, strings))
        out.samples.append(std::move(sample));
    else
        appendResult(parseObjectFully(text), out);
}

bool isBlank(QByteArrayView text)
{
    return text.trimmed().isEmpty();
}

void parseLines(QByteArrayView trimmed, ParsedDatagram& out, StringCache* strings)
{
    qsizetype start = 0;
    while (start < trimmed.size()) {
        auto end = trimmed.indexOf('\n', start);
        if (end < 0)
            end = trimmed.size();
        const auto line = trimmed.sliced(start, end - start);
        if (!isBlank(line))
            parseInto(line.trimmed(), out, strings);
        start = end + 1;
    }
}

// Everything the fast path did not take whole: blank datagrams, batches of lines, and whatever the full parser
// has to accept or reject.
void parseSlowly(QByteArrayView datagram, ParsedDatagram& out, StringCache* strings)
{
    if (isBlank(datagram)) {
        out.rejections.append({ RejectReason::Empty, QStringLiteral("empty datagram") });
        return;
    }
    // A pretty-printed object spans lines too, so only split when the whole is not one object.
    const auto trimmed = datagram.trimmed();
    if (!trimmed.contains('\n')) {
        parseInto(trimmed, out, strings);
        return;
    }
    // A batch's first line is a whole object; only otherwise is the datagram worth parsing as one.
    Sample first;
    const bool batch = parseSimpleObject(trimmed.first(trimmed.indexOf('\n')).trimmed(), first, strings);
    if (!batch) {
        auto whole = parseObjectFully(trimmed);
        const auto* rejection = std::get_if<Rejection>(&whole);
        if (!rejection || rejection->reason != RejectReason::NotJson) {
            appendResult(std::move(whole), out);
            return;
        }
    }
    parseLines(trimmed, out, strings);
}

} // namespace

std::variant<Sample, Rejection> parseObjectFully(QByteArrayView text)
{
    if (nestsTooDeep(text))
        return Rejection { RejectReason::NotJson, QStringLiteral("nested deeper than %1 levels").arg(MaxNesting) };
    QJsonParseError error {};
    const auto document = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        if (isJsonScalar(text))
            return Rejection { RejectReason::NotObject, QStringLiteral("the JSON value is not an object") };
        return Rejection { RejectReason::NotJson,
            QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset) };
    }
    if (!document.isObject())
        return Rejection { RejectReason::NotObject, QStringLiteral("the JSON value is not an object") };

    const auto object = document.object();
    Sample sample;
    for (auto* read : { readKey, readExecutionTime, readTimestamp, readToken }) {
        if (auto rejection = read(object, sample))
            return *rejection;
    }
    sample.extra = extraMembers(object);
    return sample;
}

ParsedDatagram parseDatagram(QByteArrayView datagram, StringCache* strings)
{
    ParsedDatagram out;
    parseDatagram(datagram, out, strings);
    return out;
}

void parseDatagram(QByteArrayView datagram, ParsedDatagram& out, StringCache* strings)
{
    if (datagram.size() > MaxDatagramBytes) {
        out.rejections.append({ RejectReason::TooLarge,
            QStringLiteral("%1 bytes, more than a UDP datagram can carry").arg(datagram.size()) });
        return;
    }
    // Nearly every datagram is one object the fast path takes whole; it skips JSON white space itself, and a
    // datagram it takes cannot be a batch (its first line would not be a whole object).
    Sample sample;
    if (parseSimpleObject(datagram, sample, strings)) {
        out.samples.append(std::move(sample));
        return;
    }
    parseSlowly(datagram, out, strings);
}

} // namespace Kodemon
