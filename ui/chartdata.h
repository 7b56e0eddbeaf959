// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "jobtracker.h"

#include <QList>
#include <QPointF>

namespace Kodemon {

class Query;

// What the chart draws for one key: raw calls (x epoch seconds, y ms) when they fit the pixels,
// otherwise equal time buckets with min, mean and max so that spikes stay visible.
struct ChartSeries
{
    KeyId id;
    bool bucketed = false;
    QList<QPointF> points; // raw mode, ordered by time
    double origin = 0; // bucketed: start of bucket 0 (epoch seconds)
    double step = 0; // bucketed: seconds per bucket
    QList<SeriesBucket> buckets; // bucketed: only buckets holding calls, ordered by start

    qsizetype size() const { return bucketed ? buckets.size() : points.size(); }
    // A call that arrived after the load (live mode).
    void add(double timestamp, double milliseconds);
    // Forgets what lies before `from` (the live range moved on).
    void dropBefore(double from);
    // Largest execution time drawn (the max of buckets), 0 when empty.
    double peak() const;
};

// Everything the chart shows for one range.
struct ChartData
{
    double from = 0; // epoch seconds, the x axis
    double to = 0;
    QList<ChartSeries> series;
    QString error; // why nothing could be loaded
    qint64 readAtMs = 0; // SampleFeed::clockMs() when the load had read everything: later calls are new to it
    int pixels = 0; // the plot width the load was made for (raw points up to it, a bucket per three)
};

// The range with open ends filled from the keys' first and last calls; a zero span gets a minute around it.
TimeRange coveredRange(Query& query, const QList<KeyId>& keys, TimeRange range);

// Loads the chart on a query thread: per key raw points if at most `pixels` calls fall in the range,
// else about pixels/3 buckets. Open range ends become the selected keys' first and last calls.
ChartData loadChart(
    Query& query, const QList<KeyId>& keys, const TimeRange& range, int pixels, const JobTracker::IsStale& stale);

} // namespace Kodemon
