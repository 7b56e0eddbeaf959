// SPDX-License-Identifier: MIT
#include "http/changesjson.h"

#include "http/httpjson.h"

namespace Kodemon::Json {

namespace {

QByteArray member(const char* name, const QByteArray& value)
{
    return '"' + QByteArray(name) + "\":" + value;
}

QByteArray object(std::initializer_list<QByteArray> members)
{
    QByteArray text = "{";
    for (const auto& m : members) {
        if (text.size() > 1)
            text += ',';
        text += m;
    }
    return text + '}';
}

QByteArray boolean(bool value)
{
    return value ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
}

QByteArray side(const ChangeSide& s)
{
    return object({ member("from", number(s.from)), member("to", number(s.to)),
        member("calls", QByteArray::number(s.calls)), member("errors", QByteArray::number(s.errors)),
        member("error_rate", number(s.errorRate())), member("p50", number(s.p50)), member("p95", number(s.p95)) });
}

QByteArray change(const Change& c)
{
    const QByteArray release = c.release.isEmpty()
        ? QByteArrayLiteral("null")
        : object({ member("tag", string(c.releaseTag)), member("value", string(c.release)) });
    return object({ member("key", string(c.id.key)), member("token", string(c.id.token)),
        member("time", number(c.time)), member("metric", string(metricName(c.metric))),
        member("change_pct", number(c.relativeChange * 100)), member("improvement", boolean(c.improvement)),
        member("p_value", number(c.pValue)), member("median_changed", boolean(c.medianChanged)),
        member("p95_changed", boolean(c.p95Changed)), member("calls_affected", QByteArray::number(c.callsAffected)),
        member("impact", number(c.impact)), member("bucket_seconds", number(c.bucketSeconds)),
        member("before", side(c.before)), member("after", side(c.after)), member("release", release),
        member("annotation", c.annotation ? annotation(*c.annotation) : QByteArrayLiteral("null")),
        member("group", c.groupTag.isEmpty()
                ? QByteArrayLiteral("null")
                : object({ member("tag", string(c.groupTag)), member("value", string(c.groupValue)) })) });
}

} // namespace

QByteArray annotation(const Annotation& a)
{
    QByteArray tags = "[";
    for (const auto& tag : a.tags) {
        if (tags.size() > 1)
            tags += ',';
        tags += string(tag);
    }
    tags += ']';
    return object({ member("id", QByteArray::number(a.id)), member("time", number(a.time)),
        member("end", optionalNumber(a.end)), member("text", string(a.text)), member("tags", tags),
        member("token", a.token.isEmpty() ? QByteArrayLiteral("null") : string(a.token)) });
}

QByteArray annotations(const TimeRange& range, const QList<Annotation>& list)
{
    QByteArray items = "[";
    for (const auto& a : list) {
        if (items.size() > 1)
            items += ',';
        items += annotation(a);
    }
    items += ']';
    return object({ member("from", optionalNumber(range.from)), member("to", optionalNumber(range.to)),
        member("annotations", items) });
}

QByteArray changes(const ChangeReport& report, int limit)
{
    QByteArray list = "[";
    const qsizetype shown = std::min<qsizetype>(report.changes.size(), std::max(limit, 0));
    for (qsizetype i = 0; i < shown; ++i) {
        if (i > 0)
            list += ',';
        list += change(report.changes[i]);
    }
    list += ']';
    return object({ member("from", optionalNumber(report.range.from)), member("to", optionalNumber(report.range.to)),
        member("functions", QByteArray::number(report.functions)), member("calls", QByteArray::number(report.calls)),
        member("min_calls", QByteArray::number(report.options.minCallsPerSide)),
        member("min_effect_pct", number(report.options.minEffect * 100)),
        member("significance", number(report.options.significance)),
        member("false_discovery_rate", number(report.options.falseDiscoveryRate)),
        member("withheld", QByteArray::number(report.withheld)),
        member("total", QByteArray::number(report.changes.size())), member("changes", list) });
}

} // namespace Kodemon::Json
