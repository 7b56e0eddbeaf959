// SPDX-License-Identifier: MIT
#include "store/callscan.h"

#include "base/stats.h"
#include "base/tagfilter.h"
#include "store/taggrouping.h"

#include <algorithm>

namespace Kodemon {

namespace {

KeyStats statsOf(QList<double> values, qint64 errors)
{
    KeyStats stats = computeStats(std::move(values));
    stats.errors = errors;
    return stats;
}

BucketedSeries bucketsOf(const GroupCalls& calls, const TimeRange& covered, int bucketCount)
{
    return bucketize(calls.values, *covered.from, *covered.to, bucketCount, calls.failures);
}

SeriesSummary summaryOf(const SeriesInfo& info, const QList<TimedValue>& calls, qint64 errors)
{
    QList<double> times;
    times.reserve(calls.size());
    for (const auto& call : calls)
        times.append(call.value);
    SeriesSummary row = summarize(info, times);
    row.errors = errors;
    return row;
}

} // namespace

Status CallScan::forEach(StoreReader& reader, const SeriesSelector& selector,
    const std::function<void(const StoredSample& sample, const CallTags& tags)>& visit)
{
    return reader.scanCalls(selector, [&](const StoredSample& sample) {
        const CallTags tags = readCallTags(sample.extra);
        if (callMatches(selector.tags, selector.outcome, tags))
            visit(sample, tags);
    });
}

Result<KeyStats> CallScan::stats(StoreReader& reader, const SeriesSelector& selector)
{
    QList<double> values;
    qint64 errors = 0;
    auto status = forEach(reader, selector, [&](const StoredSample& sample, const CallTags& tags) {
        values.append(sample.executionTime);
        errors += tags.failed ? 1 : 0;
    });
    if (!status)
        return status.failure();
    return statsOf(std::move(values), errors);
}

Result<TimeRange> CallScan::coveredRange(StoreReader& reader, const SeriesSelector& selector)
{
    TimeRange covered = selector.range;
    if (covered.from && covered.to)
        return covered;
    auto series = reader.listSeries(selector.token);
    if (!series)
        return series.failure();
    std::optional<double> first;
    std::optional<double> last;
    for (const auto& info : std::as_const(*series)) {
        if (info.id.key != selector.key)
            continue;
        first = std::min(first.value_or(info.first), info.first);
        last = std::max(last.value_or(info.last), info.last);
    }
    if (!first)
        return Error { QStringLiteral("no samples of key \"%1\"").arg(selector.key), ErrorKind::NotFound };
    covered.from = covered.from.value_or(*first);
    covered.to = covered.to.value_or(*last);
    return covered;
}

Result<BucketedSeries> CallScan::buckets(StoreReader& reader, const SeriesSelector& selector, int bucketCount)
{
    auto covered = coveredRange(reader, selector);
    if (!covered)
        return covered.failure();
    GroupCalls calls;
    auto status = forEach(reader, selector, [&](const StoredSample& sample, const CallTags& tags) {
        calls.values.append({ sample.timestamp, sample.executionTime });
        if (tags.failed)
            calls.failures.append(sample.timestamp);
    });
    if (!status)
        return status.failure();
    return bucketsOf(calls, *covered, bucketCount);
}

Result<QList<TimedValue>> CallScan::values(StoreReader& reader, const SeriesSelector& selector)
{
    QList<TimedValue> values;
    auto status = forEach(reader, selector, [&](const StoredSample& sample, const CallTags&) {
        values.append({ sample.timestamp, sample.executionTime });
    });
    if (!status)
        return status.failure();
    return values; // pages come oldest first across the key's series
}

Result<SamplePage> CallScan::samples(StoreReader& reader, const SeriesSelector& selector, const QString& cursor, int limit)
{
    const SeriesSelector all = everyCallOf(selector);
    SamplePage out;
    QString next = cursor;
    do {
        // Never more calls than fit the page: it must end where a page of every call ends.
        auto page = reader.samples(all, next, int(limit - out.samples.size()));
        if (!page)
            return page.failure();
        for (auto& sample : page->samples) {
            if (callMatches(selector.tags, selector.outcome, readCallTags(sample.extra)))
                out.samples.append(std::move(sample));
        }
        out.next = page->next;
        next = page->next.value_or(QString());
    } while (!next.isEmpty() && out.samples.size() < limit);
    return out;
}

Result<QList<SeriesSummary>> CallScan::summaries(StoreReader& reader, const SummaryRequest& request)
{
    auto series = reader.listSeries(request.token);
    if (!series)
        return series.failure();
    QList<SeriesSummary> rows;
    for (const auto& info : std::as_const(*series)) {
        const SeriesSelector selector { info.id.key, info.id.token, request.range, request.tags, request.outcome };
        TagGrouping grouping(request.topGroups);
        auto status = forEach(reader, selector, [&](const StoredSample& sample, const CallTags& tags) {
            const auto value = request.groupBy.isEmpty() ? std::optional<QString>() : tagValue(tags.tags, request.groupBy);
            grouping.add(value, { sample.timestamp, sample.executionTime }, tags.failed);
        });
        if (!status && status.errorKind() != ErrorKind::NotFound)
            return status.failure();
        const QList<GroupCalls> groups = grouping.finish();
        if (request.groupBy.isEmpty()) {
            const GroupCalls none;
            const GroupCalls& all = groups.isEmpty() ? none : groups.first();
            rows.append(summaryOf(info, all.values, all.failures.size()));
            continue;
        }
        for (const auto& group : groups) {
            rows.append(summaryOf(info, group.values, group.failures.size()));
            rows.last().group = group.group;
        }
    }
    return rows;
}

Result<QList<GroupedSeries>> CallScan::groupedBuckets(
    StoreReader& reader, const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups)
{
    auto covered = coveredRange(reader, selector);
    if (!covered)
        return covered.failure();
    TagGrouping grouping(topGroups);
    auto status = forEach(reader, selector, [&](const StoredSample& sample, const CallTags& tags) {
        grouping.add(tagValue(tags.tags, groupBy), { sample.timestamp, sample.executionTime }, tags.failed);
    });
    if (!status)
        return status.failure();
    QList<GroupedSeries> lines;
    for (const auto& group : grouping.finish())
        lines.append({ group.group, group.values.size(), bucketsOf(group, *covered, bucketCount) });
    return lines;
}

Result<QList<TagSummary>> CallScan::tags(StoreReader& reader, const SeriesSelector& selector, int valuesPerTag)
{
    TagCounter counter;
    auto status = forEach(reader, selector, [&](const StoredSample&, const CallTags& tags) { counter.add(tags.tags); });
    if (!status)
        return status.failure();
    return counter.finish(valuesPerTag);
}

} // namespace Kodemon
