// SPDX-License-Identifier: MIT
#pragma once

#include "base/latencysketch.h"
#include "base/stats.h"
#include "base/types.h"

#include <QList>

namespace Kodemon {

// Counts of execution times in log-spaced bins: bin i holds values in [edges[i], edges[i + 1]).
struct Histogram
{
    QList<double> edges; // milliseconds, ascending, counts.size() + 1 of them
    QList<qint64> counts;
};

// The histogram of calls known only by their summary, on the same log bins as SampleWindow::histogram(): each
// sketch bucket (1% wide) counts in the bin that holds its middle.
Histogram histogramOf(const LatencySketch& sketch, double min, double max, int binsPerDecade = 12);

// The execution times of one key over the shown range, kept sorted so that statistics and the histogram are
// exact and cheap to recompute when live mode adds new calls and drops those that left the range. The start times
// of the failed calls among them are kept too, for the failed count.
class SampleWindow final
{
public:
    SampleWindow() = default;
    // `values` and `failed` (start times of the failed calls among the values) in any order.
    explicit SampleWindow(QList<TimedValue> values, QList<double> failed = {});

    void add(const QList<TimedValue>& values, const QList<double>& failed = {});
    void dropBefore(double from);
    qsizetype size() const { return m_sorted.size(); }
    // The calls, oldest first.
    const QList<TimedValue>& values() const { return m_byTime; }

    // The same definitions as the query layer (nearest-rank percentiles).
    KeyStats stats() const;
    // Bins from a quarter decade below the smallest positive value to one above the largest.
    Histogram histogram(int binsPerDecade = 12) const;

private:
    QList<TimedValue> m_byTime; // ordered by timestamp
    QList<double> m_sorted; // the same values, ascending
    QList<double> m_failed; // start times of the failed calls, ascending
};

} // namespace Kodemon
