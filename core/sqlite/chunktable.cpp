// SPDX-License-Identifier: MIT
#include "sqlite/chunktable.h"

#include "base/logging.h"

#include <algorithm>
#include <limits>
#include <sqlite3.h>

namespace Kodemon {

namespace {

bool earlier(const ChunkRow& a, const ChunkRow& b)
{
    return a.timestamp < b.timestamp;
}

} // namespace

CallSummary summarize(const ChunkRow* rows, qsizetype count)
{
    CallSummary summary;
    for (qsizetype i = 0; i < count; ++i)
        summary.add(rows[i].executionTime, rows[i].failed);
    return summary;
}

qint64 arrivalOf(const ChunkRow& row)
{
    constexpr double Bound = 4611686018427387904.0; // 2^62, as receivedDelay() clamps
    return qint64(std::clamp(row.timestamp, -Bound, Bound)) + row.receivedDelay;
}

std::pair<qint64, qint64> arrivals(const ChunkRow* rows, qsizetype count)
{
    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = std::numeric_limits<qint64>::min();
    for (qsizetype i = 0; i < count; ++i) {
        const qint64 arrival = arrivalOf(rows[i]);
        first = std::min(first, arrival);
        last = std::max(last, arrival);
    }
    return { first, last };
}

int ChunkPolicy::sizeClass(qsizetype rows)
{
    int level = 0;
    for (qsizetype bound = FanIn; rows >= bound; bound *= FanIn)
        ++level;
    return level;
}

QList<qsizetype> ChunkPolicy::pieces(qsizetype rows)
{
    const qsizetype count = (rows + MaxRows - 1) / MaxRows;
    if (count == 0)
        return {};
    QList<qsizetype> lengths(count, rows / count);
    for (qsizetype i = 0; i < rows % count; ++i)
        ++lengths[i];
    return lengths;
}

Result<ChunkTable> ChunkTable::prepare(sqlite3* db)
{
    ChunkTable table;
    table.m_db = db;
    struct Entry
    {
        SqliteStatement* statement;
        const char* sql;
    };
    const Entry entries[] = {
        { &table.m_insert,
            "INSERT INTO chunks (series_id, min_ts, max_ts, sample_count, data, sum_ms, sumsq_ms, min_ms, max_ms, "
            "errors, sketch, min_arrival, max_arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
        { &table.m_read, "SELECT data FROM chunks WHERE id = ?" },
        { &table.m_delete, "DELETE FROM chunks WHERE id = ?" },
        { &table.m_open, "SELECT id, sample_count FROM chunks WHERE series_id = ? AND sample_count < ? ORDER BY id" },
        { &table.m_insertRecent, "INSERT INTO recent (min_ts, max_ts, sample_count, data) VALUES (?, ?, ?, ?)" },
        { &table.m_readRecent, "SELECT id, data FROM recent ORDER BY id" },
        { &table.m_deleteRecent, "DELETE FROM recent WHERE id = ?" },
        { &table.m_countRecent, "SELECT coalesce(sum(sample_count), 0) FROM recent" },
    };
    for (const auto& entry : entries) {
        auto statement = SqliteStatement::prepare(db, entry.sql);
        if (!statement)
            return statement.failure();
        *entry.statement = std::move(statement).value();
    }
    return table;
}

Result<qint64> ChunkTable::insert(qint64 seriesId, const ChunkRow* rows, qsizetype count)
{
    Q_ASSERT(count > 0);
    const auto [lowest, highest] = std::minmax_element(rows, rows + count, earlier);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Series, rows, count);
    const CallSummary summary = summarize(rows, count);
    const QByteArray sketch = summary.sketch.encode();
    m_insert.reset();
    m_insert.bind(1, seriesId);
    m_insert.bind(2, lowest->timestamp);
    m_insert.bind(3, highest->timestamp);
    m_insert.bind(4, qint64(count));
    m_insert.bindBlob(5, blob);
    m_insert.bind(6, summary.sum);
    m_insert.bind(7, summary.sumSquares);
    m_insert.bind(8, summary.min);
    m_insert.bind(9, summary.max);
    m_insert.bind(10, summary.errors);
    m_insert.bindBlob(11, sketch);
    const auto [firstArrival, lastArrival] = arrivals(rows, count);
    m_insert.bind(12, firstArrival);
    m_insert.bind(13, lastArrival);
    m_insert.step();
    if (m_insert.failed())
        return m_insert.failure(QStringLiteral("cannot write a chunk"));
    return qint64(sqlite3_last_insert_rowid(m_db));
}

Result<bool> ChunkTable::take(qint64 id, QList<ChunkRow>& rows)
{
    m_read.reset();
    m_read.bind(1, id);
    if (!m_read.step())
        return m_read.failed() ? m_read.failure(QStringLiteral("cannot read stored samples"))
                               : Error { QStringLiteral("chunk %1 vanished while being merged").arg(id) };
    // A damaged chunk stays as it is: merging must never turn one unreadable blob into lost good rows.
    auto view = ChunkView::parse(m_read.columnBlob(0));
    const bool readable = view && view->appendAllRows(rows);
    m_read.reset();
    if (!readable)
        return false;
    m_delete.reset();
    m_delete.bind(1, id);
    m_delete.step();
    if (m_delete.failed())
        return m_delete.failure(QStringLiteral("cannot merge stored samples"));
    return true;
}

Result<QList<OpenChunk>> ChunkTable::openChunks(qint64 seriesId)
{
    m_open.reset();
    m_open.bind(1, seriesId);
    m_open.bind(2, qint64(ChunkPolicy::ChunkFull));
    QList<OpenChunk> chunks;
    while (m_open.step())
        chunks.append({ m_open.columnInt(0), qsizetype(m_open.columnInt(1)) });
    if (m_open.failed())
        return m_open.failure(QStringLiteral("cannot look up a series' chunks"));
    m_open.reset();
    return chunks;
}

Status ChunkTable::insertRecent(const ChunkRow* rows, qsizetype count)
{
    Q_ASSERT(count > 0);
    const auto [lowest, highest] = std::minmax_element(rows, rows + count, earlier);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Mixed, rows, count);
    m_insertRecent.reset();
    m_insertRecent.bind(1, lowest->timestamp);
    m_insertRecent.bind(2, highest->timestamp);
    m_insertRecent.bind(3, qint64(count));
    m_insertRecent.bindBlob(4, blob);
    m_insertRecent.step();
    if (m_insertRecent.failed())
        return m_insertRecent.failure(QStringLiteral("cannot write a chunk of recent calls"));
    return Ok {};
}

Status ChunkTable::takeRecent(QList<ChunkRow>& rows)
{
    QList<qint64> taken;
    m_readRecent.reset();
    while (m_readRecent.step()) {
        const qint64 id = m_readRecent.columnInt(0);
        auto view = ChunkView::parse(m_readRecent.columnBlob(1));
        if (view && view->appendAllRows(rows))
            taken.append(id);
        else
            qCWarning(lcStorage) << "recent chunk" << id << "is damaged; it is left as it is";
    }
    if (m_readRecent.failed())
        return m_readRecent.failure(QStringLiteral("cannot read recent samples"));
    m_readRecent.reset();
    for (const qint64 id : std::as_const(taken)) {
        m_deleteRecent.reset();
        m_deleteRecent.bind(1, id);
        m_deleteRecent.step();
        if (m_deleteRecent.failed())
            return m_deleteRecent.failure(QStringLiteral("cannot compact recent samples"));
    }
    return Ok {};
}

Result<qint64> ChunkTable::recentCalls()
{
    m_countRecent.reset();
    if (!m_countRecent.step())
        return m_countRecent.failure(QStringLiteral("cannot count recent samples"));
    const qint64 count = m_countRecent.columnInt(0);
    m_countRecent.reset();
    return count;
}

} // namespace Kodemon
