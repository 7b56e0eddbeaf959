// SPDX-License-Identifier: MIT
#include "chartdata.h"

#include "live/samplefeed.h"
#include "store/query.h"

#include <algorithm>
#include <cmath>

namespace Kodemon {

namespace {

SeriesBucket newBucket(double start, double value)
{
    return SeriesBucket { start, 1, value, value, value, value };
}

void addTo(SeriesBucket& bucket, double value)
{
    ++bucket.count;
    bucket.min = std::min(bucket.min, value);
    bucket.max = std::max(bucket.max, value);
    bucket.mean += (value - bucket.mean) / double(bucket.count);
    bucket.p95 = std::max(bucket.p95, value); // unknown after a live add; an upper bound is honest
}

ChartSeries loadSeries(Query& query, const KeyId& id, const TimeRange& range, int pixels, QString& error)
{
    ChartSeries series;
    series.id = id;
    const SeriesSelector selector { id.key, id.token, range };
    const auto page = query.executions(selector, {}, pixels);
    if (!page) {
        if (page.errorKind() != ErrorKind::NotFound)
            error = page.error();
        return series;
    }
    if (!page->next) {
        series.points.reserve(page->samples.size());
        for (const auto& sample : page->samples)
            series.points.append(QPointF(sample.timestamp, sample.executionTime));
        return series;
    }
    // A bucket every three pixels: the band stays readable, and min and max keep every spike.
    const int buckets = std::clamp(pixels / 3, 1, Query::MaxBucketCount);
    const auto bucketed = query.buckets(selector, buckets);
    if (!bucketed) {
        error = bucketed.error();
        return series;
    }
    series.bucketed = true;
    series.origin = *range.from;
    series.step = bucketed->step;
    series.buckets = bucketed->buckets;
    return series;
}

} // namespace

TimeRange coveredRange(Query& query, const QList<KeyId>& keys, TimeRange range)
{
    if (!range.from || !range.to) {
        std::optional<double> first;
        std::optional<double> last;
        const auto all = query.keys();
        for (const auto& info : all ? *all : QList<SeriesInfo>()) {
            if (!keys.contains(info.id))
                continue;
            first = std::min(first.value_or(info.first), info.first);
            last = std::max(last.value_or(info.last), info.last);
        }
        range.from = range.from ? range.from : first;
        range.to = range.to ? range.to : last;
    }
    const double to = range.to.value_or(0);
    const double from = range.from.value_or(to - 60);
    if (to - from < 1)
        return TimeRange { from - 30, to + 30 };
    return TimeRange { from, to };
}

void ChartSeries::add(double timestamp, double milliseconds)
{
    if (!bucketed) {
        const QPointF point(timestamp, milliseconds);
        auto at = std::upper_bound(
            points.begin(), points.end(), point, [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
        points.insert(at, point);
        return;
    }
    const double start = origin + std::floor((timestamp - origin) / step) * step;
    auto at = std::lower_bound(buckets.begin(), buckets.end(), start - step / 2,
        [](const SeriesBucket& bucket, double value) { return bucket.start < value; });
    if (at != buckets.end() && std::abs(at->start - start) < step / 2)
        addTo(*at, milliseconds);
    else
        buckets.insert(at, newBucket(start, milliseconds));
}

void ChartSeries::dropBefore(double from)
{
    if (bucketed) {
        auto end = std::find_if(
            buckets.begin(), buckets.end(), [&](const SeriesBucket& bucket) { return bucket.start + step >= from; });
        buckets.erase(buckets.begin(), end);
        return;
    }
    auto end = std::find_if(points.begin(), points.end(), [&](const QPointF& point) { return point.x() >= from; });
    points.erase(points.begin(), end);
}

double ChartSeries::peak() const
{
    double peak = 0;
    for (const auto& point : points)
        peak = std::max(peak, point.y());
    for (const auto& bucket : buckets)
        peak = std::max(peak, bucket.max);
    return peak;
}

ChartData loadChart(
    Query& query, const QList<KeyId>& keys, const TimeRange& requested, int pixels, const JobTracker::IsStale& stale)
{
    const TimeRange range = coveredRange(query, keys, requested);
    ChartData data { *range.from, *range.to, {}, {} };
    data.pixels = pixels;
    for (const auto& id : keys) {
        if (stale())
            break;
        data.series.append(loadSeries(query, id, range, std::max(pixels, 2), data.error));
    }
    data.readAtMs = SampleFeed::clockMs();
    return data;
}

} // namespace Kodemon
