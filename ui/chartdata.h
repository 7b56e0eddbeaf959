// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "jobtracker.h"

#include <optional>
#include <QList>
#include <QPointF>

namespace Kodemon {

class Query;

// What the chart draws for one key (or one group of a key's calls): raw calls (x epoch seconds, y ms) when they
// fit the pixels, otherwise equal time buckets with min, mean and max so that spikes stay visible.
struct ChartSeries
{
    KeyId id;
    std::optional<TagGroup> group = {}; // a line of a chart split by a tag: the calls of this group
    qint64 groupCalls = 0; // grouped: the group's calls in the range, for the legend
    bool bucketed = false;
    QList<QPointF> points = {}; // raw mode, ordered by time
    QList<QPointF> failed = {}; // raw mode: the failed calls among the points, ordered by time
    double origin = 0; // bucketed: start of bucket 0 (epoch seconds)
    double step = 0; // bucketed: seconds per bucket
    QList<SeriesBucket> buckets = {}; // bucketed: only buckets holding calls, ordered by start

    qsizetype size() const { return bucketed ? buckets.size() : points.size(); }
    // A call that arrived after the load (live mode).
    void add(double timestamp, double milliseconds, bool failedCall = false);
    // Forgets what lies before `from` (the live range moved on).
    void dropBefore(double from);
    // Largest execution time drawn (the max of buckets), 0 when empty.
    double peak() const;
    // Calls drawn: raw points, or the calls the buckets summarize.
    qint64 calls() const;
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
    QString groupBy = {}; // the series are the groups of the first key's calls by this tag
    // The baseline, moved onto the shown range (dashed lines): baseline[i] belongs to series[i] (same key and
    // group) and is bucketed, its times already shifted by baselineShift; empty without a baseline.
    QList<ChartSeries> baseline = {};
    double baselineShift = 0; // seconds added to the baseline's times
    double baselineCoveredTo = 0; // shifted: how far the loaded baseline reaches
    bool baselineFollows = false; // the baseline moves with the range (live reloads when it passes the end)
    QString baselineLabel = {}; // "1 week earlier"
    QString baselineError = {}; // why the baseline asked for is not drawn
};

// What the chart asks of the query layer.
struct ChartRequest
{
    QList<KeyId> keys;
    TimeRange range;
    int pixels = 0;
    QList<TagFilter> tags = {};
    CallOutcome outcome = CallOutcome::All;
    QString groupBy = {}; // set: the first key only, one line per value of this tag
    std::optional<TimeRange> baseline = {}; // the baseline of `range` (closed)
    double baselineAhead = 0; // seconds of baseline read past its end, so that live steps find it drawn
    QString baselineLabel = {};
    QString baselineError = {}; // a baseline was asked for but the range has none (an open range)
};

// The range with open ends filled from the keys' first and last calls; a zero span gets a minute around it.
TimeRange coveredRange(Query& query, const QList<KeyId>& keys, TimeRange range);

// Loads the chart on a query thread: per key raw points if at most `pixels` calls fall in the range, else about
// pixels/3 buckets; grouped, the first key's groups in buckets. Open range ends become the selected keys' first
// and last calls. With a baseline, the same buckets of the baseline range, moved onto the range.
ChartData loadChart(Query& query, const ChartRequest& request, const JobTracker::IsStale& stale);

// The legend's and the callout's name of a series: the short key (and token), or its group's value.
QString seriesLabel(const ChartData& data, int index);
// The failed share (%) of the calls of the given bucketed series together (their buckets share origin and step),
// in bins of `binSeconds` (a multiple of the step: single buckets of a few calls make a rate jump between 0 and
// 100%) from `from` to `to`, as a step line: two points a bin, 0 where a bin holds no call.
QList<QPointF> errorRateSteps(const QList<ChartSeries>& series, double binSeconds, double from, double to);

} // namespace Kodemon
