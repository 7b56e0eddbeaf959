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

// A day of one series' minute summaries in one blob (a row of the `rollups` table), so that a year of a
// function is 365 rows, not half a million. Columnar like the chunks: minute offsets within the day, counts,
// failed calls, then the moments and sketch of each minute. A minute of one call, the common case for a function
// called less than once a minute, keeps only that call's time (8 bytes) instead of a summary.
namespace Rollup {

inline constexpr qint64 Day = 86400;
inline constexpr qint64 Minute = 60;

// The start of the minute and of the day that hold `timestamp` (floor; negative times too).
qint64 minuteOf(double timestamp);
qint64 dayOf(qint64 minute);

// Minutes in ascending order, all of the same day.
QByteArray encode(const QList<MinuteSummary>& minutes);
// Nothing when the blob is damaged.
std::optional<QList<MinuteSummary>> decode(QByteArrayView blob, qint64 day);

// Merges `added` into `minutes` (both ascending), minute by minute.
void merge(QList<MinuteSummary>& minutes, const QList<MinuteSummary>& added);

} // namespace Rollup

} // namespace Kodemon
