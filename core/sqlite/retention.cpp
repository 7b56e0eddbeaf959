// SPDX-License-Identifier: MIT
#include "sqlite/retention.h"

#include "base/logging.h"
#include "sqlite/sqlitesummaries.h"
#include "sqlite/tagdictionary.h"

#include <algorithm>
#include <QMap>
#include <sqlite3.h>

namespace Kodemon {

namespace {

// Chunks and rollup rows looked at per query; a step runs several queries until its budget is spent.
constexpr int ChunksPerQuery = 32;
constexpr int RowsPerQuery = 128;
// Minute summaries a step holds before it stores them: a minute of a few calls spread over the latency range keeps a
// dense sketch of a few KB (latencysketch.h), and calls with timestamps all over the day give a summary per
// function and minute. Holding all of a step's took the soak with `--spread day` to 200 MB of RSS (kept by the
// allocator after the spread calls were summarized); storing every 4,096 minutes, to 150 MB at its peak and 131-134
// MB after (docs/BENCHMARKS.md).
constexpr qsizetype MinutesPerStore = 4096;

qint64 pragma(sqlite3* db, const char* sql)
{
    sqlite3_stmt* statement = nullptr;
    qint64 value = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
}

} // namespace

Retention::Retention(sqlite3* db, RetentionPolicy policy)
    : m_db(db)
    , m_policy(policy)
{ }

Status Retention::prepare()
{
    if (m_prepared)
        return Ok {};
    auto chunks = ChunkTable::prepare(m_db);
    if (!chunks)
        return chunks.failure();
    m_chunks = std::move(chunks).value();
    struct Entry
    {
        SqliteStatement* statement;
        const char* sql;
    };
    const Entry entries[] = {
        { &m_oldChunks, "SELECT id, series_id FROM chunks WHERE min_arrival < ?1 ORDER BY min_arrival LIMIT ?2" },
        { &m_oldRollups, "SELECT series_id, hour, sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch "
                         "FROM rollup_hours WHERE max_arrival < ?1 ORDER BY max_arrival LIMIT ?2" },
        { &m_readRollup, "SELECT m.data, h.max_arrival, h.min_ts, h.max_ts, h.sample_count, h.sum_ms, h.sumsq_ms, "
                         "h.min_ms, h.max_ms, h.errors, h.sketch FROM rollup_hours h JOIN rollups m "
                         "ON m.series_id = h.series_id AND m.hour = h.hour WHERE h.series_id = ?1 AND h.hour = ?2" },
        // Upserts, not INSERT OR REPLACE: a replaced row would leave tier_use's DELETE trigger unfired (schema.cpp).
        { &m_writeRollupHour, "INSERT INTO rollup_hours (series_id, hour, min_ts, max_ts, max_arrival, sample_count, "
                              "sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (series_id, hour) DO UPDATE SET "
                              "min_ts = excluded.min_ts, max_ts = excluded.max_ts, max_arrival = excluded.max_arrival, "
                              "sample_count = excluded.sample_count, sum_ms = excluded.sum_ms, "
                              "sumsq_ms = excluded.sumsq_ms, min_ms = excluded.min_ms, max_ms = excluded.max_ms, "
                              "errors = excluded.errors, sketch = excluded.sketch" },
        { &m_writeRollupMinutes, "INSERT INTO rollups (series_id, hour, data) VALUES (?, ?, ?) "
                                 "ON CONFLICT (series_id, hour) DO UPDATE SET data = excluded.data" },
        { &m_deleteRollupHour, "DELETE FROM rollup_hours WHERE series_id = ? AND hour = ?" },
        { &m_deleteRollupMinutes, "DELETE FROM rollups WHERE series_id = ? AND hour = ?" },
        { &m_loadSummary,
            "SELECT count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM series_summary WHERE series_id = ?" },
        { &m_saveSummary, "INSERT OR REPLACE INTO series_summary (series_id, count, sum_ms, sumsq_ms, min_ms, max_ms, "
                          "errors, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" },
        { &m_takeFromSeries, "UPDATE series SET sample_count = max(sample_count - ?1, 0), total_ms = total_ms - ?2, "
                             "error_count = max(error_count - ?3, 0) WHERE id = ?4" },
        { &m_firstCall, "UPDATE series SET first_ts = (SELECT min(t) FROM (SELECT min(min_ts) AS t FROM chunks WHERE "
                        "series_id = ?1 UNION ALL SELECT min(min_ts) FROM rollup_hours WHERE series_id = ?1)) WHERE id = ?1" },
    };
    for (const auto& entry : entries) {
        auto statement = SqliteStatement::prepare(m_db, entry.sql);
        if (!statement)
            return statement.failure();
        *entry.statement = std::move(statement).value();
    }
    m_prepared = true;
    return Ok {};
}

Result<bool> Retention::step(qint64 now, int budgetMs, TagDictionary& tags, QSet<qint64>& touched)
{
    if (m_policy.keepsEverything())
        return false;
    auto after = startsAt(m_db);
    if (!after)
        return after.failure();
    if (now < *after)
        return false;
    if (auto status = prepare(); !status)
        return status.failure();
    m_clock.start();
    m_budgetMs = budgetMs;
    // Hour rows a step may write: each is a read and two writes (50-100 µs here). A chunk of a function called a
    // few times a day spans hundreds of hours; taken whole, one chunk alone overran a 20 ms budget fivefold.
    m_maxHours = std::max<qsizetype>(16, qsizetype(budgetMs) * 8);
    if (m_policy.raw > 0) {
        auto more = expireCalls(now - m_policy.raw, tags, touched);
        if (!more || *more)
            return more;
    }
    if (m_policy.summaries > 0) {
        auto more = expireSummaries(now - m_policy.summaries, touched);
        if (!more || *more)
            return more;
    }
    return m_policy.maxBytes > 0 ? shrink(tags, touched) : Result<bool>(false);
}

Result<bool> Retention::expireCalls(qint64 cutoff, TagDictionary& tags, QSet<qint64>& touched)
{
    QHash<qint64, QList<MinuteSummary>> minutes;
    QHash<std::pair<qint64, qint64>, qint64> arrivals; // (series, hour) -> the last arrival
    qsizetype held = 0;
    qsizetype hoursTaken = 0;
    bool more = true;
    // The budget is looked at after every chunk, not every query: a chunk of a series that calls once in a while
    // spans many minutes, each an hour row to write, and 32 of them took a step of a 20 ms budget to 0.4-1.4 s on a
    // generated year (the writer stalled and the kernel dropped datagrams at 90% of the ceiling; BENCHMARKS.md).
    const auto stepIsFull = [&] { return pastHalfBudget() || hoursTaken >= m_maxHours; };
    while (more && !stepIsFull()) {
        QList<std::pair<qint64, qint64>> chunks; // (chunk, series)
        m_oldChunks.reset();
        m_oldChunks.bind(1, cutoff);
        m_oldChunks.bind(2, qint64(ChunksPerQuery));
        while (m_oldChunks.step())
            chunks.append({ m_oldChunks.columnInt(0), m_oldChunks.columnInt(1) });
        if (m_oldChunks.failed())
            return m_oldChunks.failure(QStringLiteral("cannot find old calls"));
        m_oldChunks.reset();
        more = chunks.size() == ChunksPerQuery;
        for (const auto& [chunk, series] : std::as_const(chunks)) {
            if (stepIsFull()) {
                more = true; // the rest are found again by the next step: ordered by arrival, they wait in front
                break;
            }
            QList<ChunkRow> rows;
            auto taken = m_chunks->take(chunk, rows);
            if (!taken)
                return taken.failure();
            if (!*taken)
                continue; // damaged: left as it is (and found again: ordered by arrival, it waits at the front)
            touched.insert(series);
            QList<ChunkRow> kept;
            QHash<qint64, CallSummary> byMinute;
            for (const auto& row : std::as_const(rows)) {
                const qint64 minute = Rollup::minuteOf(row.timestamp);
                const auto hour = std::pair { series, Rollup::hourOf(minute) };
                if (arrivalOf(row) >= cutoff) {
                    kept.append(row);
                    continue;
                }
                // Calls of hours past the step's share stay for the next step (written back with the kept ones).
                if (!arrivals.contains(hour)) {
                    if (hoursTaken >= m_maxHours) {
                        kept.append(row);
                        more = true;
                        continue;
                    }
                    ++hoursTaken;
                }
                byMinute[minute].add(row.executionTime, row.failed);
                // Per series and hour: an hour's summaries expire when the last of its calls arrived long enough ago.
                arrivals[hour] = std::max(arrivals.value(hour, arrivalOf(row)), arrivalOf(row));
                if (auto status = tags.release(series, row.tagIds); !status)
                    return status.failure();
            }
            for (auto it = byMinute.cbegin(); it != byMinute.cend(); ++it)
                minutes[series].append({ it.key(), it.value() });
            held += byMinute.size();
            if (!kept.isEmpty()) {
                if (auto id = m_chunks->insert(series, kept.constData(), kept.size()); !id)
                    return id.failure();
            }
            if (held >= MinutesPerStore) {
                if (auto status = addToRollups(minutes, arrivals); !status)
                    return status.failure();
                minutes.clear();
                arrivals.clear();
                held = 0;
            }
        }
    }
    if (auto status = addToRollups(minutes, arrivals); !status)
        return status.failure();
    return more;
}

Status Retention::addToRollups(const QHash<qint64, QList<MinuteSummary>>& minutes,
    const QHash<std::pair<qint64, qint64>, qint64>& arrivals)
{
    for (auto series = minutes.cbegin(); series != minutes.cend(); ++series) {
        QMap<qint64, QList<MinuteSummary>> byHour;
        for (const auto& minute : series.value())
            byHour[Rollup::hourOf(minute.minute)].append(minute);
        for (auto hour = byHour.begin(); hour != byHour.end(); ++hour) {
            auto& added = hour.value();
            std::sort(added.begin(), added.end(),
                [](const MinuteSummary& a, const MinuteSummary& b) { return a.minute < b.minute; });
            // Several chunks may give the same minute: fold them before merging with what the hour holds.
            QList<MinuteSummary> folded;
            for (auto& minute : added) {
                if (!folded.isEmpty() && folded.last().minute == minute.minute)
                    folded.last().summary.merge(minute.summary);
                else
                    folded.append(std::move(minute));
            }
            const qint64 arrival = arrivals.value({ series.key(), hour.key() });
            if (auto status = storeRollupHour(series.key(), hour.key(), std::move(folded), arrival); !status)
                return status;
        }
    }
    return Ok {};
}

// A row holds an hour (rollup.h): merging a step's minutes reads and rewrites at most 60 minutes of the series,
// however many the day already holds (schema 8's day rows made this grow to 1,440 through the day). The common
// step, minutes later than the row's last, appends them to the row's bytes and merges them into its total, without
// decoding the minutes it holds.
Status Retention::storeRollupHour(qint64 seriesId, qint64 hour, QList<MinuteSummary> minutes, qint64 arrival)
{
    std::optional<QByteArray> data;
    std::optional<CallSummary> summary;
    double first = double(minutes.first().minute);
    m_readRollup.reset();
    m_readRollup.bind(1, seriesId);
    m_readRollup.bind(2, hour);
    if (m_readRollup.step()) {
        arrival = std::max(arrival, m_readRollup.columnInt(1));
        const double storedFirst = m_readRollup.columnDouble(2);
        const double storedLast = m_readRollup.columnDouble(3);
        if (double(minutes.first().minute) > storedLast) {
            data = Rollup::append(m_readRollup.columnBlob(0), qint64(storedLast), minutes);
            summary = data ? SqliteSummaries::read(m_readRollup, 4) : std::nullopt;
            if (summary) {
                summary->merge(Rollup::total(minutes));
                first = storedFirst;
            }
        }
        if (!summary) {
            const auto stored = Rollup::decode(m_readRollup.columnBlob(0), hour);
            if (!stored)
                return Error {
                    QStringLiteral("the summaries of series %1 in hour %2 are damaged").arg(seriesId).arg(hour)
                };
            QList<MinuteSummary> merged = *stored;
            Rollup::merge(merged, minutes);
            minutes = std::move(merged);
            first = double(minutes.first().minute);
        }
    } else if (m_readRollup.failed()) {
        return m_readRollup.failure(QStringLiteral("cannot read summaries"));
    }
    m_readRollup.reset();
    if (!summary) {
        summary = Rollup::total(minutes);
        data = Rollup::encode(minutes);
    }
    const QByteArray sketch = summary->sketch.encode();
    m_writeRollupHour.reset();
    m_writeRollupHour.bind(1, seriesId);
    m_writeRollupHour.bind(2, hour);
    m_writeRollupHour.bind(3, first);
    m_writeRollupHour.bind(4, double(minutes.last().minute));
    m_writeRollupHour.bind(5, arrival);
    m_writeRollupHour.bind(6, summary->count);
    m_writeRollupHour.bind(7, summary->sum);
    m_writeRollupHour.bind(8, summary->sumSquares);
    m_writeRollupHour.bind(9, summary->min);
    m_writeRollupHour.bind(10, summary->max);
    m_writeRollupHour.bind(11, summary->errors);
    m_writeRollupHour.bindBlob(12, sketch);
    m_writeRollupHour.step();
    if (m_writeRollupHour.failed())
        return m_writeRollupHour.failure(QStringLiteral("cannot store summaries"));
    m_writeRollupHour.reset();
    m_writeRollupMinutes.reset();
    m_writeRollupMinutes.bind(1, seriesId);
    m_writeRollupMinutes.bind(2, hour);
    m_writeRollupMinutes.bindBlob(3, *data);
    m_writeRollupMinutes.step();
    if (m_writeRollupMinutes.failed())
        return m_writeRollupMinutes.failure(QStringLiteral("cannot store summaries"));
    m_writeRollupMinutes.reset();
    return Ok {};
}

Result<bool> Retention::expireSummaries(qint64 cutoff, QSet<qint64>& touched)
{
    bool more = true;
    while (more && !overBudget()) {
        struct Row
        {
            qint64 series;
            qint64 hour;
            CallSummary summary;
        };
        QList<Row> rows;
        m_oldRollups.reset();
        m_oldRollups.bind(1, cutoff);
        m_oldRollups.bind(2, qint64(RowsPerQuery));
        while (m_oldRollups.step())
            rows.append({ m_oldRollups.columnInt(0), m_oldRollups.columnInt(1),
                SqliteSummaries::read(m_oldRollups, 2).value_or(CallSummary {}) });
        if (m_oldRollups.failed())
            return m_oldRollups.failure(QStringLiteral("cannot find old summaries"));
        m_oldRollups.reset();
        more = rows.size() == RowsPerQuery;
        for (const auto& row : std::as_const(rows)) {
            for (SqliteStatement* drop : { &m_deleteRollupHour, &m_deleteRollupMinutes }) {
                drop->reset();
                drop->bind(1, row.series);
                drop->bind(2, row.hour);
                drop->step();
                if (drop->failed())
                    return drop->failure(QStringLiteral("cannot delete old summaries"));
            }
            if (auto status = forgetSeriesCalls(row.series, row.summary); !status)
                return status.failure();
            touched.insert(row.series);
        }
    }
    return more;
}

Status Retention::forgetSeriesCalls(qint64 seriesId, const CallSummary& summary)
{
    auto total = SqliteSummaries::load(m_loadSummary, seriesId);
    if (!total)
        return total.failure();
    total->subtract(summary);
    if (auto status = SqliteSummaries::save(m_saveSummary, seriesId, *total); !status)
        return status;
    m_takeFromSeries.reset();
    m_takeFromSeries.bind(1, summary.count);
    m_takeFromSeries.bind(2, summary.sum);
    m_takeFromSeries.bind(3, summary.errors);
    m_takeFromSeries.bind(4, seriesId);
    m_takeFromSeries.step();
    m_firstCall.reset();
    m_firstCall.bind(1, seriesId);
    m_firstCall.step();
    if (m_takeFromSeries.failed() || m_firstCall.failed())
        return Error { QStringLiteral("cannot update a series' totals") };
    return Ok {};
}

Result<bool> Retention::shrink(TagDictionary& tags, QSet<qint64>& touched)
{
    auto used = usedBytes(m_db);
    if (!used)
        return used.failure();
    if (*used <= m_policy.maxBytes)
        return false;
    // Calls first: the oldest arrivals become summaries; once there are none, the oldest summaries go.
    const qint64 oldestCall = pragma(m_db, "SELECT coalesce(min(min_arrival), -1) FROM chunks");
    if (oldestCall >= 0) {
        const auto more = expireCalls(oldestCall + 3600, tags, touched);
        return more ? Result<bool>(true) : more;
    }
    const qint64 oldestSummary = pragma(m_db, "SELECT coalesce(min(max_arrival), -1) FROM rollup_hours");
    if (oldestSummary >= 0) {
        const auto more = expireSummaries(oldestSummary + 86400, touched);
        return more ? Result<bool>(true) : more;
    }
    return false; // only recent calls left: nothing this step can free
}

Result<qint64> Retention::usedBytes(sqlite3* db)
{
    const qint64 pages = pragma(db, "PRAGMA page_count");
    const qint64 free = pragma(db, "PRAGMA freelist_count");
    const qint64 size = pragma(db, "PRAGMA page_size");
    if (pages < 0 || free < 0 || size <= 0)
        return Error { QStringLiteral("cannot read the database's size") };
    return (pages - free) * size;
}

Result<qint64> Retention::startsAt(sqlite3* db)
{
    return std::max<qint64>(pragma(db, "SELECT coalesce((SELECT value FROM meta WHERE name = 'retention_after'), 0)"), 0);
}

Status Retention::setStartsAt(sqlite3* db, qint64 when)
{
    auto statement = SqliteStatement::prepare(db, "INSERT OR REPLACE INTO meta (name, value) VALUES ('retention_after', ?)");
    if (!statement)
        return statement.failure();
    statement->bind(1, when);
    statement->step();
    return statement->failed() ? Status(statement->failure(QStringLiteral("cannot store when retention starts")))
                               : Status(Ok {});
}

} // namespace Kodemon
