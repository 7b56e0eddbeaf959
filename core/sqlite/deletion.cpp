// SPDX-License-Identifier: MIT
#include "sqlite/deletion.h"

#include "sqlite/chunkscan.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/sqlitesummaries.h"
#include "sqlite/tagdictionary.h"

#include <limits>

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

Error failed(const SqliteStatement& statement, const char* what)
{
    return statement.failure(QString::fromLatin1(what));
}

} // namespace

Deletion::Deletion(sqlite3* db, TagDictionary& tags)
    : m_db(db)
    , m_tags(tags)
{ }

Result<qint64> Deletion::run(const DeleteRequest& request)
{
    if (!request.key && !request.token)
        return Error { QStringLiteral("say what to delete: a key, a token, or both"), ErrorKind::Invalid };
    if (request.range.isReversed())
        return Error { QStringLiteral("the range is reversed"), ErrorKind::Invalid };
    auto chunks = ChunkTable::prepare(m_db);
    if (!chunks)
        return chunks.failure();
    m_chunks = std::move(chunks).value();
    auto series = seriesOf(request);
    if (!series)
        return series.failure();
    if (series->isEmpty())
        return Error { QStringLiteral("nothing is stored for this key and token"), ErrorKind::NotFound };
    QHash<qint64, Removed> removed;
    for (const qint64 id : std::as_const(*series)) {
        if (auto status = fromChunks(id, request.range, removed[id]); !status)
            return status.failure();
        if (auto status = fromRollups(id, request.range, removed[id]); !status)
            return status.failure();
    }
    if (auto status = fromRecent(*series, request.range, removed); !status)
        return status.failure();
    qint64 calls = 0;
    for (auto it = removed.cbegin(); it != removed.cend(); ++it) {
        if (auto status = settle(it.key(), it.value()); !status)
            return status.failure();
        calls += it->summary.count;
    }
    return calls;
}

Result<QList<qint64>> Deletion::seriesOf(const DeleteRequest& request)
{
    const QByteArray sql = QByteArray("SELECT id FROM series WHERE 1") + (request.key ? " AND key = ?1" : "")
        + (request.token ? " AND token = ?2" : "");
    auto statement = SqliteStatement::prepare(m_db, sql.constData());
    if (!statement)
        return statement.failure();
    const QByteArray key = request.key.value_or(QString()).toUtf8();
    const QByteArray token = request.token.value_or(QString()).toUtf8();
    if (request.key)
        statement->bindText(1, key);
    if (request.token)
        statement->bindText(2, token);
    QList<qint64> ids;
    while (statement->step())
        ids.append(statement->columnInt(0));
    if (statement->failed())
        return failed(*statement, "cannot find what to delete");
    return ids;
}

Status Deletion::release(qint64 series, const ChunkRow& row, Removed& removed)
{
    removed.summary.add(row.executionTime, row.failed);
    removed.any = true;
    return m_tags.release(series, row.tagIds);
}

Status Deletion::fromChunks(qint64 series, const TimeRange& range, Removed& removed)
{
    auto select = SqliteStatement::prepare(
        m_db, "SELECT id, min_ts, max_ts FROM chunks WHERE series_id = ?1 AND min_ts <= ?2 AND max_ts >= ?3");
    if (!select)
        return select.failure();
    select->bind(1, series);
    select->bind(2, upper(range));
    select->bind(3, lower(range));
    QList<qint64> chunks;
    while (select->step())
        chunks.append(select->columnInt(0));
    if (select->failed())
        return failed(*select, "cannot find the calls to delete");
    select->reset();
    for (const qint64 chunk : std::as_const(chunks)) {
        QList<ChunkRow> rows;
        auto taken = m_chunks->take(chunk, rows);
        if (!taken)
            return taken.failure();
        if (!*taken)
            return Error { QStringLiteral("chunk %1 is damaged: nothing was deleted").arg(chunk) };
        QList<ChunkRow> kept;
        for (const auto& row : std::as_const(rows)) {
            if (!range.contains(row.timestamp)) {
                kept.append(row);
            } else if (auto status = release(series, row, removed); !status) {
                return status;
            }
        }
        if (!kept.isEmpty()) {
            if (auto id = m_chunks->insert(series, kept.constData(), kept.size()); !id)
                return id.failure();
        }
    }
    return Ok {};
}

Status Deletion::fromRollups(qint64 series, const TimeRange& range, Removed& removed)
{
    auto select = SqliteStatement::prepare(m_db,
        "SELECT h.hour, m.data FROM rollup_hours h JOIN rollups m ON m.series_id = h.series_id AND m.hour = h.hour "
        "WHERE h.series_id = ?1 AND h.min_ts <= ?2 AND h.max_ts >= ?3");
    auto write = SqliteStatement::prepare(m_db,
        "UPDATE rollup_hours SET min_ts = ?, max_ts = ?, sample_count = ?, sum_ms = ?, sumsq_ms = ?, min_ms = ?, "
        "max_ms = ?, errors = ?, sketch = ? WHERE series_id = ? AND hour = ?");
    auto writeMinutes = SqliteStatement::prepare(m_db, "UPDATE rollups SET data = ? WHERE series_id = ? AND hour = ?");
    auto drop = SqliteStatement::prepare(m_db, "DELETE FROM rollup_hours WHERE series_id = ? AND hour = ?");
    auto dropMinutes = SqliteStatement::prepare(m_db, "DELETE FROM rollups WHERE series_id = ? AND hour = ?");
    for (const auto* statement : { &select, &write, &writeMinutes, &drop, &dropMinutes }) {
        if (!*statement)
            return statement->failure();
    }
    select->bind(1, series);
    select->bind(2, upper(range));
    select->bind(3, lower(range));
    // Rows of an hour (rollup.h): a range cuts at most the two rows at its ends, the others go whole.
    QList<std::pair<qint64, QList<MinuteSummary>>> hours;
    while (select->step()) {
        const qint64 hour = select->columnInt(0);
        auto minutes = Rollup::decode(select->columnBlob(1), hour);
        if (!minutes)
            return Error { QStringLiteral("the summaries of hour %1 are damaged: nothing was deleted").arg(hour) };
        hours.append({ hour, std::move(*minutes) });
    }
    if (select->failed())
        return failed(*select, "cannot find the summaries to delete");
    for (auto& [hour, minutes] : hours) {
        QList<MinuteSummary> kept;
        for (auto& minute : minutes) {
            if (range.contains(double(minute.minute))) {
                removed.summary.merge(minute.summary);
                removed.any = true;
            } else {
                kept.append(std::move(minute));
            }
        }
        if (kept.isEmpty()) {
            for (auto* statement : { &*drop, &*dropMinutes }) {
                statement->reset();
                statement->bind(1, series);
                statement->bind(2, hour);
                statement->step();
                if (statement->failed())
                    return failed(*statement, "cannot delete summaries");
            }
            continue;
        }
        const CallSummary total = Rollup::total(kept);
        const QByteArray sketch = total.sketch.encode();
        const QByteArray data = Rollup::encode(kept);
        write->reset();
        write->bind(1, double(kept.first().minute));
        write->bind(2, double(kept.last().minute));
        write->bind(3, total.count);
        write->bind(4, total.sum);
        write->bind(5, total.sumSquares);
        write->bind(6, total.min);
        write->bind(7, total.max);
        write->bind(8, total.errors);
        write->bindBlob(9, sketch);
        write->bind(10, series);
        write->bind(11, hour);
        write->step();
        if (write->failed())
            return failed(*write, "cannot rewrite summaries");
        writeMinutes->reset();
        writeMinutes->bindBlob(1, data);
        writeMinutes->bind(2, series);
        writeMinutes->bind(3, hour);
        writeMinutes->step();
        if (writeMinutes->failed())
            return failed(*writeMinutes, "cannot rewrite summaries");
    }
    return Ok {};
}

Status Deletion::fromRecent(const QList<qint64>& series, const TimeRange& range, QHash<qint64, Removed>& removed)
{
    auto select = SqliteStatement::prepare(m_db, "SELECT id, data FROM recent WHERE min_ts <= ?1 AND max_ts >= ?2");
    if (!select)
        return select.failure();
    select->bind(1, upper(range));
    select->bind(2, lower(range));
    QList<std::pair<qint64, QList<ChunkRow>>> rewrites;
    while (select->step()) {
        auto view = ChunkView::parse(select->columnBlob(1));
        QList<ChunkRow> rows;
        if (!view || !view->appendAllRows(rows))
            return Error { QStringLiteral("recent chunk %1 is damaged: nothing was deleted").arg(select->columnInt(0)) };
        QList<ChunkRow> kept;
        bool changed = false;
        for (const auto& row : std::as_const(rows)) {
            if (series.contains(row.series) && range.contains(row.timestamp)) {
                if (auto status = release(row.series, row, removed[row.series]); !status)
                    return status;
                changed = true;
            } else {
                kept.append(row);
            }
        }
        if (changed)
            rewrites.append({ select->columnInt(0), std::move(kept) });
    }
    if (select->failed())
        return failed(*select, "cannot find the recent calls to delete");
    select->reset();
    auto drop = SqliteStatement::prepare(m_db, "DELETE FROM recent WHERE id = ?");
    if (!drop)
        return drop.failure();
    for (const auto& [id, kept] : std::as_const(rewrites)) {
        drop->reset();
        drop->bind(1, id);
        drop->step();
        if (drop->failed())
            return failed(*drop, "cannot rewrite recent calls");
        if (!kept.isEmpty()) {
            if (auto status = m_chunks->insertRecent(kept.constData(), kept.size()); !status)
                return status;
        }
    }
    return Ok {};
}

// The series' totals, summary and time span after the deletion.
Status Deletion::settle(qint64 series, const Removed& removed)
{
    if (!removed.any)
        return Ok {};
    auto load = SqliteStatement::prepare(
        m_db, "SELECT count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM series_summary WHERE series_id = ?");
    auto save = SqliteStatement::prepare(m_db, "INSERT OR REPLACE INTO series_summary (series_id, count, sum_ms, "
                                               "sumsq_ms, min_ms, max_ms, errors, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!load || !save)
        return !load ? load.failure() : save.failure();
    // The summary covers chunks and rollups: recompute it from what is left (its min and max cannot be
    // subtracted, and a deletion is rare enough to pay for one pass over the series' stored summaries).
    CallSummary left;
    for (const char* sql : { "SELECT sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM chunks "
                             "WHERE series_id = ?",
             "SELECT sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM rollup_hours WHERE series_id = ?" }) {
        auto parts = SqliteStatement::prepare(m_db, sql);
        if (!parts)
            return parts.failure();
        parts->bind(1, series);
        while (parts->step()) {
            if (const auto part = SqliteSummaries::read(*parts, 0))
                left.merge(*part);
        }
        if (parts->failed())
            return failed(*parts, "cannot read what is left of a series");
    }
    if (auto status = SqliteSummaries::save(*save, series, left); !status)
        return status;
    // The recent calls left count for the span too (?5, ?6: NULL when none).
    std::optional<std::pair<double, double>> recent;
    auto scan = ChunkScan::start(m_db, series, TimeRange {}, ChunkScan::Sources::RecentOnly);
    if (!scan)
        return scan.failure();
    QList<ChunkRow> rows;
    while (scan->next()) {
        rows.clear();
        scan->chunk().appendRows(series, rows);
        for (const auto& row : std::as_const(rows))
            recent = recent ? std::pair { std::min(recent->first, row.timestamp), std::max(recent->second, row.timestamp) }
                            : std::pair { row.timestamp, row.timestamp };
    }
    auto totals = SqliteStatement::prepare(m_db,
        "UPDATE series SET sample_count = max(sample_count - ?1, 0), total_ms = total_ms - ?2, "
        "error_count = max(error_count - ?3, 0), "
        "first_ts = (SELECT min(t) FROM (SELECT min(min_ts) AS t FROM chunks WHERE series_id = ?4 "
        "  UNION ALL SELECT min(min_ts) FROM rollup_hours WHERE series_id = ?4 UNION ALL SELECT ?5)), "
        "last_ts = (SELECT max(t) FROM (SELECT max(max_ts) AS t FROM chunks WHERE series_id = ?4 "
        "  UNION ALL SELECT max(max_ts) FROM rollup_hours WHERE series_id = ?4 UNION ALL SELECT ?6)) "
        "WHERE id = ?4");
    if (!totals)
        return totals.failure();
    totals->bind(1, removed.summary.count);
    totals->bind(2, removed.summary.sum);
    totals->bind(3, removed.summary.errors);
    totals->bind(4, series);
    recent ? totals->bind(5, recent->first) : totals->bindNull(5);
    recent ? totals->bind(6, recent->second) : totals->bindNull(6);
    totals->step();
    if (totals->failed())
        return failed(*totals, "cannot update a series' totals");
    return Ok {};
}

} // namespace Kodemon
