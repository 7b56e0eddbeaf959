// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QList>

namespace Kodemon {

// Exact statistics; percentiles use the nearest-rank definition (an observed value, never interpolated).
KeyStats computeStats(QList<double> values);

// Count, mean and nearest-rank p95 of `values` (reordered), for the functions table.
SeriesSummary summarize(const SeriesInfo& info, QList<double>& values);

// Sorts ascending, as std::sort does (no NaN): a radix sort on the bit patterns for large lists, which sorts
// a million execution times several times faster than comparisons do.
void sortValues(QList<double>& values);

// The nearest-rank percentile of `sorted` (ascending, non-empty): the ceil(n * permille / 1000)-th smallest.
double nearestRank(const QList<double>& sorted, int permille);

// Splits [from, to] into equal buckets and summarizes the values that fall into each, in any order, in linear
// time: values are gathered per bucket with a counting sort, then each bucket's p95 is selected in place.
class Bucketizer final
{
public:
    Bucketizer(double from, double to, int bucketCount);

    // Values outside [from, to] are ignored.
    void add(double timestamp, double value);
    // Counts a failed call in its bucket (its execution time is add()ed like any other).
    void addFailure(double timestamp);
    void reserve(qsizetype values);
    // Keeps only buckets first..end-1, so that two Bucketizers can share a range between two threads: a value
    // that rounds into a bucket outside goes to the nearest one inside.
    void restrictTo(int first, int end);
    // Where bucket `index` starts.
    double bucketStart(int index) const { return m_from + double(index) * m_step; }
    int bucketCount() const { return m_bucketCount; }
    BucketedSeries finish();

private:
    double m_from;
    double m_to;
    int m_bucketCount;
    double m_step;
    int m_first = 0;
    int m_end = 0;
    QList<qint32> m_bucketOf;
    QList<double> m_values;
    QList<double> m_failures; // timestamps of failed calls
};

// Bucketizer over a list: summarizes `points` (any order) in `bucketCount` equal buckets of [from, to]; the
// timestamps of the failed ones among them, in any order, give each bucket's error count.
BucketedSeries bucketize(const QList<TimedValue>& points, double from, double to, int bucketCount,
    const QList<double>& failures = {});

} // namespace Kodemon
