// SPDX-License-Identifier: MIT
#include "http/httpparams.h"

#include "base/tagfilter.h"
#include "base/timeexpr.h"

#include <algorithm>
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
    // Every value of a parameter that may be given several times (tag=...), in the order given.
    QStringList values(const QString& name) const { return m_lists.value(name); }
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
        else if (!m_error && m_values.contains(name) && !isRepeatable(name))
            m_error = ParamError { name, QStringLiteral("\"%1\" is given more than once").arg(name) };
        m_values.insert(name, value);
        m_lists[name].append(value);
    }
    static bool isRepeatable(const QString& name) { return name == u"tag"; }

    QHash<QString, QString> m_values;
    QHash<QString, QStringList> m_lists;
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
const QString Baseline = QStringLiteral("baseline");
const QString BaselineFrom = QStringLiteral("baseline_from");
const QString BaselineTo = QStringLiteral("baseline_to");
const QString MinEffect = QStringLiteral("min_effect");
const QString TagParam = QStringLiteral("tag");
const QString OutcomeParam = QStringLiteral("outcome");
const QString GroupBy = QStringLiteral("group_by");
const QString Groups = QStringLiteral("groups");
const QString ValuesParam = QStringLiteral("values");

const QString ExactParam = QStringLiteral("exact");
const QString MinCalls = QStringLiteral("min_calls");
const QString Fdr = QStringLiteral("fdr");

// fdr: the false discovery rate over the functions analysed, in % (0 to 50; 0 lists every change significant alone).
std::optional<ParamError> parseFdr(const Params& params, double& out)
{
    const auto text = params.value(Fdr);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const double percent = text->toDouble(&ok);
    if (!ok || !(percent >= 0 && percent <= 50))
        return ParamError { Fdr, QStringLiteral("\"fdr\" must be a percentage from 0 to 50, not \"%1\"").arg(*text) };
    out = percent / 100;
    return std::nullopt;
}

std::optional<ParamError> parseExact(const Params& params, bool& out)
{
    const auto text = params.value(ExactParam);
    if (!text)
        return std::nullopt;
    if (*text != u"true" && *text != u"false")
        return ParamError { ExactParam, QStringLiteral("\"exact\" must be true or false, not \"%1\"").arg(*text) };
    out = *text == u"true";
    return std::nullopt;
}

// The parameters that choose calls by their tags and outcome, known to every route that reads calls.
QStringList withCallFilters(QStringList names)
{
    return names << TagParam << OutcomeParam;
}

std::optional<ParamError> parseCallFilters(const Params& params, QList<TagFilter>& tags, CallOutcome& outcome)
{
    for (const QString& text : params.values(TagParam)) {
        auto filter = parseTagFilter(text);
        if (!filter)
            return ParamError { TagParam, filter.error() };
        tags.append(*filter);
    }
    if (const auto text = params.value(OutcomeParam)) {
        const auto parsed = parseOutcome(*text);
        if (!parsed)
            return ParamError { OutcomeParam,
                QStringLiteral("\"outcome\" must be all, succeeded or failed, not \"%1\"").arg(*text) };
        outcome = *parsed;
    }
    return std::nullopt;
}

std::optional<ParamError> parseGroupBy(const Params& params, QString& out)
{
    const auto name = params.value(GroupBy);
    if (!name)
        return std::nullopt;
    if (name->isEmpty())
        return ParamError { GroupBy, QStringLiteral("\"group_by\" needs a tag name") };
    out = *name;
    return std::nullopt;
}

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
    if (auto error = parseCallFilters(params, selector.tags, selector.outcome))
        return *error;
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

// "previous", or how far back the baseline lies: "-1w" is the same range a week earlier.
Parsed<BaselineSpec> parseBaselineName(const QString& text)
{
    BaselineSpec spec;
    if (text == u"previous")
        return spec;
    const auto offset = text.startsWith(u'-') && text.size() > 2
        ? parseTimeExpression(QString(QStringLiteral("now") + text), 0)
        : Result<double>(Error { QString(), ErrorKind::Invalid });
    if (!offset || !(*offset < 0))
        return ParamError { Baseline,
            QStringLiteral("\"baseline\" must be previous or how far back, like -1d or -1w, not \"%1\"").arg(text) };
    spec.kind = BaselineSpec::Kind::Offset;
    spec.offset = -*offset;
    return spec;
}

Parsed<BaselineSpec> parseBaseline(const Params& params, double now)
{
    const auto name = params.value(Baseline);
    const bool custom = params.value(BaselineFrom) || params.value(BaselineTo);
    if (name && custom)
        return ParamError { Baseline, QStringLiteral("give either baseline or baseline_from and baseline_to") };
    if (!custom)
        return name ? parseBaselineName(*name) : Parsed<BaselineSpec>(BaselineSpec {});
    BaselineSpec spec;
    spec.kind = BaselineSpec::Kind::Custom;
    if (auto error = parseTime(params, BaselineFrom, now, spec.custom.from))
        return *error;
    if (auto error = parseTime(params, BaselineTo, now, spec.custom.to))
        return *error;
    if (!spec.custom.from || !spec.custom.to)
        return ParamError { spec.custom.from ? BaselineTo : BaselineFrom,
            QStringLiteral("a custom baseline needs both baseline_from and baseline_to") };
    if (spec.custom.isReversed())
        return ParamError { BaselineTo, QStringLiteral("the baseline range is reversed") };
    return spec;
}

std::optional<ParamError> parseMinEffect(const Params& params, double& out)
{
    const auto text = params.value(MinEffect);
    if (!text)
        return std::nullopt;
    bool ok = false;
    const double percent = text->toDouble(&ok);
    if (!ok || !(percent >= 0 && percent <= 1000))
        return ParamError { MinEffect,
            QStringLiteral("\"min_effect\" must be a percentage from 0 to 1000, not \"%1\"").arg(*text) };
    out = percent / 100;
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
    const Params params(query, withCallFilters({ Key, Token, From, To, Limit, Cursor, Format }));
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
    const Params params(query, withCallFilters({ Key, Token, From, To, ExactParam }));
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    if (auto error = parseExact(params, selector.value->exact))
        return *error;
    return StatsParams { std::move(*selector.value) };
}

Parsed<SeriesParams> parseSeriesParams(const QUrlQuery& query, double now)
{
    const Params params(query, withCallFilters({ Key, Token, From, To, Points, GroupBy, Groups, ExactParam }));
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    if (auto error = parseExact(params, selector.value->exact))
        return *error;
    SeriesParams out { std::move(*selector.value) };
    if (auto error = parseCount(params, Points, Query::MaxBucketCount, out.points))
        return *error;
    if (auto error = parseGroupBy(params, out.groupBy))
        return *error;
    if (auto error = parseCount(params, Groups, Query::MaxTopGroups, out.groups))
        return *error;
    if (params.value(Groups) && out.groupBy.isEmpty())
        return ParamError { Groups, QStringLiteral("\"groups\" needs group_by") };
    return out;
}

Parsed<CompareParams> parseCompareParams(const QUrlQuery& query, double now)
{
    const Params params(query, withCallFilters({ Key, Token, From, To, Baseline, BaselineFrom, BaselineTo, MinEffect }));
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    CompareParams out;
    out.selector = std::move(*selector.value);
    if (!out.selector.range.from)
        return ParamError { From, QStringLiteral("a comparison needs the start of its range, e.g. from=now-1h") };
    if (!out.selector.range.to)
        out.selector.range.to = std::max(now, *out.selector.range.from);
    auto baseline = parseBaseline(params, now);
    if (!baseline.ok())
        return baseline.error;
    out.baseline = *baseline.value;
    if (auto error = parseMinEffect(params, out.options.minimumEffect))
        return *error;
    return out;
}

Parsed<TagsParams> parseTagsParams(const QUrlQuery& query, double now)
{
    const Params params(query, withCallFilters({ Key, Token, From, To, ValuesParam }));
    if (params.error())
        return *params.error();
    auto selector = parseSelector(params, now);
    if (!selector.ok())
        return selector.error;
    TagsParams out { std::move(*selector.value) };
    if (auto error = parseCount(params, ValuesParam, Query::MaxValuesPerTag, out.valuesPerTag))
        return *error;
    return out;
}

Parsed<FunctionsParams> parseFunctionsParams(const QUrlQuery& query, double now)
{
    const Params params(query,
        withCallFilters({ Token, From, To, GroupBy, Groups, Baseline, BaselineFrom, BaselineTo, ExactParam }));
    if (params.error())
        return *params.error();
    FunctionsParams out;
    out.request.token = params.value(Token);
    if (auto error = parseTime(params, From, now, out.request.range.from))
        return *error;
    if (auto error = parseTime(params, To, now, out.request.range.to))
        return *error;
    if (out.request.range.isReversed())
        return ParamError { To, QStringLiteral("the range is reversed: from is after to") };
    if (auto error = parseCallFilters(params, out.request.tags, out.request.outcome))
        return *error;
    if (auto error = parseGroupBy(params, out.request.groupBy))
        return *error;
    if (auto error = parseCount(params, Groups, Query::MaxTopGroups, out.request.topGroups))
        return *error;
    if (auto error = parseExact(params, out.request.exact))
        return *error;
    if (params.value(Baseline) || params.value(BaselineFrom) || params.value(BaselineTo)) {
        if (!out.request.range.from)
            return ParamError { From, QStringLiteral("a baseline needs the start of the range, e.g. from=now-1h") };
        if (!out.request.range.to)
            out.request.range.to = std::max(now, *out.request.range.from);
        auto baseline = parseBaseline(params, now);
        if (!baseline.ok())
            return baseline.error;
        out.baseline = *baseline.value;
    }
    return out;
}

Parsed<ChangesParams> parseChangesParams(const QUrlQuery& query, double now)
{
    constexpr double Day = 86400;
    constexpr int MaxChanges = 1000;
    constexpr int MaxMinCalls = 1000000;
    const Params params(query, { Key, Token, From, To, TagParam, MinCalls, MinEffect, Fdr, Limit, GroupBy, Groups });
    if (params.error())
        return *params.error();
    ChangesParams out;
    ChangeRequest& request = out.request;
    request.key = params.value(Key);
    if (request.key && request.key->isEmpty())
        return ParamError { Key, QStringLiteral("\"key\" is empty") };
    request.token = params.value(Token);
    if (auto error = parseTime(params, From, now, request.range.from))
        return *error;
    if (auto error = parseTime(params, To, now, request.range.to))
        return *error;
    if (!request.range.to)
        request.range.to = std::max(now, request.range.from.value_or(now));
    if (!request.range.from)
        request.range.from = *request.range.to - Day;
    if (request.range.isReversed())
        return ParamError { To, QStringLiteral("the range is reversed: from is after to") };
    CallOutcome outcome = CallOutcome::All;
    if (auto error = parseCallFilters(params, request.tags, outcome))
        return *error;
    int minCalls = int(request.options.minCallsPerSide);
    if (auto error = parseCount(params, MinCalls, MaxMinCalls, minCalls))
        return *error;
    request.options.minCallsPerSide = minCalls;
    if (auto error = parseMinEffect(params, request.options.minEffect))
        return *error;
    if (auto error = parseFdr(params, request.options.falseDiscoveryRate))
        return *error;
    if (auto error = parseCount(params, Limit, MaxChanges, out.limit))
        return *error;
    if (auto error = parseGroupBy(params, request.groupBy))
        return *error;
    if (auto error = parseCount(params, Groups, Query::MaxTopGroups, request.groups))
        return *error;
    if (params.value(Groups) && request.groupBy.isEmpty())
        return ParamError { Groups, QStringLiteral("\"groups\" needs group_by") };
    return out;
}

Parsed<AnnotationsParams> parseAnnotationsParams(const QUrlQuery& query, double now)
{
    const Params params(query, { From, To, Limit });
    if (params.error())
        return *params.error();
    AnnotationsParams out;
    if (auto error = parseTime(params, From, now, out.range.from))
        return *error;
    if (auto error = parseTime(params, To, now, out.range.to))
        return *error;
    if (out.range.isReversed())
        return ParamError { To, QStringLiteral("the range is reversed: from is after to") };
    if (auto error = parseCount(params, Limit, Query::MaxAnnotations, out.limit))
        return *error;
    return out;
}

Parsed<DeleteParams> parseDeleteParams(const QUrlQuery& query, double now)
{
    const Params params(query, { Key, Token, From, To });
    if (params.error())
        return *params.error();
    DeleteParams out;
    out.request.key = params.value(Key);
    out.request.token = params.value(Token);
    if (!out.request.key && !out.request.token)
        return ParamError { Key, QStringLiteral("say what to delete: key=, token= or both (with from= and to= for a range)") };
    if (out.request.key && out.request.key->isEmpty())
        return ParamError { Key, QStringLiteral("the key is empty") };
    if (auto error = parseTime(params, From, now, out.request.range.from))
        return *error;
    if (auto error = parseTime(params, To, now, out.request.range.to))
        return *error;
    if (out.request.range.isReversed())
        return ParamError { To, QStringLiteral("the range is reversed: from is after to") };
    return out;
}

Parsed<AlertsParams> parseAlertsParams(const QUrlQuery& query)
{
    const QString State = QStringLiteral("state");
    const QString History = QStringLiteral("history");
    const Params params(query, { State, History });
    if (params.error())
        return *params.error();
    AlertsParams out;
    if (const auto text = params.value(State)) {
        out.state = parseAlertState(*text);
        if (!out.state)
            return ParamError { State,
                QStringLiteral("\"state\" must be ok, pending, firing, resolving or resolved, not \"%1\"").arg(*text) };
    }
    if (const auto text = params.value(History)) {
        bool ok = false;
        const int count = text->toInt(&ok);
        if (!ok || count < 0 || count > 50)
            return ParamError { History,
                QStringLiteral("\"history\" must be a whole number from 0 to 50, not \"%1\"").arg(*text) };
        out.history = count;
    }
    return out;
}

std::optional<ParamError> checkNoParams(const QUrlQuery& query)
{
    return Params(query, {}).error();
}

} // namespace Kodemon
