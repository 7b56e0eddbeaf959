// SPDX-License-Identifier: MIT
#include "sqlite/summaryscan.h"

#include "base/logging.h"
#include "sqlite/chunkscan.h"
#include "sqlite/chunkview.h"
#include "sqlite/rollup.h"
#include "sqlite/sqlitesummaries.h"

#include <limits>
#include <optional>
#include <sqlite3.h>

namespace Kodemon {

namespace {

double upper(const TimeRange& range)
{
    return range.to.value_or(std::numeric_limits<double>::max());
}

double lower(const TimeRange& range)
{
    return range.from.value_or(std::numeric_limits<double>::lowest());
}

// The keys of the rollup rows (hour starts) that can hold a minute of the range: the primary key then bounds the
// rows read. Without it a question about an hour read every row of the series (8,760 a year, a page each).
qint64 firstHour(const TimeRange& range)
{
    return range.from ? Rollup::hourOf(Rollup::minuteOf(*range.from)) : std::numeric_limits<qint64>::min();
}

qint64 lastHour(const TimeRange& range)
{
    return range.to ? Rollup::hourOf(Rollup::minuteOf(*range.to)) : std::numeric_limits<qint64>::max();
}

} // namespace

SummaryScan::SummaryScan(sqlite3* db, qint64 seriesId, const TimeRange& range)
    : m_db(db)
    , m_seriesId(seriesId)
    , m_range(range)
{ }

Status SummaryScan::run(const TakesWhole& takesWhole, const Whole& whole, const Call& call, bool withRecent)
{
    // The index answers the WHERE clause; only summaries are read here, the blob of a chunk only when needed.
    auto chunks = SqliteStatement::prepareCached(m_db,
        "SELECT id, min_ts, max_ts, sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM chunks "
        "WHERE series_id = ?1 AND min_ts <= ?2 AND max_ts >= ?3");
    if (!chunks)
        return chunks.failure();
    chunks->bind(1, m_seriesId);
    chunks->bind(2, upper(m_range));
    chunks->bind(3, lower(m_range));
    QList<qint64> cut;
    while (chunks->step()) {
        const double first = chunks->columnDouble(1);
        const double last = chunks->columnDouble(2);
        const bool inside = m_range.contains(first) && m_range.contains(last);
        if (inside && takesWhole(first, last) && takeWhole(*chunks, first, last, whole))
            continue;
        cut.append(chunks->columnInt(0));
    }
    if (chunks->failed())
        return chunks->failure(QStringLiteral("database query failed"));
    for (const qint64 id : std::as_const(cut)) {
        if (auto status = readChunk(id, call); !status)
            return status;
    }
    if (auto status = readRollups(takesWhole, whole); !status)
        return status;
    return withRecent ? recent(call) : Status(Ok {});
}

bool SummaryScan::takeWhole(const SqliteStatement& row, double first, double last, const Whole& whole)
{
    // Columns 3 .. 9: sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch (chunks and rollups alike).
    if (m_into) {
        if (CallSummary* into = m_into(first, last))
            return SqliteSummaries::mergeInto(row, 3, *into);
    }
    const auto summary = SqliteSummaries::read(row, 3);
    if (summary)
        whole(first, last, *summary);
    return summary.has_value();
}

Status SummaryScan::readRollups(const TakesWhole& takesWhole, const Whole& whole)
{
    // The (series, hour) key bounds the rows read, consecutive in rollup_hours (schema 11); the minutes' blob is
    // read, from `rollups`, only for a row not taken whole. Selecting it with the summaries made SQLite copy every
    // row's blob (325 KB for a day row of a 10M-call function): 1,000 buckets over its year took 949 ms of CPU.
    auto rows = SqliteStatement::prepareCached(m_db,
        "SELECT hour, min_ts, max_ts, sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM rollup_hours "
        "WHERE series_id = ?1 AND hour BETWEEN ?4 AND ?5 AND min_ts <= ?2 AND max_ts >= ?3");
    if (!rows)
        return rows.failure();
    rows->bind(1, m_seriesId);
    rows->bind(2, upper(m_range));
    rows->bind(3, lower(m_range));
    rows->bind(4, firstHour(m_range));
    rows->bind(5, lastHour(m_range));
    std::optional<SqliteStatement> minutesOf;
    while (rows->step()) {
        const double first = rows->columnDouble(1);
        const double last = rows->columnDouble(2);
        if (m_range.contains(first) && m_range.contains(last) && takesWhole(first, last)
            && takeWhole(*rows, first, last, whole))
            continue;
        const qint64 hour = rows->columnInt(0);
        if (!minutesOf) {
            auto prepared = SqliteStatement::prepare(m_db, "SELECT data FROM rollups WHERE series_id = ?1 AND hour = ?2");
            if (!prepared)
                return prepared.failure();
            minutesOf.emplace(std::move(prepared).value());
        }
        minutesOf->reset();
        minutesOf->bind(1, m_seriesId);
        minutesOf->bind(2, hour);
        if (!minutesOf->step())
            return minutesOf->failure(QStringLiteral("database query failed"));
        const auto minutes = Rollup::decode(minutesOf->columnBlob(0), hour);
        if (!minutes) {
            qCWarning(lcStorage) << "skipping the damaged summaries of series" << m_seriesId << "in hour" << hour;
            continue;
        }
        for (const auto& minute : *minutes) {
            if (m_range.contains(double(minute.minute)))
                whole(double(minute.minute), double(minute.minute), minute.summary);
        }
    }
    if (rows->failed())
        return rows->failure(QStringLiteral("database query failed"));
    return Ok {};
}

Result<bool> SummaryScan::summarizedIn(sqlite3* db, qint64 seriesId, const TimeRange& range)
{
    // EXISTS stops at the first row: counting them read every row of the series with its summaries (114 ms for
    // the 336 day rows of a 10M-call function, kodemon-querybench --history).
    auto statement = SqliteStatement::prepareCached(
        db, "SELECT EXISTS (SELECT 1 FROM rollup_hours WHERE series_id = ?1 AND hour BETWEEN ?4 AND ?5 AND min_ts <= ?2 "
            "AND max_ts >= ?3)");
    if (!statement)
        return statement.failure();
    statement->bind(1, seriesId);
    statement->bind(2, upper(range));
    statement->bind(3, lower(range));
    statement->bind(4, firstHour(range));
    statement->bind(5, lastHour(range));
    if (!statement->step())
        return statement->failure(QStringLiteral("database query failed"));
    return statement->columnInt(0) > 0;
}

Status SummaryScan::readChunk(qint64 chunkId, const Call& call)
{
    if (!m_chunkData) { // prepared once per scan: preparing it per cut chunk was 4% of 1,000 buckets over a year
        auto prepared = SqliteStatement::prepareCached(m_db, "SELECT data FROM chunks WHERE id = ?");
        if (!prepared)
            return prepared.failure();
        m_chunkData.emplace(std::move(prepared).value());
    }
    auto& statement = m_chunkData;
    statement->reset();
    statement->bind(1, chunkId);
    if (!statement->step())
        return statement->failed() ? statement->failure(QStringLiteral("database query failed")) : Status(Ok {});
    // Only the columns a summary needs (times, execution times, which calls failed): decoding whole rows with
    // their extra fields took 57 ns a call, most of the 284 ms of 1,000 buckets over a 10M-call function
    // (100M-call database, half its chunks cut by a bucket's edge; kodemon-querybench --history).
    auto view = ChunkView::parse(statement->columnBlob(0));
    if (!view || !view->readTimestampColumn(m_timestamps) || !view->readTagColumn(m_tags)) {
        qCWarning(lcStorage) << "skipping chunk" << chunkId << "whose rows are damaged";
        return Ok {};
    }
    view->readExecutionTimeColumn(m_times);
    if (m_calls)
        return takeCutCalls();
    qsizetype nextTagged = 0;
    for (qsizetype i = 0; i < m_timestamps.size(); ++i) {
        const bool listed = nextTagged < m_tags.entries.size() && m_tags.entries[nextTagged].row == i;
        const bool failed = listed && m_tags.entries[nextTagged++].failed;
        if (m_range.contains(m_timestamps[i]))
            call(m_timestamps[i], m_times[i], failed);
    }
    return Ok {};
}

Status SummaryScan::takeCutCalls()
{
    // The calls in range moved to the front, their failed rows noted (a chunk cut by the range's ends holds some
    // outside it; one cut only by a bucket edge, all).
    double* timestamps = m_timestamps.data();
    double* times = m_times.data();
    const TagColumn::Entry* tagged = m_tags.entries.constData(); // no detach check per call
    const qsizetype taggedCount = m_tags.entries.size();
    m_failedRows.clear();
    qsizetype kept = 0;
    qsizetype nextTagged = 0;
    for (qsizetype i = 0; i < m_timestamps.size(); ++i) {
        const bool listed = nextTagged < taggedCount && tagged[nextTagged].row == i;
        const bool failed = listed && tagged[nextTagged++].failed;
        if (!m_range.contains(timestamps[i]))
            continue;
        if (failed)
            m_failedRows.append(kept);
        timestamps[kept] = timestamps[i];
        times[kept] = times[i];
        ++kept;
    }
    m_calls({ timestamps, times, kept, m_failedRows });
    return Ok {};
}

Status SummaryScan::recent(const Call& call)
{
    auto scan = ChunkScan::start(m_db, m_seriesId, m_range, ChunkScan::Sources::RecentOnly);
    if (!scan)
        return scan.failure();
    QList<ChunkRow> rows;
    while (scan->next()) {
        rows.clear();
        if (!scan->chunk().appendRows(m_seriesId, rows)) {
            qCWarning(lcStorage) << "skipping a recent chunk whose rows are damaged";
            continue;
        }
        for (const auto& row : std::as_const(rows)) {
            if (m_range.contains(row.timestamp))
                call(row.timestamp, row.executionTime, row.failed);
        }
    }
    if (auto error = scan->error())
        return Error { *error };
    return Ok {};
}

Result<qint64> SummaryScan::estimate(sqlite3* db, qint64 seriesId, const TimeRange& range)
{
    qint64 calls = 0;
    for (const char* sql : { "SELECT coalesce(sum(sample_count), 0) FROM chunks WHERE series_id = ?1 AND min_ts <= ?2 "
                             "AND max_ts >= ?3",
             "SELECT coalesce(sum(sample_count), 0) FROM recent WHERE ?1 = ?1 AND min_ts <= ?2 AND max_ts >= ?3" }) {
        auto statement = SqliteStatement::prepareCached(db, sql);
        if (!statement)
            return statement.failure();
        statement->bind(1, seriesId);
        statement->bind(2, upper(range));
        statement->bind(3, lower(range));
        if (!statement->step())
            return statement->failure(QStringLiteral("database query failed"));
        calls += statement->columnInt(0);
    }
    return calls;
}

Result<CallSummary> SummaryScan::compacted(sqlite3* db, qint64 seriesId)
{
    auto statement = SqliteStatement::prepare(
        db, "SELECT count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM series_summary WHERE series_id = ?");
    if (!statement)
        return statement.failure();
    return SqliteSummaries::load(*statement, seriesId);
}

ReadSnapshot::ReadSnapshot(sqlite3* db)
    : m_db(db)
{
    // Only outside a transaction (autocommit): a nested BEGIN would fail, and then the outer one holds already.
    m_began = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
}

ReadSnapshot::~ReadSnapshot()
{
    if (m_began)
        sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace Kodemon
