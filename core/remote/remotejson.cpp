// SPDX-License-Identifier: MIT
#include "remote/remotejson.h"

#include "base/jsonscanner.h"
#include "base/rejectreason.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Kodemon::RemoteJson {

namespace {

// Reads named members, remembering whether any was missing or of the wrong type.
class Fields final
{
public:
    explicit Fields(const QJsonObject& object)
        : m_object(object)
    { }

    double number(const char* name)
    {
        const QJsonValue value = m_object.value(QLatin1String(name));
        m_ok = m_ok && value.isDouble();
        return value.toDouble();
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
    bool ok() const { return m_ok; }

private:
    const QJsonObject& m_object;
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
    return fields.ok() ? std::optional(stats) : std::nullopt;
}

std::optional<BucketedSeries> series(const QJsonObject& answer)
{
    Fields fields(answer);
    BucketedSeries series;
    series.step = fields.number("step");
    const auto buckets = arrayOf(answer, "buckets");
    if (!fields.ok() || !buckets)
        return std::nullopt;
    series.buckets.reserve(buckets->size());
    for (const QJsonValue& value : *buckets) {
        Fields bucket(value.toObject());
        series.buckets.append(SeriesBucket { bucket.number("t"), bucket.integer("count"), bucket.number("min"),
            bucket.number("mean"), bucket.number("max"), bucket.number("p95") });
        if (!bucket.ok())
            return std::nullopt;
    }
    return series;
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
    const QJsonObject database = answer.value(QStringLiteral("database")).toObject();
    status.databaseLocation = database.value(QStringLiteral("path")).toString();
    status.databaseBytes = database.value(QStringLiteral("size_bytes")).toInteger(-1);
    status.problem = status.counters.storeError;
    status.state = status.problem.isEmpty() ? CollectorStatus::State::Listening : CollectorStatus::State::StoreFailing;
    return status;
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
