// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousereader.h"

#include "clickhouse/clickhousecursor.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"
#include "base/calltags.h"
#include "base/logging.h"

#include <algorithm>
#include <array>

namespace Kodemon {

namespace {

constexpr std::array<int, 5> StatsPermilles { 500, 900, 950, 990, 999 };
// Pages up to this size are read by one thread (see select()).
constexpr int SmallPage = 10000;

Error malformed()
{
    return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (a truncated or failed query)") };
}

Error notFound(const QString& key, const std::optional<QString>& token)
{
    const QString which = token ? QStringLiteral(" with token \"%1\"").arg(*token) : QString();
    return Error { QStringLiteral("no samples of key \"%1\"%2").arg(key, which), ErrorKind::NotFound };
}

// Levels that pick the nearest ranks of exactly n values: quantileExact takes index floor(level * n), and a level
// half a rank below ceil(n * p) - 1 lands on it whatever the rounding. For ranges too big for nearestRankLevel().
QByteArray levelsForCount(qint64 n)
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

QByteArray nearestRankLevels()
{
    QByteArray levels;
    for (const int permille : StatsPermilles)
        levels += (levels.isEmpty() ? "" : ", ") + ClickHouseSql::nearestRankLevel(permille);
    return levels;
}

// The writers judge each call (`failed`: 1 failed, 0 not, clickhouseschema.cpp), so aggregates count failed calls
// without reading `extra`. Rows stored by an older Kodemon have `failed` computed on read: 2 where the extra fields
// mention "error" at all, "not judged" (ClickHouse 18.16 has no JSON function that tells a top-level member from a
// nested one). An aggregate counts those too; when there are some, it is asked again collecting their extra fields,
// which are judged here exactly as every other store judges them (see ClickHouseReader::judging()).
QByteArray failureColumns(bool judgeHere)
{
    return "toUInt64(countIf(failed = 1)), toUInt64(countIf(failed = 2)), "
        + QByteArray(judgeHere ? "groupArrayIf(extra, failed = 2)" : "emptyArrayString()");
}

QByteArray rangeCondition(const TimeRange& range)
{
    QByteArray sql;
    if (range.from)
        sql += " AND ts >= " + ClickHouseSql::float64(*range.from);
    if (range.to)
        sql += " AND ts <= " + ClickHouseSql::float64(*range.to);
    return sql;
}

QString rateKey(const QString& key, const std::optional<QString>& token)
{
    return token ? key + QChar(0x1f) + *token : key;
}

} // namespace

QByteArray clickHouseSamplesFrom(
    const QByteArray& table, const QByteArray& columns, const QByteArray& condition, ClickHouseWindows::Windows windows)
{
    return ClickHouseWindows::samplesFrom(table, columns, condition, std::move(windows));
}

ClickHouseReader::ClickHouseReader(const ClickHouseConfig& config)
    : m_client(config)
{ }

QByteArray ClickHouseReader::from(
    const QByteArray& columns, const QByteArray& condition, const Windows& windows, const QByteArray& table) const
{
    return ClickHouseWindows::samplesFrom(table, columns, condition, windows);
}

bool ClickHouseReader::seriesOnOneShard()
{
    if (m_client.config().cluster.isEmpty())
        return false;
    if (!m_seriesOnOneShard) {
        // Clusters made before keys decided the shard spread a key's samples by their ids.
        auto answer = m_client.query("SELECT engine_full FROM system.tables WHERE database = "
            + ClickHouseSql::string(m_client.config().database) + " AND name = 'samples' FORMAT RowBinary");
        if (!answer)
            return false; // asked again next time
        RowBinaryReader reader(*answer);
        m_seriesOnOneShard = reader.readString().contains(QLatin1String("sipHash64(key)"));
    }
    return *m_seriesOnOneShard;
}

bool ClickHouseReader::loadShards()
{
    // The shard of a key is ClickHouse's own rule for a Distributed insert: the sharding expression's value modulo
    // the sum of the shards' weights, the shards in their order in the cluster, each `weight` slots in a row. Only
    // for the sharding Kodemon sets up; any other (a table made by hand) is read through the Distributed table.
    const auto& config = m_client.config();
    const QString expected = QStringLiteral("Distributed('%1', '%2', '%3', sipHash64(key))")
                                 .arg(config.cluster, config.database,
                                     QString::fromUtf8(ClickHouseSql::localName(config, "samples")));
    const QByteArray layout = "SELECT toUInt64(shard_num), toUInt64(shard_weight), host_address, toUInt64(port) FROM ";
    const QByteArray ofCluster
        = " WHERE cluster = " + ClickHouseSql::string(config.cluster) + " ORDER BY shard_num, replica_num FORMAT RowBinary";
    auto engine = m_client.query("SELECT engine_full FROM system.tables WHERE database = "
        + ClickHouseSql::string(config.database) + " AND name = 'samples' FORMAT RowBinary");
    auto hosts = m_client.query("SELECT toUInt64(shard_num), toUInt64(shard_weight), toUInt64(is_local), "
                                "host_address, toUInt64(port), user FROM system.clusters"
        + ofCluster);
    auto ownLayout = m_client.query(layout + "system.clusters" + ofCluster);
    if (!engine || !hosts || !ownLayout)
        return false;
    RowBinaryReader engineReader(*engine);
    if (engineReader.atEnd() || engineReader.readString() != expected) {
        m_shards = QList<Shard>();
        return true;
    }
    QList<Shard> shards;
    QList<bool> local;
    QList<QByteArrayList> replicas;
    QByteArrayList others; // the other servers of the cluster
    QByteArray user;
    quint64 number = 0;
    RowBinaryReader reader(*hosts);
    while (!reader.atEnd() && !reader.failed()) {
        const quint64 shard = reader.readUInt64();
        const quint64 weight = reader.readUInt64();
        const bool isLocal = reader.readUInt64() != 0;
        const QByteArray host = reader.readBytes();
        const quint64 port = reader.readUInt64();
        user = reader.readBytes();
        if (shard != number) {
            number = shard;
            shards.append(Shard { weight, {} });
            local.append(false);
            replicas.append(QByteArrayList());
        }
        const QByteArray address = (host.contains(':') ? '[' + host + ']' : host) + ':' + QByteArray::number(port);
        local.last() = local.last() || isLocal;
        replicas.last().append(address);
        if (!isLocal)
            others.append(address);
    }
    if (reader.failed() || shards.isEmpty()) {
        m_shards = QList<Shard>();
        return true;
    }
    const auto remote = [&](const QByteArray& addresses, const QByteArray& database, const QByteArray& table) -> QByteArray {
        return "remote(" + ClickHouseSql::string(QString::fromUtf8(addresses)) + ", "
            + ClickHouseSql::string(QString::fromUtf8(database)) + ", " + ClickHouseSql::string(QString::fromUtf8(table))
            + ", " + ClickHouseSql::string(QString::fromUtf8(user)) + ')';
    };
    // Every server must send a key where this one does: a server that lists the shards otherwise sent its keys
    // elsewhere (docs/CLICKHOUSE.md), and asking one shard would miss them. Each other server's list is read
    // through remote(), which also proves that remote() works here: it needs the cluster's user to need no
    // password (this server does not show it). Unsure (a server that does not answer): the Distributed table
    // answers, and the layout is read again 30 s later.
    for (const auto& address : std::as_const(others)) {
        auto theirs = m_client.query(layout + remote(address, "system", "clusters") + ofCluster);
        if (!theirs) {
            qCWarning(lcStorage).noquote() << "reading every key through the Distributed table for now: cannot ask"
                                           << address << "how it routes keys:" << theirs.error();
            return false;
        }
        if (*theirs != *ownLayout) {
            qCWarning(lcStorage).noquote() << "reading every key through the Distributed table:" << address
                                           << "lists the shards of" << config.cluster
                                           << "otherwise than this server (list them in the same order everywhere)";
            m_shards = QList<Shard>();
            return true;
        }
    }
    for (qsizetype i = 0; i < shards.size(); ++i) {
        // A shard with a replica here is read here (as the Distributed table does); the others by remote() to
        // their replicas (any that answers).
        shards[i].table = local[i] ? ClickHouseSql::localTable(config, "samples")
                                   : remote(replicas[i].join('|'), config.database.toUtf8(),
                                       ClickHouseSql::localName(config, "samples"));
    }
    m_shards = std::move(shards);
    return true;
}

QByteArray ClickHouseReader::samplesOf(const QString& key)
{
    const QByteArray all = ClickHouseSql::samplesTable(m_client.config());
    if (!seriesOnOneShard())
        return all;
    if (!m_shards) {
        if (m_shardsRetry && !m_shardsRetry->hasExpired())
            return all;
        if (!loadShards()) {
            m_shardsRetry = QDeadlineTimer(30000);
            return all;
        }
    }
    quint64 slotCount = 0;
    for (const auto& shard : std::as_const(*m_shards))
        slotCount += shard.weight;
    if (slotCount == 0)
        return all;
    auto hash = m_keyHashes.constFind(key);
    if (hash == m_keyHashes.constEnd()) {
        // The server's own sipHash64, not a copy of it here: what decided the shard when the samples came.
        auto answer = m_client.query("SELECT sipHash64(" + ClickHouseSql::string(key) + ") FORMAT RowBinary");
        if (!answer)
            return all;
        RowBinaryReader reader(*answer);
        const quint64 value = reader.readUInt64();
        if (reader.failed())
            return all;
        if (m_keyHashes.size() > 100000)
            m_keyHashes.clear();
        hash = m_keyHashes.insert(key, value);
    }
    quint64 slot = *hash % slotCount;
    for (const auto& shard : std::as_const(*m_shards)) {
        if (slot < shard.weight)
            return shard.table;
        slot -= shard.weight;
    }
    return all;
}

qint64 ClickHouseReader::readFailed(RowBinaryReader& reader)
{
    qint64 failed = qint64(reader.readUInt64());
    const quint64 unjudged = reader.readUInt64();
    quint64 judged = 0;
    reader.readStringArray([&](QByteArrayView extra) {
        failed += isFailedCall(extra) ? 1 : 0;
        ++judged;
    });
    if (judged != unjudged)
        m_unjudgedSeen = true; // the answer is asked again with their extra fields (judging())
    return failed;
}

template<typename T> Result<T> ClickHouseReader::judging(const std::function<Result<T>()>& ask)
{
    m_unjudgedSeen = false;
    auto answer = ask();
    if (!answer || !m_unjudgedSeen || m_judgeHere)
        return answer;
    // Rows of an older Kodemon in this table: from now on every aggregate collects their extra fields (reading
    // `extra` as before the column existed), since they may be in any range.
    m_judgeHere = true;
    m_unjudgedSeen = false;
    return ask();
}

QByteArray ClickHouseReader::failureInputs() const
{
    return m_judgeHere ? "failed, extra" : "failed";
}

Result<QByteArray> ClickHouseReader::select(const QByteArray& sql, bool onShards, bool oneThread)
{
    ClickHouseClient::Parameters parameters;
    // ClickHouse 18.16 starts threads for each query that reads with several: for a small read that costs more
    // than it saves (the agreement test's 4,500 pages: 7.4 s of system time with two threads, 3.5 s with one).
    if (oneThread)
        parameters.append({ QByteArrayLiteral("max_threads"), QByteArrayLiteral("1") });
    // Each shard finishes its own groups and only answers travel: a percentile's state would be every value.
    if (onShards && seriesOnOneShard())
        parameters.append({ QByteArrayLiteral("distributed_group_by_no_merge"), QByteArrayLiteral("1") });
    auto answer = m_client.query(sql + " FORMAT RowBinary", parameters);
    if (!answer)
        return answer.failure().withMessage(QStringLiteral("ClickHouse query failed: %1").arg(answer.error()));
    return answer;
}

void ClickHouseReader::remember(const QString& key, const std::optional<QString>& token, const Context& context)
{
    if (m_rates.size() > 100000)
        m_rates.clear();
    m_rates.insert(rateKey(key, token), Context { context.calls, context.first, context.last, {} });
}

Result<QList<SeriesInfo>> ClickHouseReader::listSeries(const std::optional<QString>& token)
{
    // FINAL keeps the newest version of every (series, ledger) row; folded ledgers are tombstones that add nothing.
    // This server's copy of the ledger holds every writer's rows (clickhousecopies.h): no Distributed query. The
    // writers count failed calls there by isFailedCall, as they count calls: no read of the samples' extra fields.
    QByteArray sql = "SELECT token, key, toUInt64(sum(calls)), min(first), max(last), sum(total), "
                     "toUInt64(sum(failed)) FROM "
        + ClickHouseSql::localTable(m_client.config(), "series") + " FINAL WHERE kind = 0";
    if (token)
        sql += " AND token = " + ClickHouseSql::string(*token);
    auto answer = select(sql + " GROUP BY token, key HAVING sum(calls) > 0 ORDER BY key, token");
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
        info.errors = qint64(reader.readUInt64());
        series.append(info);
    }
    if (reader.failed())
        return malformed();
    // Remember each series' and each key's rate, for pages asked next.
    QHash<QString, Context> keys;
    for (const auto& info : std::as_const(series)) {
        remember(info.id.key, info.id.token, Context { info.count, info.first, info.last, {} });
        auto& all = keys[info.id.key];
        all.first = all.calls ? std::min(all.first, info.first) : info.first;
        all.last = all.calls ? std::max(all.last, info.last) : info.last;
        all.calls += info.count;
    }
    if (!token) {
        for (auto it = keys.cbegin(); it != keys.cend(); ++it)
            remember(it.key(), std::nullopt, *it);
    }
    return series;
}

Result<ClickHouseReader::Context> ClickHouseReader::context(const SeriesSelector& selector)
{
    const auto& config = m_client.config();
    const QByteArray series = ClickHouseSql::seriesCondition(selector.key, selector.token);
    // One round trip: the series' totals from the ledger and the resent windows that overlap the range.
    auto answer = select("SELECT (SELECT tuple(toUInt64(sum(calls)), min(first), max(last)) FROM "
        + ClickHouseSql::localTable(config, "series") + " FINAL WHERE kind = 0 AND " + series + "), "
        + ClickHouseWindows::subquery(config, series, selector.range));
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    Context context;
    context.calls = qint64(reader.readUInt64());
    context.first = reader.readFloat64();
    context.last = reader.readFloat64();
    context.windows = ClickHouseWindows::read(reader);
    if (reader.failed())
        return malformed();
    remember(selector.key, selector.token, context);
    return context;
}

Result<ClickHouseReader::Windows> ClickHouseReader::windows(const TimeRange& range, const std::optional<QString>& token)
{
    return windowsOf(token ? "token = " + ClickHouseSql::string(*token) : QByteArray(), range);
}

Result<ClickHouseReader::Windows> ClickHouseReader::windowsOf(const QByteArray& series, const TimeRange& range)
{
    auto answer = select("SELECT " + ClickHouseWindows::subquery(m_client.config(), series, range));
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    Windows windows = ClickHouseWindows::read(reader);
    if (reader.failed())
        return malformed();
    return windows;
}

// A copy of a sample exists only after the writer recorded its window, so the windows read after an answer name
// every copy the answer can have read: if they are the ones it merged, it counted each sample once. Else it is
// asked again with them (a resend landed in between; rare).
template<typename T>
Result<T> ClickHouseReader::settled(
    Windows known, const std::function<Result<T>(const Windows&)>& ask, const std::function<Result<Windows>()>& check)
{
    known = ClickHouseWindows::coalesced(std::move(known));
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto answer = ask(known);
        if (!answer)
            return answer.failure();
        auto now = check();
        if (!now)
            return now.failure();
        Windows after = ClickHouseWindows::coalesced(std::move(*now));
        if (after == known)
            return answer;
        known = std::move(after);
    }
    return Error { QStringLiteral("resent samples kept arriving while the answer was computed; try again") };
}

Result<SamplePage> ClickHouseReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    return samplesWhere(selector, cursor, limit, {});
}

// The default scan reads every call of the range: 1M calls of the benchmark's key in 10 pages, 504 ms for the 19,722
// with endpoint:/cart and 530 ms for its 10,001 failed ones (make bench, 2026-12-07), against 29 ms for statistics
// of all of them. Calls that cannot pass stay on the server.
Status ClickHouseReader::scanCalls(
    const SeriesSelector& selector, const std::function<void(const StoredSample&)>& visit)
{
    const SeriesSelector all = everyCallOf(selector);
    const QByteArray only = ClickHouseSql::callsThatMayPass(selector.tags, selector.outcome);
    return forEachPage([&](const QString& cursor) { return samplesWhere(all, cursor, ScanPageSize, only); }, visit);
}

Result<SamplePage> ClickHouseReader::samplesWhere(
    const SeriesSelector& selector, const QString& cursor, int limit, const QByteArray& only)
{
    auto after = ClickHouseCursor::decode(cursor);
    if (!after)
        return after.failure();
    QByteArray condition = ClickHouseSql::selectorCondition(selector) + only;
    if (*after)
        condition += " AND " + ClickHouseCursor::afterCondition(**after);
    // A page is the first rows in time order, but ClickHouse sorts every row that matches before it cuts (18.16
    // cannot read in the table's order): bound the read to the time that should hold the page at the series'
    // average rate, twice over, and widen it when it did not (measured: 169 ms for the 500,000 rows after the
    // middle of the 1M-call series, 13 ms for 10,000 s of it). Small ranges are read whole.
    const Context rate = m_rates.value(rateKey(selector.key, selector.token));
    const QByteArray table = samplesOf(selector.key);
    const double start = *after ? (**after).timestamp : selector.range.from.value_or(rate.first);
    const double end = selector.range.to.value_or(rate.last);
    const double perSecond = rate.calls > 0 ? double(rate.calls) / std::max(rate.last - rate.first, 1.0) : 0.0;
    const bool large = perSecond * (end - start) > std::max(50000.0, 4.0 * double(limit + 1));
    double horizon = large ? 2.0 * double(limit + 1) / perSecond : 0.0;
    for (int attempt = 0;; ++attempt) {
        const bool bounded = large && attempt < 3 && start + horizon < end;
        const QByteArray bound = bounded ? " AND ts <= " + ClickHouseSql::float64(start + horizon) : QByteArray();
        auto page = readPage(table, condition + bound, limit, false);
        if (!page)
            return page;
        if (bounded && !page->next) {
            horizon *= 16;
            continue;
        }
        if (page->samples.isEmpty() && !*after) {
            // Nothing in the range: a key that never sent data is another answer.
            auto known = context(selector);
            if (!known)
                return known.failure();
            if (known->calls == 0)
                return notFound(selector.key, selector.token);
        }
        return page;
    }
}

Result<SamplePage> ClickHouseReader::readPage(
    const QByteArray& table, const QByteArray& condition, int limit, bool merged)
{
    const QByteArray columns = "ts, execution_time, token, extra, origin, seq";
    auto answer = select("SELECT " + columns + " FROM " + table
            + (merged ? " FINAL" : "") + " WHERE " + condition + " ORDER BY ts, token, origin, seq LIMIT "
            + QByteArray::number(qint64(limit) + 1),
        false, limit <= SmallPage);
    if (!answer)
        return answer.failure();
    SamplePage page;
    RowBinaryReader reader(*answer);
    ClickHouseCursor::Position last;
    while (!reader.atEnd() && !reader.failed()) {
        StoredSample sample;
        sample.timestamp = reader.readFloat64();
        sample.executionTime = reader.readFloat64();
        sample.token = reader.readString();
        sample.extra = reader.readBytes();
        const ClickHouseCursor::Position position { sample.timestamp, sample.token, reader.readUInt64(),
            reader.readUInt64() };
        // Copies of a sample share its whole sort key, so they come side by side. A page with a copy may hold
        // fewer samples than it should: it is read again merged (only after a resend, and only there).
        if (!page.samples.isEmpty() && position.origin == last.origin && position.seq == last.seq)
            return merged ? malformed() : readPage(table, condition, limit, true);
        if (page.samples.size() == limit) {
            page.next = ClickHouseCursor::encode(last);
            break;
        }
        last = position;
        sample.sequence = qint64(last.seq);
        page.samples.append(std::move(sample));
    }
    if (reader.failed())
        return malformed();
    return page;
}

Result<std::optional<KeyStats>> ClickHouseReader::statsFor(
    const QByteArray& from, const QByteArray& levels, qint64 expectedCount, bool onShards)
{
    auto answer = select("SELECT toUInt64(count()), min(execution_time), max(execution_time), avg(execution_time), "
                         "stddevPop(execution_time), quantilesExact("
            + levels + ")(execution_time), " + failureColumns(m_judgeHere) + from,
        onShards);
    if (!answer)
        return answer.failure();
    // Finished on the shards, the answer is a row per shard: the one that holds the key has the samples.
    RowBinaryReader reader(*answer);
    KeyStats stats;
    QList<double> ranks;
    int holding = 0;
    do {
        KeyStats row;
        row.count = qint64(reader.readUInt64());
        row.min = reader.readFloat64();
        row.max = reader.readFloat64();
        row.mean = reader.readFloat64();
        row.stddev = reader.readFloat64();
        const QList<double> rowRanks = reader.readFloat64Array();
        row.errors = readFailed(reader);
        if (reader.failed() || rowRanks.size() != qsizetype(StatsPermilles.size()))
            return malformed();
        if (row.count > 0 || holding == 0) {
            holding += row.count > 0 ? 1 : 0;
            stats = row;
            ranks = rowRanks;
        }
    } while (!reader.atEnd());
    if (holding > 1) // a key on several shards (a table sharded otherwise): merge on this server instead
        return statsFor(from, levels, expectedCount, false);
    if (expectedCount >= 0 && stats.count != expectedCount)
        return std::optional<KeyStats>(); // samples arrived in between: the levels are for another count
    if (stats.count == 0)
        return std::optional<KeyStats>(KeyStats {});
    stats.p50 = ranks[0];
    stats.p90 = ranks[1];
    stats.p95 = ranks[2];
    stats.p99 = ranks[3];
    stats.p999 = ranks[4];
    return std::optional<KeyStats>(stats);
}

Result<KeyStats> ClickHouseReader::stats(const SeriesSelector& selector)
{
    // The check after the answer reads the resent windows alone; the ledger only when the range held no call (an
    // empty range of a known key is an answer, an unknown key is not).
    const QByteArray series = ClickHouseSql::seriesCondition(selector.key, selector.token);
    auto stats = settled<KeyStats>(
        {},
        [&](const Windows& windows) {
            return judging<KeyStats>([&]() { return statsWith(selector, windows); });
        },
        [&]() { return windowsOf(series, selector.range); });
    if (stats && stats->count == 0) {
        auto known = context(selector);
        if (!known)
            return known.failure();
        if (known->calls == 0)
            return notFound(selector.key, selector.token);
    }
    return stats;
}

Result<KeyStats> ClickHouseReader::statsWith(const SeriesSelector& selector, const Windows& windows)
{
    const QByteArray source = from("execution_time, " + failureInputs(), ClickHouseSql::selectorCondition(selector),
        windows, samplesOf(selector.key));
    // One query for every range below a billion samples: the levels pick the nearest ranks whatever the count.
    auto stats = statsFor(source, nearestRankLevels(), -1, windows.isEmpty());
    if (!stats)
        return stats.failure();
    KeyStats found = (*stats)->count < ClickHouseSql::NearestRankLevelLimit ? **stats : KeyStats {};
    if ((*stats)->count >= ClickHouseSql::NearestRankLevelLimit) {
        auto huge = statsOfHugeRange(selector, windows);
        if (!huge)
            return huge;
        found = *huge;
    }
    return found;
}

Result<KeyStats> ClickHouseReader::statsOfHugeRange(const SeriesSelector& selector, const Windows& windows)
{
    // Count first, then ask with levels made for that count; retry if samples arrived in between.
    const QByteArray condition = ClickHouseSql::selectorCondition(selector);
    const QByteArray table = samplesOf(selector.key);
    const QByteArray source = from("execution_time, " + failureInputs(), condition, windows, table);
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto counted = select("SELECT toUInt64(count())" + from("ts", condition, windows, table));
        if (!counted)
            return counted.failure();
        RowBinaryReader reader(*counted);
        const qint64 n = qint64(reader.readUInt64());
        if (reader.failed())
            return malformed();
        auto stats = statsFor(source, levelsForCount(n), n);
        if (!stats)
            return stats.failure();
        if (*stats)
            return **stats;
    }
    return Error { QStringLiteral("the range kept changing while its statistics were computed; try again") };
}

Result<BucketedSeries> ClickHouseReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    auto known = context(selector);
    if (!known)
        return known.failure();
    if (known->calls == 0)
        return notFound(selector.key, selector.token);
    // The same arithmetic as Bucketizer (stats.cpp), on the same doubles, so every sample lands in the same bucket.
    const double first = selector.range.from.value_or(known->first);
    const double last = selector.range.to.value_or(known->last);
    const double width = last - first;
    const double step = width > 0 ? width / bucketCount : 1.0;
    const QByteArray condition
        = ClickHouseSql::seriesCondition(selector.key, selector.token) + rangeCondition(TimeRange { first, last });
    const QByteArray table = samplesOf(selector.key);
    const auto askOnce = [&](const Windows& windows) -> Result<BucketedSeries> {
        const QByteArray sql = "SELECT least(toInt64(" + QByteArray::number(bucketCount - 1) + "), toInt64((ts - "
            + ClickHouseSql::float64(first) + ") / " + ClickHouseSql::float64(step)
            + ")) AS bucket, toUInt64(count()), min(execution_time), avg(execution_time), max(execution_time), "
              "quantileExact("
            + ClickHouseSql::nearestRankLevel(950) + ")(execution_time), " + failureColumns(m_judgeHere)
            + from("ts, execution_time, " + failureInputs(), condition, windows, table)
            + "GROUP BY bucket ORDER BY bucket";
        auto series = readBuckets(sql, first, step, windows.isEmpty());
        if (series && !*series) // a key on several shards (a table sharded otherwise): merge on this server instead
            series = readBuckets(sql, first, step, false);
        if (!series)
            return series.failure();
        return std::move(**series);
    };
    const auto ask = [&](const Windows& windows) {
        return judging<BucketedSeries>([&]() { return askOnce(windows); });
    };
    const TimeRange range { first, last };
    const QByteArray seriesOnly = ClickHouseSql::seriesCondition(selector.key, selector.token);
    auto series = settled<BucketedSeries>(known->windows, ask, [&]() { return windowsOf(seriesOnly, range); });
    if (series && std::any_of(series->buckets.cbegin(), series->buckets.cend(), [](const SeriesBucket& b) {
            return b.count >= ClickHouseSql::NearestRankLevelLimit;
        }))
        return Error { QStringLiteral("a bucket holds more than %1 samples: ask for more points")
                           .arg(ClickHouseSql::NearestRankLevelLimit),
            ErrorKind::Invalid };
    return series;
}

Result<std::optional<BucketedSeries>> ClickHouseReader::readBuckets(
    const QByteArray& sql, double first, double step, bool onShards)
{
    auto answer = select(sql, onShards);
    if (!answer)
        return answer.failure();
    BucketedSeries series;
    series.step = step;
    series.origin = first;
    RowBinaryReader reader(*answer);
    qint64 previous = -1;
    while (!reader.atEnd() && !reader.failed()) {
        SeriesBucket bucket;
        const qint64 index = reader.readInt64();
        bucket.start = first + double(index) * step;
        bucket.count = qint64(reader.readUInt64());
        bucket.min = reader.readFloat64();
        bucket.mean = reader.readFloat64();
        bucket.max = reader.readFloat64();
        bucket.p95 = reader.readFloat64();
        bucket.errors = readFailed(reader);
        if (index <= previous)
            return std::optional<BucketedSeries>(); // groups from more than one shard
        previous = index;
        series.buckets.append(bucket);
    }
    if (reader.failed())
        return malformed();
    return std::optional<BucketedSeries>(std::move(series));
}

Result<QList<TimedValue>> ClickHouseReader::values(const SeriesSelector& selector)
{
    // One ordered read instead of the default's pages (each page would scan the range again). Copies of a sample
    // come side by side in this order: the second is dropped.
    auto answer = select("SELECT ts, execution_time, origin, seq FROM " + samplesOf(selector.key) + " WHERE " + ClickHouseSql::selectorCondition(selector) + " ORDER BY ts, token, origin, seq");
    if (!answer)
        return answer.failure();
    QList<TimedValue> values;
    const Context rate = m_rates.value(rateKey(selector.key, selector.token));
    values.reserve(qsizetype(std::clamp<qint64>(rate.calls, 0, 16 * 1024 * 1024)));
    RowBinaryReader reader(*answer);
    quint64 origin = 0;
    quint64 seq = 0;
    while (!reader.atEnd() && !reader.failed()) {
        TimedValue value;
        value.timestamp = reader.readFloat64();
        value.value = reader.readFloat64();
        const quint64 rowOrigin = reader.readUInt64();
        const quint64 rowSeq = reader.readUInt64();
        if (!values.isEmpty() && rowOrigin == origin && rowSeq == seq)
            continue;
        origin = rowOrigin;
        seq = rowSeq;
        values.append(value);
    }
    if (reader.failed())
        return malformed();
    if (values.isEmpty()) {
        auto known = context(selector);
        if (!known)
            return known.failure();
        if (known->calls == 0)
            return notFound(selector.key, selector.token);
    }
    return values;
}

Result<QList<SeriesSummary>> ClickHouseReader::summaries(const SummaryRequest& request)
{
    if (!request.tags.isEmpty() || request.outcome != CallOutcome::All || !request.groupBy.isEmpty())
        return StoreReader::summaries(request); // the query layer's scan of every call
    const TimeRange& range = request.range;
    const std::optional<QString>& token = request.token;
    auto series = listSeries(token);
    if (!series)
        return series.failure();
    auto inRange = settled<QHash<KeyId, SeriesSummary>>(
        {},
        [&](const Windows& windows) {
            return judging<QHash<KeyId, SeriesSummary>>([&]() { return summariesWith(range, token, windows); });
        },
        [&]() { return windows(range, token); });
    if (!inRange)
        return inRange.failure();
    if (std::any_of(inRange->cbegin(), inRange->cend(),
            [](const SeriesSummary& s) { return s.count >= ClickHouseSql::NearestRankLevelLimit; }))
        return StoreReader::summaries(request); // exact levels per series: slower, and never needed so far
    QList<SeriesSummary> rows;
    rows.reserve(series->size());
    for (const auto& info : std::as_const(*series)) {
        SeriesSummary row = inRange->value(info.id);
        row.info = info;
        rows.append(row);
    }
    return rows;
}

Result<QHash<KeyId, SeriesSummary>> ClickHouseReader::summariesWith(
    const TimeRange& range, const std::optional<QString>& token, const Windows& windows)
{
    QByteArray condition = "1" + rangeCondition(range);
    if (token)
        condition += " AND token = " + ClickHouseSql::string(*token);
    // Every series in one pass; the nearest-rank level needs no count, so the p95 of each is exact.
    const QByteArray sql = "SELECT token, key, toUInt64(count()), avg(execution_time), quantileExact("
        + ClickHouseSql::nearestRankLevel(950) + ")(execution_time), " + failureColumns(m_judgeHere)
        + from("token, key, execution_time, " + failureInputs(), condition, windows,
            ClickHouseSql::samplesTable(m_client.config()))
        + "GROUP BY token, key";
    auto inRange = readSummaries(sql, windows.isEmpty());
    if (inRange && !*inRange) // a series on several shards (a table sharded otherwise)
        inRange = readSummaries(sql, false);
    if (!inRange)
        return inRange.failure();
    return std::move(**inRange);
}

Result<std::optional<QHash<KeyId, SeriesSummary>>> ClickHouseReader::readSummaries(const QByteArray& sql, bool onShards)
{
    auto answer = select(sql, onShards);
    if (!answer)
        return answer.failure();
    QHash<KeyId, SeriesSummary> inRange;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        SeriesSummary summary;
        const KeyId id { reader.readString(), reader.readString() };
        summary.count = qint64(reader.readUInt64());
        summary.mean = reader.readFloat64();
        summary.p95 = reader.readFloat64();
        summary.errors = readFailed(reader);
        if (inRange.contains(id))
            return std::optional<QHash<KeyId, SeriesSummary>>(); // the series on more than one shard
        inRange.insert(id, summary);
    }
    if (reader.failed())
        return malformed();
    return std::optional<QHash<KeyId, SeriesSummary>>(std::move(inRange));
}

} // namespace Kodemon
