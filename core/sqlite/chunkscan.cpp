// SPDX-License-Identifier: MIT
#include "sqlite/chunkscan.h"

#include "base/logging.h"

#include <limits>

namespace Kodemon {

namespace {

// Both statements bind (?1 series, ?2 end of the range, ?3 start) and return (id, min_ts, max_ts, data).
// The index (series_id, min_ts, max_ts) answers the series' WHERE clause and order; only matches read a blob.
constexpr const char* OwnChunks = "SELECT id, min_ts, max_ts, data FROM chunks WHERE series_id = ?1 AND min_ts <= ?2 "
                                  "AND max_ts >= ?3 ORDER BY min_ts";
constexpr const char* RecentChunks
    = "SELECT id, min_ts, max_ts, data FROM recent WHERE ?1 = ?1 AND min_ts <= ?2 AND max_ts >= ?3 ORDER BY min_ts";

Result<SqliteStatement> prepared(sqlite3* db, const char* sql, qint64 seriesId, const TimeRange& range)
{
    auto statement = SqliteStatement::prepareCached(db, sql);
    if (!statement)
        return statement.failure();
    statement->bind(1, seriesId);
    statement->bind(2, range.to.value_or(std::numeric_limits<double>::max()));
    statement->bind(3, range.from.value_or(std::numeric_limits<double>::lowest()));
    return statement;
}

} // namespace

ChunkScan::ChunkScan(qint64 seriesId, const TimeRange& range)
    : m_seriesId(seriesId)
    , m_range(range)
{ }

Result<ChunkScan> ChunkScan::start(sqlite3* db, qint64 seriesId, const TimeRange& range, Sources sources)
{
    ChunkScan scan(seriesId, range);
    const std::pair<Stream*, const char*> streams[] = {
        { sources != Sources::RecentOnly ? &scan.m_own : nullptr, OwnChunks },
        { sources != Sources::SeriesOnly ? &scan.m_recent : nullptr, RecentChunks },
    };
    for (const auto& [stream, sql] : streams) {
        if (!stream)
            continue;
        auto statement = prepared(db, sql, seriesId, range);
        if (!statement)
            return statement.failure();
        stream->statement = std::move(statement).value();
        stream->active = true;
    }
    return scan;
}

bool ChunkScan::advance(Stream& stream)
{
    stream.ready = false;
    stream.view.reset();
    while (stream.active && !m_error && stream.statement.step()) {
        auto view = ChunkView::parse(stream.statement.columnBlob(3));
        if (!view) {
            qCWarning(lcStorage).noquote() << "skipping chunk" << stream.statement.columnInt(0) << "-" << view.error();
            continue;
        }
        stream.minTimestamp = stream.statement.columnDouble(1);
        stream.maxTimestamp = stream.statement.columnDouble(2);
        stream.view = std::move(view).value();
        stream.ready = true;
        return true;
    }
    if (stream.statement.failed())
        m_error = QStringLiteral("database query failed: %1").arg(stream.statement.error());
    return false;
}

bool ChunkScan::next()
{
    if (!m_started) {
        m_started = true;
        advance(m_own);
        advance(m_recent);
    } else if (m_current) {
        advance(*m_current);
    }
    m_current = nullptr;
    if (m_error)
        return false;
    // Merged by start time, so that callers may stop at the first chunk that starts too late.
    if (m_own.ready && (!m_recent.ready || m_own.minTimestamp <= m_recent.minTimestamp))
        m_current = &m_own;
    else if (m_recent.ready)
        m_current = &m_recent;
    return m_current != nullptr;
}

bool ChunkScan::insideRange() const
{
    return (!m_range.from || *m_range.from <= minTimestamp()) && (!m_range.to || maxTimestamp() <= *m_range.to);
}

} // namespace Kodemon
