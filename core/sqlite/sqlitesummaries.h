// SPDX-License-Identifier: MIT
#pragma once

#include "base/callsummary.h"
#include "base/result.h"
#include "sqlite/sqlitestatement.h"

namespace Kodemon {

// Reading and writing CallSummary columns: (count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch) in that
// order, in series_summary and (without count: sample_count) in chunks.
namespace SqliteSummaries {

// The series' summary row (an empty summary when it has none); `load` binds ?1 = series id and returns the
// seven columns above.
Result<CallSummary> load(SqliteStatement& load, qint64 seriesId);
// INSERT OR REPLACE (series_id, the seven columns).
Status save(SqliteStatement& save, qint64 seriesId, const CallSummary& summary);
// The summary in columns `first` .. `first + 6` of the current row; nothing when the sketch is damaged or
// missing (a chunk written before summaries existed).
std::optional<CallSummary> read(const SqliteStatement& row, int first);
// read() merged into `into` without a decoded copy of the sketch; false, and nothing merged, where read() gives
// nothing.
bool mergeInto(const SqliteStatement& row, int first, CallSummary& into);

} // namespace SqliteSummaries

} // namespace Kodemon
