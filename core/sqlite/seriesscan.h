// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "sqlite/callfilter.h"
#include "sqlite/chunkscan.h"

#include <functional>

namespace Kodemon {

// One series' calls in a range, read from its chunks (and the recent table's), optionally only those that pass a
// CallFilter: the building block of SqliteReader's answers. Without a filter, chunks inside the range are read
// whole (the execution times as one copy); others go row by row through a RowSelection. Damaged chunks are
// logged and skipped.
class SeriesScan final
{
public:
    SeriesScan(sqlite3* db, qint64 seriesId, const TimeRange& range, const CallFilter* filter = nullptr,
        ChunkScan::Sources sources = ChunkScan::Sources::SeriesAndRecent);

    // The selected calls' execution times, in chunk order; `failed` counts the failed ones.
    Status executionTimes(QList<double>& out, qint64& failed);
    // The selected calls as (start, execution time), in chunk order (not sorted across chunks); `failures`, when
    // given, gets the start of every failed one.
    Status timedValues(QList<TimedValue>& out, QList<double>* failures = nullptr, bool* ordered = nullptr);
    // Every selected call with its tag ids (none for a call without tags) and whether it failed.
    using Visit = std::function<void(const TimedValue& call, bool failed, const quint32* ids, qsizetype idCount)>;
    Status visit(const Visit& visit);

private:
    Status forEachChunk(const std::function<void(const ChunkScan& scan)>& visit);
    bool readsWhole(const ChunkScan& scan) const;
    void warnDamaged() const;

    sqlite3* m_db;
    qint64 m_seriesId;
    TimeRange m_range;
    const CallFilter* m_filter;
    ChunkScan::Sources m_sources;
};

} // namespace Kodemon
