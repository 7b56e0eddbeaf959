// SPDX-License-Identifier: MIT
#pragma once

#include "base/callsummary.h"
#include "base/types.h"
#include "sqlite/chunkview.h"
#include "sqlite/sqlitestatement.h"

#include <functional>
#include <optional>

namespace Kodemon {

// One series' calls in a range, read from summaries where the caller can use a whole chunk's (the chunks inside
// the range) and from the calls themselves everywhere else (chunks cut by the range's ends, chunks written
// without a summary, the recent table): what questions over millions of calls cost instead of reading them all.
// Calls older than --retention-raw exist only as per-minute summaries (the rollups table): they come as wholes.
class SummaryScan final
{
public:
    SummaryScan(sqlite3* db, qint64 seriesId, const TimeRange& range);

    // Whether the caller takes a chunk spanning [first, last] whole (a chart bucket must hold all of it).
    using TakesWhole = std::function<bool(double first, double last)>;
    using Whole = std::function<void(double first, double last, const CallSummary& summary)>;
    using Call = std::function<void(double timestamp, double milliseconds, bool failed)>;
    // Where a whole chunk's or hour's summary goes, when the caller merges them (chart buckets): merged there
    // from the stored columns, without a CallSummary of its own per row (`whole` still gets the minutes of cut
    // hours and anything `into` has no place for: nullptr).
    using Into = std::function<CallSummary*(double first, double last)>;
    void mergeWholesInto(Into into) { m_into = std::move(into); }
    // The calls in range of one cut chunk, at once: times and execution times side by side, and the rows (indexes
    // into them) of the failed calls in order.
    struct CutCalls
    {
        const double* timestamps;
        const double* milliseconds;
        qsizetype count;
        const QList<qsizetype>& failedRows;
    };
    // Where the calls of cut chunks go when the caller takes them a chunk at a time (chart buckets) instead of
    // one call at a time through `call`: a std::function call per call was a sixth of the time spent on them.
    using Calls = std::function<void(const CutCalls& calls)>;
    void takeCutCallsInto(Calls calls) { m_calls = std::move(calls); }
    // With `withRecent` false the recent table is left to the caller (the functions table reads it once for all).
    Status run(const TakesWhole& takesWhole, const Whole& whole, const Call& call, bool withRecent = true);
    // Only the recent table's calls of the series in range (with compacted(), a series' whole history).
    Status recent(const Call& call);

    // How many calls the series' chunks and the recent chunks overlapping the range hold: an upper bound of the
    // calls in range, read from the index only.
    static Result<qint64> estimate(sqlite3* db, qint64 seriesId, const TimeRange& range);
    // Whether per-minute summaries of the series (calls older than --retention-raw) overlap the range: such a
    // range can only be answered from summaries.
    static Result<bool> summarizedIn(sqlite3* db, qint64 seriesId, const TimeRange& range);
    // The series' calls in the chunks table, all time (series_summary).
    static Result<CallSummary> compacted(sqlite3* db, qint64 seriesId);

private:
    Status readChunk(qint64 chunkId, const Call& call);
    // The read chunk's calls in range to m_calls.
    Status takeCutCalls();
    // The summary in columns 3 .. 9 of `row` to `m_into` or `whole`; false when it is damaged (read the calls).
    bool takeWhole(const SqliteStatement& row, double first, double last, const Whole& whole);
    // The series' per-minute summaries in range: whole hours where the caller takes them, else minute by minute
    // (a minute is in the range when its start is).
    Status readRollups(const TakesWhole& takesWhole, const Whole& whole);

    sqlite3* m_db;
    qint64 m_seriesId;
    TimeRange m_range;
    Into m_into;
    Calls m_calls;
    // readChunk's columns, kept between chunks
    QList<double> m_timestamps;
    QList<double> m_times;
    TagColumn m_tags;
    QList<qsizetype> m_failedRows;
    std::optional<SqliteStatement> m_chunkData;
};

// A read transaction over several statements, so that a question answered from the chunks table, its summaries
// and the recent table sees one state of the file (a compaction in between would count calls twice or never).
class ReadSnapshot final
{
public:
    explicit ReadSnapshot(sqlite3* db);
    ~ReadSnapshot();
    Q_DISABLE_COPY_MOVE(ReadSnapshot)

private:
    sqlite3* m_db;
    bool m_began = false;
};

} // namespace Kodemon
