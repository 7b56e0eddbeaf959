// SPDX-License-Identifier: MIT
#include "chartdata.h"

#include "base/calltags.h"
#include "displayformat.h"
#include "live/samplefeed.h"
#include "store/query.h"

#include <algorithm>
#include <cmath>
#include <QCoreApplication>

namespace Kodemon {

namespace {

SeriesBucket newBucket(double start, double value, bool failed)
{
    return SeriesBucket { start, 1, value, value, value, value, failed ? 1 : 0 };
}

void addTo(SeriesBucket& bucket, double value, bool failed)
{
    ++bucket.count;
    bucket.errors += failed ? 1 : 0;
    bucket.min = std::min(bucket.min, value);
    bucket.max = std::max(bucket.max, value);
    bucket.mean += (value - bucket.mean) / double(bucket.count);
    bucket.p95 = std::max(bucket.p95, value); // unknown after a live add; an upper bound is honest
}

bool earlier(const QPointF& a, const QPointF& b)
{
    return a.x() < b.x();
}

// A bucket every three pixels: the band stays readable, and min and max keep every spike.
int bucketCount(int pixels)
{
    return std::clamp(pixels / 3, 1, Query::MaxBucketCount);
}

void fillRaw(ChartSeries& series, const QList<StoredSample>& samples)
{
    series.points.reserve(samples.size());
    for (const auto& sample : samples) {
        const QPointF point(sample.timestamp, sample.executionTime);
        series.points.append(point);
        if (!sample.extra.isEmpty() && isFailedCall(sample.extra))
            series.failed.append(point);
    }
}

ChartSeries loadSeries(Query& query, const SeriesSelector& selector, const KeyId& id, int pixels, QString& error)
{
    ChartSeries series;
    series.id = id;
    // A range that holds summarized minutes (retention) is drawn in buckets, whatever the calls still kept: a
    // year of a quiet function kept 740 calls of its last 30 days, few enough to draw one by one, and the chart
    // left out the 8,300 older ones.
    const auto summarized = query.summarizes(selector);
    if (!summarized && summarized.errorKind() != ErrorKind::NotFound) {
        error = summarized.error();
        return series;
    }
    if (!summarized || !*summarized) {
        const auto page = query.executions(selector, {}, pixels);
        if (!page) {
            if (page.errorKind() != ErrorKind::NotFound)
                error = page.error();
            return series;
        }
        if (!page->next) {
            fillRaw(series, page->samples);
            return series;
        }
    }
    const auto bucketed = query.buckets(selector, bucketCount(pixels));
    if (!bucketed) {
        error = bucketed.error();
        return series;
    }
    series.bucketed = true;
    series.origin = bucketed->origin.value_or(*selector.range.from);
    series.step = bucketed->step;
    series.buckets = bucketed->buckets;
    return series;
}

QList<ChartSeries> loadGroups(
    Query& query, const SeriesSelector& selector, const ChartRequest& request, int buckets, QString& error)
{
    QList<ChartSeries> groups;
    const auto grouped = query.groupedBuckets(selector, request.groupBy, buckets, Query::DefaultTopGroups);
    if (!grouped) {
        if (grouped.errorKind() != ErrorKind::NotFound)
            error = grouped.error();
        return groups;
    }
    for (const auto& group : *grouped) {
        ChartSeries series { KeyId { *selector.token, selector.key }, group.group, group.count, true };
        series.origin = group.series.origin.value_or(*selector.range.from);
        series.step = group.series.step;
        series.buckets = group.series.buckets;
        groups.append(series);
    }
    return groups;
}

// Moves a baseline's buckets by `shift` seconds.
ChartSeries shifted(ChartSeries series, double shift)
{
    series.origin += shift;
    for (auto& bucket : series.buckets)
        bucket.start += shift;
    return series;
}

// The baseline of every series: the same key (and group) over the baseline range, in buckets of the same length
// where the ranges are, moved onto the shown range.
void loadBaseline(Query& query, const ChartRequest& request, ChartData& data, const JobTracker::IsStale& stale)
{
    const TimeRange base { request.baseline->from, *request.baseline->to + request.baselineAhead };
    data.baselineShift = data.from - *request.baseline->from;
    data.baselineCoveredTo = *base.to + data.baselineShift;
    data.baselineLabel = request.baselineLabel;
    data.baselineFollows = request.baselineAhead > 0;
    // Buckets as long as the shown range's, so that the dashed line lines up with the band above it.
    const double step = (data.to - data.from) / bucketCount(data.pixels);
    const int buckets
        = std::clamp(int(std::round((*base.to - *base.from) / std::max(step, 1e-3))), 1, Query::MaxBucketCount);
    QList<ChartSeries> found;
    if (!request.groupBy.isEmpty() && !data.series.isEmpty()) {
        const KeyId& id = data.series.first().id;
        found = loadGroups(query, SeriesSelector { id.key, id.token, base, request.tags, request.outcome }, request,
            buckets, data.baselineError);
    } else {
        for (const auto& series : std::as_const(data.series)) {
            if (stale())
                return;
            const SeriesSelector selector { series.id.key, series.id.token, base, request.tags, request.outcome };
            const auto bucketed = query.buckets(selector, buckets);
            ChartSeries line { series.id, std::nullopt, 0, true };
            line.origin = *base.from;
            if (bucketed) {
                line.origin = bucketed->origin.value_or(*base.from);
                line.step = bucketed->step;
                line.buckets = bucketed->buckets;
            } else if (bucketed.errorKind() != ErrorKind::NotFound) {
                data.baselineError = bucketed.error();
            }
            found.append(line);
        }
    }
    for (const auto& series : std::as_const(data.series)) {
        const auto match = std::find_if(found.begin(), found.end(),
            [&](const ChartSeries& line) { return line.id == series.id && line.group == series.group; });
        ChartSeries line = match != found.end() ? *match : ChartSeries { series.id, series.group, 0, true };
        data.baseline.append(shifted(line, data.baselineShift));
    }
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

void ChartSeries::add(double timestamp, double milliseconds, bool failedCall)
{
    if (!bucketed) {
        const QPointF point(timestamp, milliseconds);
        points.insert(std::upper_bound(points.begin(), points.end(), point, earlier), point);
        if (failedCall)
            failed.insert(std::upper_bound(failed.begin(), failed.end(), point, earlier), point);
        return;
    }
    const double start = origin + std::floor((timestamp - origin) / step) * step;
    auto at = std::lower_bound(buckets.begin(), buckets.end(), start - step / 2,
        [](const SeriesBucket& bucket, double value) { return bucket.start < value; });
    if (at != buckets.end() && std::abs(at->start - start) < step / 2)
        addTo(*at, milliseconds, failedCall);
    else
        buckets.insert(at, newBucket(start, milliseconds, failedCall));
}

void ChartSeries::dropBefore(double from)
{
    if (bucketed) {
        auto end = std::find_if(
            buckets.begin(), buckets.end(), [&](const SeriesBucket& bucket) { return bucket.start + step >= from; });
        buckets.erase(buckets.begin(), end);
        return;
    }
    const auto before = [&](const QPointF& point) { return point.x() >= from; };
    points.erase(points.begin(), std::find_if(points.begin(), points.end(), before));
    failed.erase(failed.begin(), std::find_if(failed.begin(), failed.end(), before));
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

qint64 ChartSeries::calls() const
{
    qint64 calls = points.size();
    for (const auto& bucket : buckets)
        calls += bucket.count;
    return calls;
}

ChartData loadChart(Query& query, const ChartRequest& request, const JobTracker::IsStale& stale)
{
    const TimeRange range = coveredRange(query, request.keys, request.range);
    ChartData data { *range.from, *range.to, {}, {} };
    data.pixels = std::max(request.pixels, 2);
    if (!request.groupBy.isEmpty() && !request.keys.isEmpty()) {
        const KeyId& id = request.keys.first();
        data.groupBy = request.groupBy;
        data.series = loadGroups(query, SeriesSelector { id.key, id.token, range, request.tags, request.outcome },
            request, bucketCount(data.pixels), data.error);
    } else {
        for (const auto& id : request.keys) {
            if (stale())
                break;
            const SeriesSelector selector { id.key, id.token, range, request.tags, request.outcome };
            data.series.append(loadSeries(query, selector, id, data.pixels, data.error));
        }
    }
    data.baselineError = request.baselineError;
    if (request.baseline && !stale())
        loadBaseline(query, request, data, stale);
    data.readAtMs = SampleFeed::clockMs();
    return data;
}

QString seriesLabel(const ChartData& data, int index)
{
    const ChartSeries& series = data.series.at(index);
    if (series.group) {
        switch (series.group->kind) {
        case TagGroup::Kind::Value:
            return series.group->value;
        case TagGroup::Kind::Other:
            return QCoreApplication::translate("Kodemon::ChartView", "(other values)");
        case TagGroup::Kind::Missing:
            return QCoreApplication::translate("Kodemon::ChartView", "(no %1)").arg(data.groupBy);
        }
    }
    QString name = DisplayFormat::shortKey(series.id.key);
    if (!series.id.token.isEmpty())
        name += QStringLiteral(" · ") + series.id.token;
    return name;
}

QList<QPointF> errorRateSteps(const QList<ChartSeries>& series, double binSeconds, double from, double to)
{
    QList<QPointF> steps;
    if (series.isEmpty() || !(binSeconds > 0) || !(to > from))
        return steps;
    const double origin = series.first().origin;
    const auto binOf = [&](double t) { return qint64(std::floor((t - origin) / binSeconds + 1e-9)); };
    const qint64 first = binOf(from);
    const qint64 last = qint64(std::ceil((to - origin) / binSeconds - 1e-9)) - 1; // the bin that ends at or after `to`
    const qint64 count = std::clamp<qint64>(last - first + 1, 0, 100000);
    QList<std::pair<qint64, qint64>> bins(count, { 0, 0 }); // calls, failed
    for (const auto& one : series) {
        for (const auto& bucket : one.buckets) {
            const qint64 bin = binOf(bucket.start + one.step / 2) - first;
            if (bin >= 0 && bin < count) {
                bins[bin].first += bucket.count;
                bins[bin].second += bucket.errors;
            }
        }
    }
    steps.reserve(2 * count);
    for (qint64 i = 0; i < count; ++i) {
        const double start = std::max(from, origin + double(first + i) * binSeconds);
        const double end = std::min(to, origin + double(first + i + 1) * binSeconds);
        const auto [calls, failed] = bins[i];
        const double rate = calls > 0 ? 100.0 * double(failed) / double(calls) : 0.0;
        steps << QPointF(start, rate) << QPointF(end, rate);
    }
    return steps;
}

} // namespace Kodemon
