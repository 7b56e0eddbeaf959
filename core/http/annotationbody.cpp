// SPDX-License-Identifier: MIT
#include "http/annotationbody.h"

#include "base/timeexpr.h"

#include <cmath>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Kodemon {

namespace {

constexpr qsizetype MaxTagLength = 100;
constexpr qsizetype MaxTokenLength = 200;

ParamError bad(const char* member, const QString& detail)
{
    return ParamError { QString::fromLatin1(member), detail };
}

// Epoch seconds, or a time expression as the API's from and to take ("now-5m", ISO-8601).
std::optional<ParamError> readTime(const QJsonObject& object, const char* member, double now, std::optional<double>& out)
{
    const QJsonValue value = object.value(QLatin1String(member));
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (value.isDouble()) {
        const double seconds = value.toDouble();
        if (!std::isfinite(seconds) || std::abs(seconds) > 1e11)
            return bad(member, QStringLiteral("\"%1\" must be a time in epoch seconds").arg(QLatin1String(member)));
        out = seconds;
        return std::nullopt;
    }
    if (value.isString()) {
        const auto parsed = parseTimeExpression(value.toString(), now);
        if (!parsed)
            return bad(member, QStringLiteral("\"%1\": %2").arg(QLatin1String(member), parsed.error()));
        out = *parsed;
        return std::nullopt;
    }
    return bad(member, QStringLiteral("\"%1\" must be epoch seconds or a time such as \"now-5m\"").arg(QLatin1String(member)));
}

} // namespace

Parsed<Annotation> parseAnnotationBody(QByteArrayView body, double now)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return bad("body", QStringLiteral("the body is not JSON: %1 at byte %2").arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return bad("body", QStringLiteral("the body must be a JSON object such as {\"text\": \"deploy 1.4.2\"}"));
    const QJsonObject object = document.object();
    static const QStringList known { QStringLiteral("text"), QStringLiteral("time"), QStringLiteral("end"),
        QStringLiteral("tags"), QStringLiteral("token") };
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return ParamError { it.key().isEmpty() ? QStringLiteral("body") : it.key(), // `{"": 5}`: found by fuzzing
                QStringLiteral("unknown member \"%1\"; an annotation has: %2").arg(it.key(), known.join(u", ")) };
    }
    Annotation annotation;
    const QJsonValue text = object.value(QLatin1String("text"));
    if (!text.isString() || text.toString().trimmed().isEmpty())
        return bad("text", QStringLiteral("\"text\" is required: a non-empty string such as \"deploy 1.4.2\""));
    annotation.text = text.toString().trimmed();
    if (annotation.text.size() > MaxAnnotationText)
        return bad("text", QStringLiteral("\"text\" is longer than %1 characters").arg(MaxAnnotationText));
    std::optional<double> time;
    if (auto failure = readTime(object, "time", now, time))
        return *failure;
    annotation.time = time.value_or(now);
    if (auto failure = readTime(object, "end", now, annotation.end))
        return *failure;
    if (annotation.end && *annotation.end < annotation.time)
        return bad("end", QStringLiteral("\"end\" is before \"time\""));
    const QJsonValue tags = object.value(QLatin1String("tags"));
    if (!tags.isUndefined() && !tags.isNull()) {
        if (!tags.isArray() || tags.toArray().size() > MaxAnnotationTags)
            return bad("tags", QStringLiteral("\"tags\" must be an array of at most %1 strings").arg(MaxAnnotationTags));
        for (const auto& tag : tags.toArray()) {
            if (!tag.isString() || tag.toString().isEmpty() || tag.toString().size() > MaxTagLength)
                return bad("tags", QStringLiteral("every tag must be a string of 1 to %1 characters").arg(MaxTagLength));
            annotation.tags.append(tag.toString());
        }
    }
    const QJsonValue token = object.value(QLatin1String("token"));
    if (!token.isUndefined() && !token.isNull()) {
        if (!token.isString() || token.toString().size() > MaxTokenLength)
            return bad("token", QStringLiteral("\"token\" must be a string of at most %1 characters").arg(MaxTokenLength));
        annotation.token = token.toString();
    }
    return annotation;
}

} // namespace Kodemon
