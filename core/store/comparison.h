// SPDX-License-Identifier: MIT
#pragma once

#include "base/ranktest.h"
#include "base/result.h"
#include "base/types.h"

#include <QList>

namespace Kodemon {

// Which range a comparison holds the current one against.
struct BaselineSpec
{
    enum class Kind {
        Previous, // the period of the same length that ends where the current range starts
        Offset, // the current range moved `offset` seconds earlier (1 day, 1 week...)
        Custom, // any closed range, of any length
    };
    Kind kind = Kind::Previous;
    double offset = 0; // seconds, > 0, for Offset
    TimeRange custom; // for Custom: both ends set
};

// The baseline range of a closed current range; an open or reversed one is an Invalid error.
Result<TimeRange> baselineRange(const TimeRange& current, const BaselineSpec& spec);

// When a difference counts as a change.
struct ComparisonOptions
{
    double minimumEffect = 0.05; // |median shift| below this (5%) is "no clear change", however significant
    double significance = 0.01; // a p-value at or above this is "no clear change"
    // The rank test reads at most this many calls of each range, a uniform sample, above it: it sorts both
    // samples, about 15 ms per 100,000 calls here, and its p-value is already far below any threshold at that
    // size when the medians differ by the minimum effect. The statistics always cover every call.
    qsizetype maxTestSample = 200000;
};

enum class Verdict {
    NoData, // one of the ranges holds no call
    NoClearChange,
    Slower,
    Faster,
};

// What changed between a baseline range and the current one.
struct Comparison
{
    TimeRange current;
    TimeRange baseline;
    KeyStats currentStats;
    KeyStats baselineStats;
    // (current median - baseline median) / baseline median; 0 when the baseline median is 0 or a range is empty.
    double medianShift = 0;
    RankTest test;
    bool sampled = false; // the rank test read a uniform sample of a range's calls (test.n1, test.n2 say how many)
    Verdict verdict = Verdict::NoData;
};

// Compares the execution times of two ranges (any order), each range's statistics exact.
Comparison compareValues(const QList<TimedValue>& current, const QList<TimedValue>& baseline,
    const ComparisonOptions& options = {});

// A relative change in percent, or nothing when the baseline value is 0 (no finite change).
std::optional<double> percentChange(double current, double baseline);

// Calls per second over a closed range; a zero-length range counts as one second.
double callRate(qint64 calls, const TimeRange& range);

QString verdictName(Verdict verdict);

} // namespace Kodemon
