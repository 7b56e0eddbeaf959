// SPDX-License-Identifier: MIT
#include "http/httpjson.h"

#include "base/csv.h"
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

QByteArray selectorMembers(const SeriesSelector& selector)
{
    return member("key", string(selector.key)) + ',' + member("token", optionalString(selector.token)) + ','
        + member("from", optionalNumber(selector.range.from)) + ',' + member("to", optionalNumber(selector.range.to));
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
        member("samples_spooled", QByteArray::number(c.spooled)),
        member("spool_bytes", QByteArray::number(c.spoolBytes)),
        member("rejected_total", QByteArray::number(c.rejectedTotal())), member("rejected", rejected(c)),
        member("kernel_drops", QByteArray::number(c.kernelDrops)),
        member("receive_buffer_bytes", QByteArray::number(c.receiveBufferBytes)),
        member("store_error", c.storeError.isEmpty() ? QByteArrayLiteral("null") : string(c.storeError)) });
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
            member("last", number(s.last)), member("mean", number(s.mean())) });
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
    return '{' + selectorMembers(selector) + ',' + member("count", QByteArray::number(s.count)) + ','
        + member("min", number(s.min)) + ',' + member("max", number(s.max)) + ',' + member("mean", number(s.mean)) + ','
        + member("stddev", number(s.stddev)) + ',' + member("p50", number(s.p50)) + ',' + member("p90", number(s.p90))
        + ',' + member("p95", number(s.p95)) + ',' + member("p99", number(s.p99)) + ',' + member("p999", number(s.p999))
        + '}';
}

QByteArray series(const SeriesSelector& selector, const BucketedSeries& series)
{
    QByteArray out = '{' + selectorMembers(selector) + ',' + member("step", number(series.step)) + ",\"buckets\":[";
    for (qsizetype i = 0; i < series.buckets.size(); ++i) {
        const auto& b = series.buckets.at(i);
        if (i > 0)
            out += ',';
        out += object(
            { member("t", number(b.start)), member("count", QByteArray::number(b.count)), member("min", number(b.min)),
                member("mean", number(b.mean)), member("max", number(b.max)), member("p95", number(b.p95)) });
    }
    return out + "]}";
}

QByteArray status(const ServerStatus& s)
{
    return object({ member("version", string(QStringLiteral(KODEMON_VERSION))), member("started", number(s.startedAt)),
        member("uptime_seconds", number(std::round((s.now - s.startedAt) * 1000) / 1000)),
        member("udp", address(s.udpAddress, s.udpPort)), member("http", address(s.httpAddress, s.httpPort)),
        member("database",
            object(
                { member("path", string(s.databasePath)), member("size_bytes", QByteArray::number(s.databaseBytes)) })),
        member("counters", counters(s.counters)), member("listeners", listeners(s.counters.listeners)) });
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
