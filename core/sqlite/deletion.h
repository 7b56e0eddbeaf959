// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite/chunktable.h"
#include "sqlite/rollup.h"
#include "store/store.h"

#include <QHash>

namespace Kodemon {

class TagDictionary;

// Deletes calls from an SQLite file inside the writer's transaction (so all or nothing, and invisible to readers
// once committed): a function's, a token's or both, within a range. Whole chunks go by their stored summary; a chunk
// cut by the range is rewritten without the calls in it, as are the recent table's chunks; per-minute summaries go
// by minute. The series' totals, summary and tag counts are taken down by what went. Freed pages are given back by
// the writer's maintenance, later.
class Deletion final
{
public:
    Deletion(sqlite3* db, TagDictionary& tags);

    // How many calls (and summarized calls) went; NotFound when no series matches.
    Result<qint64> run(const DeleteRequest& request);

private:
    struct Removed
    {
        CallSummary summary;
        bool any = false;
    };
    Result<QList<qint64>> seriesOf(const DeleteRequest& request);
    Status fromChunks(qint64 series, const TimeRange& range, Removed& removed);
    Status fromRollups(qint64 series, const TimeRange& range, Removed& removed);
    Status fromRecent(const QList<qint64>& series, const TimeRange& range, QHash<qint64, Removed>& removed);
    Status release(qint64 series, const ChunkRow& row, Removed& removed);
    Status settle(qint64 series, const Removed& removed);
    Status execute(const char* sql, qint64 series);

    sqlite3* m_db;
    TagDictionary& m_tags;
    std::optional<ChunkTable> m_chunks;
};

} // namespace Kodemon
