// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "sqlite/chunkview.h"
#include "sqlite/sqlitestatement.h"

#include <optional>

namespace Kodemon {

// The chunks that may hold calls of one series within a time range, earliest start first: the series' own
// chunks and the recent table's mixed ones (ChunkPolicy in chunktable.h), read on one raw SQLite handle. The
// ChunkView readers take seriesId(), so that a mixed chunk gives only this series' calls. A damaged chunk is
// logged and skipped, so that one bad blob never hides a series.
class ChunkScan final
{
public:
    // Which chunks: a query for one series reads both; one over every series reads the recent ones once
    // (RecentOnly, seriesId unused) and then each series' own (SeriesOnly), instead of the recent ones per series.
    enum class Sources { SeriesAndRecent, SeriesOnly, RecentOnly };
    static Result<ChunkScan> start(
        sqlite3* db, qint64 seriesId, const TimeRange& range, Sources sources = Sources::SeriesAndRecent);

    // Moves to the next chunk; false at the end or on an error (then error() says which).
    bool next();
    std::optional<QString> error() const { return m_error; }

    qint64 seriesId() const { return m_seriesId; }
    double minTimestamp() const { return m_current->minTimestamp; }
    double maxTimestamp() const { return m_current->maxTimestamp; }
    // True when every row of the current chunk lies within the range: no row needs checking.
    bool insideRange() const;
    // The current chunk; valid until next().
    const ChunkView& chunk() const { return *m_current->view; }

private:
    // One of the two sorted streams merged by next().
    struct Stream
    {
        SqliteStatement statement;
        bool active = false; // a source this scan reads
        bool ready = false; // holds a chunk not yet returned
        double minTimestamp = 0;
        double maxTimestamp = 0;
        std::optional<ChunkView> view;
    };
    ChunkScan(qint64 seriesId, const TimeRange& range);
    bool advance(Stream& stream);

    qint64 m_seriesId;
    TimeRange m_range;
    Stream m_own;
    Stream m_recent;
    Stream* m_current = nullptr;
    bool m_started = false;
    std::optional<QString> m_error;
};

} // namespace Kodemon
