// SPDX-License-Identifier: MIT
#include "http/httpparams.h"

#include "base/timeexpr.h"

#include <QHash>
#include <QStringDecoder>
#include <QUrlQuery>

namespace Kodemon {

namespace {

enum class Plus { IsSpace, IsPlus };

// Decodes `encoded` (as Qt gives it, FullyEncoded: a literal "+" is still there, "%2B" is still encoded) the
// way forms write it: "+" is a space (HTML forms, Python's urlencode and requests, URLSearchParams all write a
// space so), then percent-decodes and reads UTF-8. Nothing when the bytes are not UTF-8 (%FF, overlong forms
// like %C0%AF, surrogates): QUrl would put U+FFFD in their place, and two different keys would then read as
// the same one.
std::optional<QString> decodeStrict(const QString& encoded, Plus plus = Plus::IsSpace)
{
    QByteArray bytes = encoded.toLatin1();
    if (plus == Plus::IsSpace)
        bytes.replace('+', ' ');
    QStringDecoder utf8(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    QString text = utf8.decode(QByteArray::fromPercentEncoding(bytes));
    if (utf8.hasError())
        return std::nullopt;
    return text;
}

// The decoded parameters of one request, checked against the names a route knows.
class Params
{
public:
    Params(const QUrlQuery& query, const QStringList& known)
    {
        for (const auto& [encodedName, encodedValue] : query.queryItems(QUrl::FullyEncoded)) {
            const auto name = decodeStrict(encodedName);
            const auto value = decodeStrict(encodedValue);
            if (!name || !value) {
                if (!m_error)
                    m_error = ParamError { name.value_or(QUrl::fromPercentEncoding(encodedName.toLatin1())),
                        name ? QStringLiteral("the value of \"%1\" is not UTF-8 once percent-decoded").arg(*name)
                             : QStringLiteral("a parameter name is not UTF-8 once percent-decoded") };
                continue;
            }
            add(*name, *value, known);
            m_encoded.insert(*name, encodedValue);
        }
    }

    const std::optional<ParamError>& error() const { return m_error; }
    std::optional<QString> value(const QString& name) const
    {
        const auto it = m_values.constFind(name);
        return it == m_values.cend() ? std::nullopt : std::optional<QString>(*it);
    }
    // The value with every literal "+" read as a plus sign, for values typed into a URL by hand
    // ("from=now+1h", "to=2014-10-15T22:15:25+02:00"), where no form encoded the plus; nothing when the value
    // held no literal "+" (then it reads as value() does).
    std::optional<QString> valueWithLiteralPlus(const QString& name) const
    {
        const auto it = m_encoded.constFind(name);
        if (it == m_encoded.cend() || !it->contains(u'+'))
            return std::nullopt;
        return decodeStrict(*it, Plus::IsPlus);
    }

private:
    void add(const QString& name, const QString& value, const QStringList& known)
    {
        if (!m_error && !known.contains(name))
            m_error = ParamError { name,
                QStringLiteral("unknown parameter \"%1\"; this route takes: %2")
                    .arg(name, known.isEmpty() ? QStringLiteral("no parameters") : known.join(u", ")) };
        else if (!m_error && m_values.contains(name))
            m_error = ParamError { name, QStringLiteral("\"%1\" is given more than once").arg(name) };
        m_values.insert(name, value);
    }

    QHash<QString, QString> m_values;
    QHash<QString, QString> m_encoded; // as received, to read a hand-typed "+" as a plus in times
    std::optional<ParamError> m_error;
};

const QString Key = QStringLiteral("key");
const QString Token = QStringLiteral("token");
const QString From = QStringLiteral("from");
const QString To = QStringLiteral("to");
const QString Limit = QStringLiteral("limit");
const QString Cursor = QStringLiteral("cursor");
const QString Format = QStringLiteral("format");
const QString Points = QStringLiteral("points");

std::optional<ParamError> parseTime(const Params& params, const QString& name, double now, std::optional<double>& out)
{
    const auto text = params.value(name);
    if (!text)
        return std::nullopt;
    auto time = parseTimeExpression(*text, now);
    // A space never belongs in a time, so a time that fails with its "+" read as a space was typed by hand
    // (now+1h, an ISO offset +02:00) and is read again with the plus kept; a form-encoded %2B reads the same.
    if (const auto literal = params.valueWithLiteralPlus(name); !time && literal) {
        if (auto retried = parseTimeExpression(*literal, now))
            time = std::move(retried);
    }
    if (!time)
        return ParamError { name, time.error() };
    out = *time;
    return std::nullopt;
}

Parsed<SeriesSelector> parseSelector(const Params& params, double now)
{
    SeriesSelector selector;
    const auto key = params.value(Key);
    if (!key || key->isEmpty())
        return ParamError { Key, QStringLiteral("a key is required, e.g. ?key=app.py-handler") };
    selector.key = *key;
    selector.token = params.value(Token);
    if (auto error = parseTime(params, From, now, selector.range.from))
        return *error;
    if (auto error = parseTime(params, To, now, selector.range.to))
        return *error;
    if (selector.range.isReversed())
        return ParamError { To,
            QStringLiteral("the range is reversed: from (%1) is after to (%2)")
                .arg(*selector.range.from, 0, 'f', -1)
                .arg(*selector.range.to, 0, 'f', -1) };
    return selector;
}

std::optional<ParamError> parseCount(const Params& params, const QString& name, int max, int& out)
{
    const auto text = params.value(name);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const qlonglong value = text->toLongLong(&ok);
    if (!ok || value < 1 || value > max)
        return ParamError { name,
            QStringLiteral("\"%1\" must be a whole number from 1 to %2, not \"%3\"").arg(name).arg(max).arg(*text) };
    out = int(value);
    return std::nullopt;
}

Parsed<ExportFormat> parseFormat(const Params& params, QByteArrayView accept)
{
    const auto format = params.value(Format);
    if (!format)
        return accept.contains("text/csv") ? ExportFormat::Csv : ExportFormat::Json;
    if (*format == u"json")
        return ExportFormat::Json;
    if (*format == u"csv")
        return ExportFormat::Csv;
    return ParamError { Format, QStringLiteral("\"format\" must be json or csv, not \"%1\"").arg(*format) };
}

std::optional<ParamError> checkCsvPaging(const Params& params)
{
    for (const auto& name : { Limit, Cursor }) {
        if (params.value(name))
            return ParamError { name,
                QStringLiteral("CSV always holds the whole range; narrow it with from and to instead of \"%1\"")
                    .arg(name) };
    }
    return std::nullopt;
}

} // namespace

Parsed<KeysParams> parseKeysParams(const QUrlQuery& query)
{
    const Params params(query, { Token });
    if (params.error())
        return *params.error();
    return KeysParams { params.value(Token) };
}

Parsed<ExecutionsParams> parseExecutionsParams(const QUrlQuery& query, double now, QByteArrayView accept)
{
    const Params params(query, { Key, Token, From, To, Limit, Cursor, Format });
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    ExecutionsParams out;
    out.selector = std::move(*selector.value);
    const auto format = parseFormat(params, accept);
    if (!format.ok())
        return format.error;
    out.format = *format.value;
    if (out.format == ExportFormat::Csv) {
        if (auto error = checkCsvPaging(params))
            return *error;
    }
    if (auto error = parseCount(params, Limit, Query::MaxPageSize, out.limit))
        return *error;
    out.cursor = params.value(Cursor).value_or(QString());
    return out;
}

Parsed<StatsParams> parseStatsParams(const QUrlQuery& query, double now)
{
    const Params params(query, { Key, Token, From, To });
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    return StatsParams { std::move(*selector.value) };
}

Parsed<SeriesParams> parseSeriesParams(const QUrlQuery& query, double now)
{
    const Params params(query, { Key, Token, From, To, Points });
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    SeriesParams out { std::move(*selector.value) };
    if (auto error = parseCount(params, Points, Query::MaxBucketCount, out.points))
        return *error;
    return out;
}

std::optional<ParamError> checkNoParams(const QUrlQuery& query)
{
    return Params(query, {}).error();
}

} // namespace Kodemon
