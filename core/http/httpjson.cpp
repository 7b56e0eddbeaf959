// SPDX-License-Identifier: MIT
#include "http/httpjson.h"

#include "base/csv.h"
#include "base/tagfilter.h"
#include "http/listenerjson.h"

#include <cmath>
#include <QJsonDocument>
#include <QJsonObject>

namespace Kodemon::Json {

namespace {

QByteArray member(const char* name, const QByteArray& value)
{
    return '"' + QByteArray(name) + "\":" + value;
}

QByteArray object(std::initializer_list<QByteArray> members)
{
    QByteArray out = "{";
    for (const auto& m : members) {
        if (out.size() > 1)
            out += ',';
        out += m;
    }
    return out + '}';
}

QByteArray filterMembers(const QList<TagFilter>& tags, CallOutcome outcome)
{
    QByteArray list = "[";
    for (const auto& filter : tags) {
        if (list.size() > 1)
            list += ',';
        list += string(formatTagFilter(filter));
    }
    return member("tags", list + ']') + ',' + member("outcome", string(outcomeName(outcome)));
}

QByteArray selectorMembers(const SeriesSelector& selector)
{
    return member("key", string(selector.key)) + ',' + member("token", optionalString(selector.token)) + ','
        + member("from", optionalNumber(selector.range.from)) + ',' + member("to", optionalNumber(selector.range.to))
        + ',' + filterMembers(selector.tags, selector.outcome);
}

QByteArray seconds(qint64 value)
{
    return value > 0 ? QByteArray::number(value) : QByteArrayLiteral("null");
}

// The policy (null: no limit) and what the store keeps by tier.
QByteArray retention(const ServerStatus& s)
{
    const StorageStatus& kept = s.storage;
    return object({ member("raw_seconds", seconds(s.retention.raw)),
        member("summary_seconds", seconds(s.retention.summaries)), member("max_bytes", seconds(s.retention.maxBytes)),
        member("starts_at", kept.retentionStartsAt ? QByteArray::number(*kept.retentionStartsAt) : QByteArrayLiteral("null")),
        member("oldest_call", optionalNumber(kept.oldestCall)), member("oldest_summary", optionalNumber(kept.oldestSummary)),
        member("call_bytes", QByteArray::number(kept.callBytes)), member("summary_bytes", QByteArray::number(kept.summaryBytes)),
        member("summarized_calls", QByteArray::number(kept.summarizedCalls)) });
}

QByteArray tagIndex(const TagIndexStatus& index)
{
    QByteArray examples = "[";
    for (const auto& example : index.examples) {
        if (examples.size() > 1)
            examples += ',';
        examples += object({ member("key", string(example.id.key)), member("token", string(example.id.token)),
            member("tag", string(example.tag)) });
    }
    return object({ member("values_per_tag", QByteArray::number(index.valuesPerTag)),
        member("overflowed", QByteArray::number(index.overflowed)), member("overflowed_tags", examples + ']') });
}

QByteArray errorRate(qint64 errors, qint64 count)
{
    return count > 0 ? number(double(errors) / double(count)) : QByteArrayLiteral("null");
}

QByteArray group(const TagGroup& group)
{
    static const char* const Kinds[] = { "value", "other", "missing" };
    return object({ member("kind", string(QLatin1String(Kinds[int(group.kind)]))),
        member("value", group.kind == TagGroup::Kind::Value ? string(group.value) : QByteArrayLiteral("null")) });
}

QByteArray bucketList(const BucketedSeries& series)
{
    QByteArray out = "[";
    for (qsizetype i = 0; i < series.buckets.size(); ++i) {
        const auto& b = series.buckets.at(i);
        if (i > 0)
            out += ',';
        out += object({ member("t", number(b.start)), member("count", QByteArray::number(b.count)),
            member("min", number(b.min)), member("mean", number(b.mean)), member("max", number(b.max)),
            member("p95", number(b.p95)), member("errors", QByteArray::number(b.errors)) });
    }
    return out + ']';
}

QByteArray address(const QHostAddress& host, quint16 port)
{
    return object({ member("address", string(host.toString())), member("port", QByteArray::number(port)) });
}

QByteArray rejected(const IngestSnapshot& counters)
{
    QByteArray out = "{";
    for (int i = 0; i < RejectReasonCount; ++i) {
        if (i > 0)
            out += ',';
        out += string(rejectReasonName(RejectReason(i))) + ':' + QByteArray::number(counters.rejected[size_t(i)]);
    }
    return out + '}';
}

QByteArray counters(const IngestSnapshot& c)
{
    return object({ member("datagrams_received", QByteArray::number(c.datagrams)),
        member("samples_accepted", QByteArray::number(c.accepted)),
        member("samples_stored", QByteArray::number(c.stored)),
        member("samples_unstored", QByteArray::number(c.unstored)),
        member("samples_pending", QByteArray::number(c.pending)),
        member("memory_bytes", QByteArray::number(c.memoryBytes)),
        member("samples_spooled", QByteArray::number(c.spooled)),
        member("spool_bytes", QByteArray::number(c.spoolBytes)),
        member("rejected_total", QByteArray::number(c.rejectedTotal())), member("rejected", rejected(c)),
        member("kernel_drops", QByteArray::number(c.kernelDrops)),
        member("receive_buffer_bytes", QByteArray::number(c.receiveBufferBytes)),
        member("store_error", c.storeError.isEmpty() ? QByteArrayLiteral("null") : string(c.storeError)) });
}

QByteArray statsMembers(const KeyStats& s)
{
    return member("count", QByteArray::number(s.count)) + ',' + member("min", number(s.min)) + ','
        + member("max", number(s.max)) + ',' + member("mean", number(s.mean)) + ',' + member("stddev", number(s.stddev))
        + ',' + member("p50", number(s.p50)) + ',' + member("p90", number(s.p90)) + ',' + member("p95", number(s.p95))
        + ',' + member("p99", number(s.p99)) + ',' + member("p999", number(s.p999)) + ','
        + member("errors", QByteArray::number(s.errors)) + ',' + member("error_rate", errorRate(s.errors, s.count))
        + ',' + member("exact", s.exact ? "true" : "false");
}

QByteArray rangeStats(const TimeRange& range, const KeyStats& s)
{
    return '{' + member("from", optionalNumber(range.from)) + ',' + member("to", optionalNumber(range.to)) + ','
        + member("calls_per_second", number(callRate(s.count, range))) + ',' + statsMembers(s) + '}';
}

QByteArray change(const char* name, double current, double baseline)
{
    return member(name, optionalNumber(percentChange(current, baseline)));
}

} // namespace

QByteArray string(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uchar(c) < 0x20)
                out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    return out + '"';
}

QByteArray optionalString(const std::optional<QString>& text)
{
    return text ? string(*text) : QByteArrayLiteral("null");
}

QByteArray number(double value)
{
    return std::isfinite(value) ? Csv::number(value) : QByteArrayLiteral("null");
}

QByteArray optionalNumber(const std::optional<double>& value)
{
    return value ? number(*value) : QByteArrayLiteral("null");
}

QByteArray extraObject(const QByteArray& extra)
{
    if (extra.isEmpty())
        return QByteArrayLiteral("{}");
    // Stored by Kodemon itself as compact JSON; checked anyway, since one bad row must not break a whole page.
    const auto document = QJsonDocument::fromJson(extra);
    return document.isObject() ? extra : QByteArrayLiteral("{}");
}

QByteArray keys(const QList<SeriesInfo>& series)
{
    QByteArray out = "{\"keys\":[";
    for (qsizetype i = 0; i < series.size(); ++i) {
        const auto& s = series.at(i);
        if (i > 0)
            out += ',';
        out += object({ member("key", string(s.id.key)), member("token", string(s.id.token)),
            member("count", QByteArray::number(s.count)), member("first", number(s.first)),
            member("last", number(s.last)), member("mean", number(s.mean())),
            member("errors", QByteArray::number(s.errors)) });
    }
    return out + "]}";
}

QByteArray execution(const StoredSample& sample)
{
    return object(
        { member("timestamp", number(sample.timestamp)), member("execution_time", number(sample.executionTime)),
            member("token", string(sample.token)), member("extra", extraObject(sample.extra)) });
}

QByteArray executionsOpening(const SeriesSelector& selector)
{
    return '{' + selectorMembers(selector) + ",\"executions\":[";
}

QByteArray executionsClosing(const std::optional<QString>& next)
{
    return "]," + member("next", optionalString(next)) + '}';
}

QByteArray stats(const SeriesSelector& selector, const KeyStats& s)
{
    return '{' + selectorMembers(selector) + ',' + statsMembers(s) + '}';
}

QByteArray series(const SeriesSelector& selector, const BucketedSeries& series)
{
    return '{' + selectorMembers(selector) + ',' + member("step", number(series.step)) + ','
        + member("origin", optionalNumber(series.origin)) + ',' + member("exact", series.exact ? "true" : "false") + ',' + member("buckets", bucketList(series)) + '}';
}

QByteArray groupedSeries(const SeriesSelector& selector, const QString& groupBy, const QList<GroupedSeries>& lines)
{
    QByteArray groups = "[";
    for (const auto& line : lines) {
        if (groups.size() > 1)
            groups += ',';
        groups += object({ member("group", group(line.group)), member("count", QByteArray::number(line.count)),
            member("buckets", bucketList(line.series)) });
    }
    const double step = lines.isEmpty() ? 0 : lines.first().series.step;
    return '{' + selectorMembers(selector) + ',' + member("group_by", string(groupBy)) + ','
        + member("step", number(step)) + ',' + member("groups", groups + ']') + '}';
}

QByteArray tags(const SeriesSelector& selector, const QList<TagSummary>& tags)
{
    QByteArray list = "[";
    for (const auto& tag : tags) {
        if (list.size() > 1)
            list += ',';
        QByteArray values = "[";
        for (const auto& value : tag.values) {
            if (values.size() > 1)
                values += ',';
            values += object({ member("value", string(value.value)), member("calls", QByteArray::number(value.calls)) });
        }
        list += object({ member("name", string(tag.name)), member("calls", QByteArray::number(tag.calls)),
            member("values", values + ']'), member("other_values", QByteArray::number(tag.otherValues)),
            member("overflowed", tag.overflowed ? "true" : "false") });
    }
    return '{' + selectorMembers(selector) + ',' + member("tags", list + ']') + '}';
}

QByteArray functions(const FunctionsTable& table)
{
    const SummaryRequest& request = table.request;
    QByteArray rows = "[";
    for (const auto& row : table.rows) {
        if (rows.size() > 1)
            rows += ',';
        const SeriesSummary& s = row.current;
        QByteArray members = member("key", string(s.info.id.key)) + ',' + member("token", string(s.info.id.token)) + ','
            + (s.group ? member("group", group(*s.group)) + ',' : QByteArray()) + member("count", QByteArray::number(s.count))
            + ',' + member("mean", number(s.mean)) + ',' + member("p95", number(s.p95)) + ','
            + member("errors", QByteArray::number(s.errors)) + ',' + member("error_rate", errorRate(s.errors, s.count))
            + ',' + member("first", number(s.info.first)) + ',' + member("last", number(s.info.last)) + ','
            + member("total_count", QByteArray::number(s.info.count)) + ',' + member("exact", s.exact ? "true" : "false");
        if (table.baseline) {
            const SeriesSummary then = row.baseline.value_or(SeriesSummary {});
            members += ',' + member("baseline",
                           object({ member("count", QByteArray::number(then.count)), member("mean", number(then.mean)),
                               member("p95", number(then.p95)), member("errors", QByteArray::number(then.errors)) }))
                + ',' + member("change",
                    object({ change("count_pct", double(s.count), double(then.count)),
                        change("p95_pct", s.p95, then.p95), change("mean_pct", s.mean, then.mean) }));
        }
        rows += '{' + members + '}';
    }
    const QByteArray baseline = table.baseline
        ? object({ member("from", optionalNumber(table.baseline->from)), member("to", optionalNumber(table.baseline->to)) })
        : QByteArrayLiteral("null");
    return object({ member("token", optionalString(request.token)), member("from", optionalNumber(request.range.from)),
        member("to", optionalNumber(request.range.to)), filterMembers(request.tags, request.outcome),
        member("group_by", request.groupBy.isEmpty() ? QByteArrayLiteral("null") : string(request.groupBy)),
        member("baseline", baseline), member("functions", rows + ']') });
}

QByteArray comparison(const SeriesSelector& selector, const Comparison& c, const ComparisonOptions& options)
{
    const auto& now = c.currentStats;
    const auto& then = c.baselineStats;
    const QByteArray changes = object({ change("count_pct", double(now.count), double(then.count)),
        change("calls_per_second_pct", callRate(now.count, c.current), callRate(then.count, c.baseline)),
        change("mean_pct", now.mean, then.mean), change("p50_pct", now.p50, then.p50),
        change("p90_pct", now.p90, then.p90), change("p95_pct", now.p95, then.p95),
        change("p99_pct", now.p99, then.p99), change("max_pct", now.max, then.max) });
    const QByteArray test = object({ member("method", string(QStringLiteral("mann-whitney-u"))),
        member("u", number(c.test.u)), member("z", number(c.test.z)), member("p_value", number(c.test.pValue)),
        member("exact", c.test.exact ? "true" : "false"), member("n_current", QByteArray::number(c.test.n1)),
        member("n_baseline", QByteArray::number(c.test.n2)), member("sampled", c.sampled ? "true" : "false") });
    return '{' + selectorMembers(selector) + ',' + member("current", rangeStats(c.current, now)) + ','
        + member("baseline", rangeStats(c.baseline, then)) + ',' + member("change", changes) + ','
        + member("median_shift_pct", number(c.medianShift * 100)) + ',' + member("test", test) + ','
        + member("min_effect_pct", number(options.minimumEffect * 100)) + ','
        + member("significance", number(options.significance)) + ','
        + member("verdict", string(verdictName(c.verdict))) + '}';
}

QByteArray status(const ServerStatus& s)
{
    return object({ member("version", string(QStringLiteral(KODEMON_VERSION))), member("started", number(s.startedAt)),
        member("uptime_seconds", number(std::round((s.now - s.startedAt) * 1000) / 1000)),
        member("udp", address(s.udpAddress, s.udpPort)), member("http", address(s.httpAddress, s.httpPort)),
        member("database",
            object(
                { member("path", string(s.databasePath)), member("size_bytes", QByteArray::number(s.databaseBytes)) })),
        member("counters", counters(s.counters)), member("tags", tagIndex(s.tagIndex)),
        member("retention", retention(s)),
        member("listeners", listeners(s.counters.listeners)) });
}

QByteArray deleted(const DeleteRequest& request, qint64 calls)
{
    return object({ member("deleted", QByteArray::number(calls)), member("key", optionalString(request.key)),
        member("token", optionalString(request.token)), member("from", optionalNumber(request.range.from)),
        member("to", optionalNumber(request.range.to)) });
}

QByteArray scopedStatus(const ServerStatus& s, const QStringList& tokens)
{
    QByteArray list = "[";
    for (const auto& token : tokens)
        list += (list.size() > 1 ? "," : "") + string(token);
    return object({ member("version", string(QStringLiteral(KODEMON_VERSION))), member("started", number(s.startedAt)),
        member("uptime_seconds", number(std::round((s.now - s.startedAt) * 1000) / 1000)),
        member("scope", object({ member("tokens", list + ']') })) });
}

} // namespace Kodemon::Json
