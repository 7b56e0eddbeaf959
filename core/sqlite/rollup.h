// SPDX-License-Identifier: MIT
#pragma once

#include "base/callsummary.h"

#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Kodemon {

// The summary of one series' calls in one minute: what retention keeps of calls older than --retention-raw.
struct MinuteSummary
{
    qint64 minute = 0; // epoch seconds of the minute's start (a multiple of 60)
    CallSummary summary;
};

// An hour of one series' minute summaries in one blob (a row of the `rollups` table, key (series, hour start)),
// so that a year of a function is 8,760 rows, not half a million, and a retention step that adds a minute to the
// row decodes and rewrites at most 60 minutes, whatever the day already holds. Columnar like the chunks: minute
// offsets within the hour, counts, failed calls, then the moments and sketch of each minute. A minute of one
// call, the common case for a function called less than once a minute, keeps only that call's time (8 bytes)
// instead of a summary.
//
// Schema 8 kept a day per row (format 1, offsets within the day); schema 9's upgrade cuts those rows into hours.
// Measured (docs/BENCHMARKS.md, "the day's summary rows"): at 50,000 calls/s over 500 functions late in a day,
// rewriting day rows of ~700 minutes at every step cost 52-62% of a core and 175-205 MB; hour rows bound a step's
// work by 60 minutes a function.
namespace Rollup {

inline constexpr qint64 Day = 86400;
inline constexpr qint64 Hour = 3600;
inline constexpr qint64 Minute = 60;

// The start of the minute, hour and day that hold `timestamp` (floor; negative times too).
qint64 minuteOf(double timestamp);
qint64 hourOf(qint64 minute);
qint64 dayOf(qint64 minute);

// Minutes in ascending order, all of the same hour (format 2, schema 9).
QByteArray encode(const QList<MinuteSummary>& minutes);
// Minutes in ascending order, all of the same day: schema 8's day rows (format 1). Only the upgrade's tests
// write it, to make a file as schema 8 did.
QByteArray encodeDay(const QList<MinuteSummary>& minutes);
// A row (format 2) whose last minute is `lastMinute` with `added` after it (ascending, later than `lastMinute`,
// in the same hour): the row's bytes copied, the new minutes encoded, without decoding what it held. Nothing when
// that does not apply (then decode, merge and encode).
std::optional<QByteArray> append(QByteArrayView blob, qint64 lastMinute, const QList<MinuteSummary>& added);
// The minutes of a row that starts at `start` (its hour in format 2, its day in format 1); nothing when the blob
// is damaged.
std::optional<QList<MinuteSummary>> decode(QByteArrayView blob, qint64 start);

// Merges `added` into `minutes` (both ascending), minute by minute.
void merge(QList<MinuteSummary>& minutes, const QList<MinuteSummary>& added);
// The summary of all the minutes (a row's own columns).
CallSummary total(const QList<MinuteSummary>& minutes);

} // namespace Rollup

} // namespace Kodemon
