// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousereader.h"

#include "clickhouse/clickhousecursor.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"
#include "base/calltags.h"

#include <algorithm>
#include <array>
#include <QHash>

namespace Kodemon {

namespace {

constexpr std::array<int, 5> StatsPermilles { 500, 900, 950, 990, 999 };

Error malformed()
{
    return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (a truncated or failed query)") };
}

// quantileExact(level) picks the element at index floor(level * n) of the sorted values; the nearest rank
// of permille p is the ceil(n * p / 1000)-th smallest (stats.cpp). A level half a rank below that index
// lands on it whatever the rounding.
QByteArray nearestRankLevels(qint64 n)
{
    QByteArray levels;
    for (const int permille : StatsPermilles) {
        const qint64 rank = std::clamp<qint64>((n * permille + 999) / 1000, 1, n);
        if (!levels.isEmpty())
            levels += ", ";
        levels += QByteArray::number((double(rank) - 0.5) / double(n), 'f', 20);
    }
    return levels;
}

} // namespace

ClickHouseReader::ClickHouseReader(const ClickHouseConfig& config)
    : m_client(config)
{ }

QByteArray ClickHouseReader::from() const
{
    // FINAL merges rows that share a sorting key (origin and seq included) at read time: a sample that was
    // resent after an uncertain failure counts once even before the table's parts merge.
    return " FROM " + ClickHouseSql::samplesTable(m_client.config()) + " FINAL ";
}

Result<QByteArray> ClickHouseReader::select(const QByteArray& sql)
{
    auto answer = m_client.query(sql + " FORMAT RowBinary");
    if (!answer)
        return answer.failure().withMessage(QStringLiteral("ClickHouse query failed: %1").arg(answer.error()));
    return answer;
}

// ClickHouse 18.16 has no JSON function that tells a top-level member from a nested one (visitParam* take the
// first at any depth), so the rows whose extra fields mention "error" at all are fetched (the failed calls and
// rare look-alikes) and judged exactly here, as every other store judges them.
Result<QList<ClickHouseReader::Failure>> ClickHouseReader::failures(const QByteArray& condition)
{
    auto answer = select("SELECT token, key, ts, extra" + from() + "WHERE (" + condition
        + ") AND position(extra, '\"error\":') > 0");
    if (!answer)
        return answer.failure();
    QList<Failure> failed;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        Failure failure { reader.readString(), reader.readString(), reader.readFloat64() };
        if (isFailedCall(reader.readBytes()))
            failed.append(std::move(failure));
    }
    if (reader.failed())
        return malformed();
    return failed;
}

Result<QList<SeriesInfo>> ClickHouseReader::listSeries(const std::optional<QString>& token)
{
    QByteArray sql = "SELECT token, key, toUInt64(count()), min(ts), max(ts), sum(execution_time)" + from();
    if (token)
        sql += "WHERE token = " + ClickHouseSql::string(*token);
    auto answer = select(sql + " GROUP BY token, key ORDER BY key, token");
    if (!answer)
        return answer.failure();
    QList<SeriesInfo> series;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        SeriesInfo info;
        info.id.token = reader.readString();
        info.id.key = reader.readString();
        info.count = qint64(reader.readUInt64());
        info.first = reader.readFloat64();
        info.last = reader.readFloat64();
        info.totalExecutionTime = reader.readFloat64();
        series.append(info);
    }
    if (reader.failed())
        return malformed();
    auto failed = failures(token ? "token = " + ClickHouseSql::string(*token) : QByteArray("1"));
    if (!failed)
        return failed.failure();
    QHash<KeyId, qint64> errors;
    for (const auto& failure : std::as_const(*failed))
        ++errors[KeyId { failure.token, failure.key }];
    for (auto& info : series)
        info.errors = errors.value(info.id);
    return series;
}

Result<ClickHouseReader::Span> ClickHouseReader::span(const QString& key, const std::optional<QString>& token)
{
    // Duplicates change neither the first nor the last timestamp: no FINAL needed.
    auto answer = select("SELECT toUInt64(count()), min(ts), max(ts) FROM "
        + ClickHouseSql::samplesTable(m_client.config()) + " WHERE " + ClickHouseSql::seriesCondition(key, token));
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    const quint64 count = reader.readUInt64();
    Span span { reader.readFloat64(), reader.readFloat64() };
    if (reader.failed())
        return malformed();
    if (count == 0) {
        const QString which = token ? QStringLiteral(" with token \"%1\"").arg(*token) : QString();
        return Error { QStringLiteral("no samples of key \"%1\"%2").arg(key, which), ErrorKind::NotFound };
    }
    return span;
}

Result<qint64> ClickHouseReader::count(const QByteArray& condition)
{
    auto answer = select("SELECT toUInt64(count())" + from() + "WHERE " + condition);
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    const quint64 n = reader.readUInt64();
    if (reader.failed())
        return malformed();
    return qint64(n);
}

Result<SamplePage> ClickHouseReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    auto after = ClickHouseCursor::decode(cursor);
    if (!after)
        return after.failure();
    QByteArray condition = ClickHouseSql::selectorCondition(selector);
    if (*after)
        condition += " AND " + ClickHouseCursor::afterCondition(**after);
    auto answer = select("SELECT ts, execution_time, token, extra, origin, seq" + from() + "WHERE " + condition
        + " ORDER BY ts, token, origin, seq LIMIT " + QByteArray::number(qint64(limit) + 1));
    if (!answer)
        return answer.failure();
    SamplePage page;
    RowBinaryReader reader(*answer);
    ClickHouseCursor::Position last;
    while (!reader.atEnd() && !reader.failed()) {
        if (page.samples.size() == limit) {
            page.next = ClickHouseCursor::encode(last);
            break;
        }
        StoredSample sample;
        sample.timestamp = reader.readFloat64();
        sample.executionTime = reader.readFloat64();
        sample.token = reader.readString();
        sample.extra = reader.readBytes();
        last = { sample.timestamp, sample.token, reader.readUInt64(), reader.readUInt64() };
        sample.sequence = qint64(last.seq);
        page.samples.append(std::move(sample));
    }
    if (reader.failed())
        return malformed();
    if (page.samples.isEmpty()) {
        if (auto known = span(selector.key, selector.token); !known)
            return known.failure();
    }
    return page;
}

Result<std::optional<KeyStats>> ClickHouseReader::statsFor(const QByteArray& condition, qint64 expectedCount)
{
    auto answer = select("SELECT toUInt64(count()), min(execution_time), max(execution_time), avg(execution_time), "
                         "stddevPop(execution_time), quantilesExact("
        + nearestRankLevels(expectedCount) + ")(execution_time)" + from() + "WHERE " + condition);
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    KeyStats stats;
    stats.count = qint64(reader.readUInt64());
    stats.min = reader.readFloat64();
    stats.max = reader.readFloat64();
    stats.mean = reader.readFloat64();
    stats.stddev = reader.readFloat64();
    const QList<double> ranks = reader.readFloat64Array();
    if (reader.failed() || ranks.size() != qsizetype(StatsPermilles.size()))
        return malformed();
    if (stats.count != expectedCount)
        return std::optional<KeyStats>(); // samples arrived in between: the levels are for another count
    stats.p50 = ranks[0];
    stats.p90 = ranks[1];
    stats.p95 = ranks[2];
    stats.p99 = ranks[3];
    stats.p999 = ranks[4];
    return std::optional<KeyStats>(stats);
}

Result<KeyStats> ClickHouseReader::stats(const SeriesSelector& selector)
{
    const QByteArray condition = ClickHouseSql::selectorCondition(selector);
    auto n = count(condition);
    for (int attempt = 0; n && attempt < 5; ++attempt) {
        if (*n == 0) {
            if (auto known = span(selector.key, selector.token); !known)
                return known.failure();
            return KeyStats {};
        }
        auto stats = statsFor(condition, *n);
        if (!stats)
            return stats.failure();
        if (*stats) {
            auto failed = failures(condition);
            if (!failed)
                return failed.failure();
            KeyStats found = **stats;
            found.errors = failed->size();
            return found;
        }
        n = count(condition);
    }
    if (!n)
        return n.failure();
    return Error { QStringLiteral("the range kept changing while its statistics were computed; try again") };
}

Result<BucketedSeries> ClickHouseReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    auto known = span(selector.key, selector.token);
    if (!known)
        return known.failure();
    // The same arithmetic as Bucketizer (stats.cpp), on the same doubles, so every sample lands in the same bucket.
    const double first = selector.range.from.value_or(known->first);
    const double last = selector.range.to.value_or(known->last);
    const double width = last - first;
    const double step = width > 0 ? width / bucketCount : 1.0;
    const QByteArray condition = ClickHouseSql::seriesCondition(selector.key, selector.token)
        + " AND ts >= " + ClickHouseSql::float64(first) + " AND ts <= " + ClickHouseSql::float64(last);
    auto answer = select("SELECT least(toInt64(" + QByteArray::number(bucketCount - 1) + "), toInt64((ts - "
        + ClickHouseSql::float64(first) + ") / " + ClickHouseSql::float64(step)
        + ")) AS bucket, toUInt64(count()), min(execution_time), avg(execution_time), max(execution_time), "
          "arrayElement(arraySort(groupArray(execution_time)), toUInt64(intDiv(count() * 950 + 999, 1000)))"
        + from() + "WHERE " + condition + " GROUP BY bucket ORDER BY bucket");
    if (!answer)
        return answer.failure();
    BucketedSeries series;
    series.step = step;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        SeriesBucket bucket;
        bucket.start = first + double(reader.readInt64()) * step;
        bucket.count = qint64(reader.readUInt64());
        bucket.min = reader.readFloat64();
        bucket.mean = reader.readFloat64();
        bucket.max = reader.readFloat64();
        bucket.p95 = reader.readFloat64();
        series.buckets.append(bucket);
    }
    if (reader.failed())
        return malformed();
    auto failed = failures(condition);
    if (!failed)
        return failed.failure();
    for (const auto& failure : std::as_const(*failed)) {
        const double start = first + double(std::clamp<qint64>(qint64((failure.timestamp - first) / step), 0, bucketCount - 1)) * step;
        const auto bucket = std::find_if(series.buckets.begin(), series.buckets.end(),
            [start](const SeriesBucket& b) { return b.start == start; });
        if (bucket != series.buckets.end())
            ++bucket->errors;
    }
    return series;
}

} // namespace Kodemon
