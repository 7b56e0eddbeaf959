// SPDX-License-Identifier: MIT
#pragma once

#include "types.h"

#include <QList>

namespace Kodemon {

struct TimedValue
{
    double timestamp = 0;
    double value = 0;
};

// Exact statistics; percentiles use the nearest-rank definition (an observed value, never interpolated).
KeyStats computeStats(QList<double> values);

// The nearest-rank percentile of `sorted` (ascending, non-empty): the ceil(n * permille / 1000)-th smallest.
double nearestRank(const QList<double>& sorted, int permille);

// Splits [from, to] into `bucketCount` equal buckets and summarizes the points of each.
// `points` must be ordered by timestamp; points outside the interval are ignored.
BucketedSeries bucketize(const QList<TimedValue>& points, double from, double to, int bucketCount);

} // namespace Kodemon
