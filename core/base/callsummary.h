// SPDX-License-Identifier: MIT
#pragma once

#include "base/latencysketch.h"
#include "base/types.h"

namespace Kodemon {

// What a set of calls says about its execution times without the calls themselves: count, sum, sum of squares,
// exact min and max, failed calls and a LatencySketch. Summaries add up (chunks into ranges, minutes into days,
// everything into a series' all-time totals) and come back out (subtract: deleted or expired calls), so answers
// over millions of calls cost what their summaries cost, not what the calls would.
struct CallSummary
{
    qint64 count = 0;
    double sum = 0;
    double sumSquares = 0;
    double min = 0;
    double max = 0;
    qint64 errors = 0;
    LatencySketch sketch;

    void add(double milliseconds, bool failed);
    void merge(const CallSummary& other);
    // Takes back calls that were added; min and max cannot be taken back and stay as they were.
    void subtract(const CallSummary& other);
    // Statistics with exact count, min, max, mean and errors, a standard deviation from the moments, and
    // percentiles within LatencySketch::RelativeAccuracy (clamped to [min, max]); `exact` is false.
    KeyStats stats() const;
    // The p95 as stats() gives it, for the functions table and chart buckets.
    double quantile(int permille) const;
};

} // namespace Kodemon
