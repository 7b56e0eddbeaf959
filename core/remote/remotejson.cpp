// SPDX-License-Identifier: MIT
#include "remote/remotejson.h"

#include "base/jsonscanner.h"
#include "base/rejectreason.h"

#include <limits>
#include <QJsonArray>
#include <QJsonDocument>

namespace Kodemon::RemoteJson {

namespace {

// Reads named members, remembering whether any was missing or of the wrong type.
class Fields final
{
public:
    // By value: callers pass temporaries (value.toObject()), which a reference would outlive.
    explicit Fields(QJsonObject object)
        : m_object(std::move(object))
    { }

    double number(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && value.isDouble();
        return value.toDouble();
    }
    // A count newer servers send and older ones do not: 0 when absent.
    std::optional<double> optionalNumber(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && (value.isDouble() || value.isUndefined() || value.isNull());
        return value.isDouble() ? std::optional(value.toDouble()) : std::nullopt;
    }
    qint64 optionalInteger(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && (value.isDouble() || value.isUndefined());
        return value.toInteger();
    }
    qint64 integer(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && value.isDouble();
        return value.toInteger();
    }
    QString string(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && value.isString();
        return value.toString();
    }
    // A number the server writes as null when it is not finite (core/http/httpjson.cpp number()): NaN then.
    double nullableNumber(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && (value.isDouble() || value.isNull());
        return value.isNull() ? std::numeric_limits<double>::quiet_NaN() : value.toDouble();
    }
    bool boolean(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && value.isBool();
        return value.toBool();
    }
    // An object member, or null: nothing then.
    std::optional<QJsonObject> optionalObject(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && (value.isObject() || value.isNull());
        return value.isObject() ? std::optional(value.toObject()) : std::nullopt;
    }
    bool ok() const { return m_ok; }

private:
    QJsonObject m_object;
    bool m_ok = true;
};

std::optional<QJsonArray> arrayOf(const QJsonObject& answer, const char* name)
{
    const QJsonValue value = answer.value(QLatin1String(name));
    return value.isArray() ? std::optional<QJsonArray>(value.toArray()) : std::nullopt;
}

std::optional<QList<QByteArray>> membersOfElements(JsonScanner& scanner, const QByteArray& member)
{
    QList<QByteArray> values;
    if (!scanner.take('['))
        return std::nullopt;
    if (scanner.take(']'))
        return values;
    do {
        QByteArray found; // an element without the member: empty
        if (!scanner.take('{'))
            return std::nullopt;
        if (!scanner.take('}')) {
            do {
                QByteArrayView name;
                QByteArrayView raw;
                if (!scanner.string(name) || !scanner.take(':') || !scanner.value(raw))
                    return std::nullopt;
                if (name == member)
                    found = raw.toByteArray();
            } while (scanner.take(','));
            if (!scanner.take('}'))
                return std::nullopt;
        }
        values.append(found);
    } while (scanner.take(','));
    return scanner.take(']') ? std::optional(values) : std::nullopt;
}

// The server writes "{}" for a call without extra data; the store's value for that is empty.
QByteArray extraOf(const QJsonObject& row, const std::optional<QList<QByteArray>>& raw, qsizetype index)
{
    QByteArray extra = raw
        ? raw->at(index)
        : QJsonDocument(row.value(QStringLiteral("extra")).toObject()).toJson(QJsonDocument::Compact);
    return extra == "{}" ? QByteArray() : extra;
}

IngestSnapshot countersOf(const QJsonObject& json)
{
    IngestSnapshot c;
    c.datagrams = json.value(QStringLiteral("datagrams_received")).toInteger();
    c.accepted = json.value(QStringLiteral("samples_accepted")).toInteger();
    c.stored = json.value(QStringLiteral("samples_stored")).toInteger();
    c.unstored = json.value(QStringLiteral("samples_unstored")).toInteger();
    c.pending = json.value(QStringLiteral("samples_pending")).toInteger();
    c.spooled = json.value(QStringLiteral("samples_spooled")).toInteger();
    c.spoolBytes = json.value(QStringLiteral("spool_bytes")).toInteger();
    c.kernelDrops = json.value(QStringLiteral("kernel_drops")).toInteger();
    c.receiveBufferBytes = int(json.value(QStringLiteral("receive_buffer_bytes")).toInteger());
    c.storeError = json.value(QStringLiteral("store_error")).toString();
    const QJsonObject rejected = json.value(QStringLiteral("rejected")).toObject();
    for (int i = 0; i < RejectReasonCount; ++i)
        c.rejected[size_t(i)] = rejected.value(rejectReasonName(RejectReason(i))).toInteger();
    return c;
}

QString endpointOf(const QJsonObject& udp)
{
    const QString address = udp.value(QStringLiteral("address")).toString();
    const qint64 port = udp.value(QStringLiteral("port")).toInteger();
    return address.contains(u':') ? QStringLiteral("[%1]:%2").arg(address).arg(port)
                                  : QStringLiteral("%1:%2").arg(address).arg(port);
}

std::optional<ListenerStatus::State> listenerState(const QJsonValue& value)
{
    for (const auto state :
        { ListenerStatus::State::Off, ListenerStatus::State::Listening, ListenerStatus::State::Unavailable }) {
        if (value.toString() == listenerStateName(state))
            return state;
    }
    return std::nullopt;
}

// {"state","address","problem","<unit>_received","calls_accepted"[,"kernel_drops"],"<group>":{name: count}..}.
// Nothing when it has no known state: a newer server's state is not guessed.
std::optional<ListenerStatus> listenerOf(const QString& protocol, const QJsonObject& json)
{
    const auto state = listenerState(json.value(QStringLiteral("state")));
    if (!state)
        return std::nullopt;
    ListenerStatus l;
    l.protocol = protocol;
    l.state = *state;
    l.endpoint = json.value(QStringLiteral("address")).toString();
    l.problem = json.value(QStringLiteral("problem")).toString();
    l.calls = json.value(QStringLiteral("calls_accepted")).toInteger();
    l.kernelDrops = json.value(QStringLiteral("kernel_drops")).toInteger(-1);
    const QLatin1String received("_received");
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key().endsWith(received) && it.value().isDouble()) {
            l.unit = it.key().chopped(received.size());
            l.received = it.value().toInteger();
        } else if (it.value().isObject()) {
            CountGroup group { it.key(), {} };
            const QJsonObject counts = it.value().toObject();
            for (auto count = counts.begin(); count != counts.end(); ++count)
                group.counts.append({ count.key(), count.value().toInteger() });
            l.groups.append(std::move(group));
        }
    }
    return l;
}

// The listeners this viewer can name, in the order a local Kodemon lists them (StatsD, then OTLP), whatever order
// the JSON object keeps. One a newer server adds is left out rather than shown under another's name (fuzz_remotejson
// found a listener named "" that the status bar called "OTLP").
QList<ListenerStatus> listenersOf(const QJsonObject& json)
{
    QList<ListenerStatus> listeners;
    for (const QString& protocol : { QStringLiteral("statsd"), QStringLiteral("otlp") }) {
        const QJsonValue value = json.value(protocol);
        if (auto listener = value.isObject() ? listenerOf(protocol, value.toObject()) : std::nullopt)
            listeners.append(std::move(*listener));
    }
    return listeners;
}

// {"from","to","calls","errors","error_rate","p50","p95"}
std::optional<ChangeSide> sideOf(const QJsonValue& value)
{
    Fields fields(value.toObject());
    ChangeSide side { fields.number("from"), fields.number("to"), fields.integer("calls"), fields.integer("errors"),
        fields.number("p50"), fields.number("p95") };
    return value.isObject() && fields.ok() ? std::optional(side) : std::nullopt;
}

std::optional<ChangeMetric> metricOf(const QString& name)
{
    for (const auto metric : { ChangeMetric::Median, ChangeMetric::P95, ChangeMetric::ErrorRate }) {
        if (name == metricName(metric))
            return metric;
    }
    return std::nullopt;
}

// {"id","time","end","text","tags":[..],"token"}, as GET /api/annotations lists them.
std::optional<Annotation> annotationOf(const QJsonObject& json)
{
    Fields fields(json);
    Annotation a;
    a.id = fields.integer("id");
    a.time = fields.number("time");
    const QJsonValue end = json.value(QStringLiteral("end"));
    if (end.isDouble())
        a.end = end.toDouble();
    a.text = fields.string("text");
    a.token = json.value(QStringLiteral("token")).toString();
    for (const QJsonValue& tag : json.value(QStringLiteral("tags")).toArray())
        a.tags.append(tag.toString());
    return fields.ok() && (end.isDouble() || end.isNull()) ? std::optional(a) : std::nullopt;
}

// A {"tag","value"} member (release, group), or null.
bool tagValueOf(Fields& fields, const char* name, QString& tag, QString& value)
{
    const auto object = fields.optionalObject(name);
    if (!object)
        return true;
    Fields pair(*object);
    tag = pair.string("tag");
    value = pair.string("value");
    return pair.ok();
}

std::optional<Change> changeOf(const QJsonObject& json)
{
    Fields fields(json);
    Change c;
    c.id = KeyId { fields.string("token"), fields.string("key") };
    c.time = fields.number("time");
    const auto metric = metricOf(fields.string("metric"));
    c.relativeChange = fields.nullableNumber("change_pct") / 100;
    c.improvement = fields.boolean("improvement");
    c.pValue = fields.nullableNumber("p_value");
    c.medianChanged = fields.boolean("median_changed");
    c.p95Changed = fields.boolean("p95_changed");
    c.callsAffected = fields.integer("calls_affected");
    c.impact = fields.nullableNumber("impact");
    c.bucketSeconds = fields.number("bucket_seconds");
    const auto before = sideOf(json.value(QStringLiteral("before")));
    const auto after = sideOf(json.value(QStringLiteral("after")));
    const bool pairs = tagValueOf(fields, "release", c.releaseTag, c.release)
        && tagValueOf(fields, "group", c.groupTag, c.groupValue);
    const auto marker = fields.optionalObject("annotation");
    if (marker)
        c.annotation = annotationOf(*marker);
    if (!fields.ok() || !metric || !before || !after || !pairs || (marker && !c.annotation))
        return std::nullopt;
    c.metric = *metric;
    c.before = *before;
    c.after = *after;
    return c;
}

} // namespace

std::optional<QJsonObject> object(const QByteArray& body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    return document.isObject() ? std::optional(document.object()) : std::nullopt;
}

std::optional<QList<SeriesInfo>> keys(const QJsonObject& answer)
{
    const auto rows = arrayOf(answer, "keys");
    if (!rows)
        return std::nullopt;
    QList<SeriesInfo> series;
    series.reserve(rows->size());
    for (const QJsonValue& row : *rows) {
        Fields fields(row.toObject());
        SeriesInfo info;
        info.id = KeyId { fields.string("token"), fields.string("key") };
        info.count = fields.integer("count");
        info.first = fields.number("first");
        info.last = fields.number("last");
        info.totalExecutionTime = fields.number("mean") * double(info.count);
        info.errors = fields.optionalInteger("errors");
        if (!fields.ok())
            return std::nullopt;
        series.append(info);
    }
    return series;
}

std::optional<SamplePage> executions(const QJsonObject& answer, const QByteArray& body)
{
    const auto rows = arrayOf(answer, "executions");
    const QJsonValue next = answer.value(QStringLiteral("next"));
    if (!rows || !(next.isString() || next.isNull()))
        return std::nullopt;
    auto raw = rawMembers(body, "executions", "extra");
    if (raw && raw->size() != rows->size())
        raw.reset();
    SamplePage page;
    page.samples.reserve(rows->size());
    for (qsizetype i = 0; i < rows->size(); ++i) {
        const QJsonObject row = rows->at(i).toObject();
        Fields fields(row);
        StoredSample sample;
        sample.timestamp = fields.number("timestamp");
        sample.executionTime = fields.number("execution_time");
        sample.token = fields.string("token");
        sample.extra = extraOf(row, raw, i);
        if (!fields.ok())
            return std::nullopt;
        page.samples.append(sample);
    }
    if (next.isString())
        page.next = next.toString();
    return page;
}

std::optional<KeyStats> stats(const QJsonObject& answer)
{
    Fields fields(answer);
    KeyStats stats;
    stats.count = fields.integer("count");
    stats.min = fields.number("min");
    stats.max = fields.number("max");
    stats.mean = fields.number("mean");
    stats.stddev = fields.number("stddev");
    stats.p50 = fields.number("p50");
    stats.p90 = fields.number("p90");
    stats.p95 = fields.number("p95");
    stats.p99 = fields.number("p99");
    stats.p999 = fields.number("p999");
    stats.errors = fields.optionalInteger("errors");
    stats.exact = answer.value(QStringLiteral("exact")).toBool(true);
    return fields.ok() ? std::optional(stats) : std::nullopt;
}

std::optional<BucketedSeries> series(const QJsonObject& answer)
{
    Fields fields(answer);
    BucketedSeries series;
    series.step = fields.number("step");
    series.origin = fields.optionalNumber("origin");
    series.exact = answer.value(QStringLiteral("exact")).toBool(true);
    const auto buckets = arrayOf(answer, "buckets");
    if (!fields.ok() || !buckets)
        return std::nullopt;
    series.buckets.reserve(buckets->size());
    for (const QJsonValue& value : *buckets) {
        Fields bucket(value.toObject());
        series.buckets.append(SeriesBucket { bucket.number("t"), bucket.integer("count"), bucket.number("min"),
            bucket.number("mean"), bucket.number("max"), bucket.number("p95"), bucket.optionalInteger("errors") });
        if (!bucket.ok())
            return std::nullopt;
    }
    return series;
}

std::optional<TagGroup> group(const QJsonValue& value)
{
    const QJsonObject object = value.toObject();
    const QString kind = object.value(QStringLiteral("kind")).toString();
    const QJsonValue text = object.value(QStringLiteral("value"));
    if (kind == u"value" && text.isString())
        return TagGroup { TagGroup::Kind::Value, text.toString() };
    if (kind == u"other")
        return TagGroup { TagGroup::Kind::Other, {} };
    if (kind == u"missing")
        return TagGroup { TagGroup::Kind::Missing, {} };
    return std::nullopt;
}

std::optional<QList<GroupedSeries>> groupedSeries(const QJsonObject& answer)
{
    const auto groups = arrayOf(answer, "groups");
    const double step = answer.value(QStringLiteral("step")).toDouble();
    if (!groups)
        return std::nullopt;
    QList<GroupedSeries> lines;
    for (const QJsonValue& value : *groups) {
        QJsonObject line = value.toObject();
        const auto which = group(line.value(QStringLiteral("group")));
        line.insert(QStringLiteral("step"), step);
        auto buckets = series(line);
        if (!which || !buckets || !line.value(QStringLiteral("count")).isDouble())
            return std::nullopt;
        lines.append({ *which, line.value(QStringLiteral("count")).toInteger(), std::move(*buckets) });
    }
    return lines;
}

std::optional<QList<TagSummary>> tags(const QJsonObject& answer)
{
    const auto rows = arrayOf(answer, "tags");
    if (!rows)
        return std::nullopt;
    QList<TagSummary> tags;
    for (const QJsonValue& row : *rows) {
        const QJsonObject object = row.toObject();
        Fields fields(object);
        TagSummary tag { fields.string("name"), fields.integer("calls"), {}, fields.integer("other_values"),
            object.value(QStringLiteral("overflowed")).toBool() };
        const auto values = arrayOf(object, "values");
        if (!fields.ok() || !values)
            return std::nullopt;
        for (const QJsonValue& value : *values) {
            Fields count(value.toObject());
            tag.values.append({ count.string("value"), count.integer("calls") });
            if (!count.ok())
                return std::nullopt;
        }
        tags.append(std::move(tag));
    }
    return tags;
}

std::optional<QList<SeriesSummary>> functions(const QJsonObject& answer)
{
    const auto rows = arrayOf(answer, "functions");
    if (!rows)
        return std::nullopt;
    QList<SeriesSummary> summaries;
    for (const QJsonValue& value : *rows) {
        const QJsonObject row = value.toObject();
        Fields fields(row);
        SeriesSummary summary;
        summary.info.id = KeyId { fields.string("token"), fields.string("key") };
        summary.info.first = fields.number("first");
        summary.info.last = fields.number("last");
        summary.info.count = fields.integer("total_count");
        summary.count = fields.integer("count");
        summary.mean = fields.number("mean");
        summary.p95 = fields.number("p95");
        summary.errors = fields.integer("errors");
        summary.exact = row.value(QStringLiteral("exact")).toBool(true);
        if (row.contains(QStringLiteral("group"))) {
            summary.group = group(row.value(QStringLiteral("group")));
            if (!summary.group)
                return std::nullopt;
        }
        if (!fields.ok())
            return std::nullopt;
        summaries.append(std::move(summary));
    }
    return summaries;
}

std::optional<CollectorStatus> status(const QJsonObject& answer)
{
    if (!answer.value(QStringLiteral("version")).isString())
        return std::nullopt;
    CollectorStatus status;
    const QJsonValue udp = answer.value(QStringLiteral("udp"));
    const QJsonValue counters = answer.value(QStringLiteral("counters"));
    if (!udp.isObject() || !counters.isObject()) {
        status.state = CollectorStatus::State::Restricted;
        return status;
    }
    status.udpEndpoint = endpointOf(udp.toObject());
    status.counters = countersOf(counters.toObject());
    status.counters.listeners = listenersOf(answer.value(QStringLiteral("listeners")).toObject());
    const QJsonObject database = answer.value(QStringLiteral("database")).toObject();
    status.databaseLocation = database.value(QStringLiteral("path")).toString();
    status.databaseBytes = database.value(QStringLiteral("size_bytes")).toInteger(-1);
    status.problem = status.counters.storeError;
    status.state = status.problem.isEmpty() ? CollectorStatus::State::Listening : CollectorStatus::State::StoreFailing;
    return status;
}

std::optional<ChangeReport> changes(const QJsonObject& answer)
{
    const auto list = arrayOf(answer, "changes");
    Fields fields(answer);
    ChangeReport report;
    report.range = { fields.number("from"), fields.number("to") };
    report.functions = fields.integer("functions");
    report.calls = fields.integer("calls");
    report.options.minCallsPerSide = fields.integer("min_calls");
    report.options.minEffect = fields.number("min_effect_pct") / 100;
    report.options.significance = fields.number("significance");
    // A server from before the false discovery rate listed every change significant alone.
    report.options.falseDiscoveryRate = answer.value(QStringLiteral("false_discovery_rate")).toDouble(0);
    report.withheld = fields.optionalInteger("withheld");
    if (!list || !fields.ok())
        return std::nullopt;
    for (const QJsonValue& value : *list) {
        auto change = changeOf(value.toObject());
        if (!change)
            return std::nullopt;
        report.changes.append(std::move(*change));
    }
    return report;
}

std::optional<QList<Annotation>> annotations(const QJsonObject& answer)
{
    const auto list = arrayOf(answer, "annotations");
    if (!list)
        return std::nullopt;
    QList<Annotation> annotations;
    for (const QJsonValue& value : *list) {
        auto annotation = annotationOf(value.toObject());
        if (!annotation)
            return std::nullopt;
        annotations.append(std::move(*annotation));
    }
    return annotations;
}

std::optional<QList<QByteArray>> rawMembers(const QByteArray& json, const QByteArray& array, const QByteArray& member)
{
    JsonScanner scanner(json);
    if (!scanner.take('{') || scanner.take('}'))
        return std::nullopt;
    do {
        QByteArrayView name;
        QByteArrayView raw;
        if (!scanner.string(name) || !scanner.take(':'))
            return std::nullopt;
        if (name == array)
            return membersOfElements(scanner, member);
        if (!scanner.value(raw))
            return std::nullopt;
    } while (scanner.take(','));
    return std::nullopt;
}

} // namespace Kodemon::RemoteJson
