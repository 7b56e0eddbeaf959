// SPDX-License-Identifier: MIT
#pragma once

#include "base/callsummary.h"
#include "sqlite/chunkview.h"
#include "sqlite/sqlitestatement.h"

#include <QList>

namespace Kodemon {

// How the writer sizes chunks. A commit writes its calls as one mixed chunk into the `recent` table (one row
// whatever the number of series). Once that table holds Compaction::atCalls calls, or its oldest is Compaction::afterMs
// old, they are compacted: each series' calls become one series chunk. Small series chunks of about the same size are
// merged, FanIn at a time, until a chunk reaches ChunkFull rows. So a call is rewritten a few times whatever the rate,
// a series has at most (FanIn - 1) small chunks per size class, a query reads at most atCalls recent calls besides its
// series' chunks, and a million calls take about a thousand blobs.
namespace ChunkPolicy {
// When the recent calls are compacted; tests make it happen sooner.
struct Compaction
{
    qsizetype atCalls = 100000;
    qint64 afterMs = 30000;
};
inline constexpr qsizetype ChunkFull = 1024; // chunks with fewer rows are merged further
inline constexpr int FanIn = 8;
inline constexpr qsizetype MaxRows = 8192; // longer runs are cut into several chunks

// The size class of an open chunk: 0 below FanIn rows, 1 below FanIn^2, and so on.
int sizeClass(qsizetype rows);
// The lengths of the chunks `rows` rows are cut into: as equal as possible, none above MaxRows.
QList<qsizetype> pieces(qsizetype rows);
} // namespace ChunkPolicy

// The summary a series chunk is stored with (chunks.sum_ms ... sketch): what readers use instead of its rows
// when the chunk lies inside the range of a large question.
CallSummary summarize(const ChunkRow* rows, qsizetype count);
// When the first and the last of the rows arrived (epoch seconds): retention keeps calls by arrival.
std::pair<qint64, qint64> arrivals(const ChunkRow* rows, qsizetype count);
qint64 arrivalOf(const ChunkRow& row);

// A chunk that may still be merged: fewer than ChunkPolicy::ChunkFull rows.
struct OpenChunk
{
    qint64 id = 0;
    qsizetype rows = 0;
};

// The writer's statements on the chunks table, on one raw SQLite handle; used inside the caller's transaction.
class ChunkTable final
{
public:
    static Result<ChunkTable> prepare(sqlite3* db);

    // Stores rows (in chunkOrder, at least one) of one series as one chunk with its summary; returns its id.
    Result<qint64> insert(qint64 seriesId, const ChunkRow* rows, qsizetype count);
    // Appends the rows of chunk `id` to `rows` and deletes the chunk; false (and nothing done) when the chunk's
    // blob is damaged.
    Result<bool> take(qint64 id, QList<ChunkRow>& rows);
    // The series' chunks that are still open, oldest first.
    Result<QList<OpenChunk>> openChunks(qint64 seriesId);

    // Stores a commit's rows (at least one) of any series as one mixed chunk in the recent table.
    Status insertRecent(const ChunkRow* rows, qsizetype count);
    // Appends every recent row (with its series) to `rows` and empties the table; damaged chunks are logged
    // and left where they are.
    Status takeRecent(QList<ChunkRow>& rows);
    // How many calls the recent table holds.
    Result<qint64> recentCalls();

private:
    sqlite3* m_db = nullptr;
    SqliteStatement m_insert;
    SqliteStatement m_read;
    SqliteStatement m_delete;
    SqliteStatement m_open;
    SqliteStatement m_insertRecent;
    SqliteStatement m_readRecent;
    SqliteStatement m_deleteRecent;
    SqliteStatement m_countRecent;
};

} // namespace Kodemon
