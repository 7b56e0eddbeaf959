// SPDX-License-Identifier: MIT
#include "store/query.h"

#include "store/callscan.h"

#include <atomic>

namespace Kodemon {

namespace {

Error invalid(const QString& message)
{
    return Error { message, ErrorKind::Invalid };
}

} // namespace

Status validateFilters(const QList<TagFilter>& filters)
{
    for (const auto& filter : filters) {
        if (filter.name.isEmpty())
            return invalid(QStringLiteral("a tag filter needs a tag name"));
    }
    return Ok {};
}

Status validateSelector(const SeriesSelector& selector)
{
    if (selector.key.isEmpty())
        return invalid(QStringLiteral("a key is required"));
    if (auto status = validateFilters(selector.tags); !status)
        return status;
    if (selector.range.isReversed())
        return invalid(QStringLiteral("the range is reversed: from (%1) is after to (%2)")
                           .arg(*selector.range.from, 0, 'f', -1)
                           .arg(*selector.range.to, 0, 'f', -1));
    return Ok {};
}

Query::Query(std::unique_ptr<StoreReader> reader)
    : m_reader(std::move(reader))
{
    static std::atomic<quint64> instances { 0 };
    m_id = ++instances;
}

std::optional<Query::Version> Query::version()
{
    if (const auto data = m_reader->dataVersion())
        return Version { m_id, *data };
    return std::nullopt;
}

Query::~Query() = default;

bool Query::scansCalls(const SeriesSelector& selector) const
{
    return !selector.selectsEveryCall() && !m_reader->filtersCalls();
}

Result<QList<SeriesInfo>> Query::keys(const std::optional<QString>& token)
{
    return m_reader->listSeries(token);
}

Result<SamplePage> Query::executions(const SeriesSelector& selector, const QString& cursor, int limit)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (limit < 1 || limit > MaxPageSize)
        return invalid(QStringLiteral("the limit must be between 1 and %1, not %2").arg(MaxPageSize).arg(limit));
    if (scansCalls(selector))
        return CallScan::samples(*m_reader, selector, cursor, limit);
    return m_reader->samples(selector, cursor, limit);
}

Result<QList<Annotation>> Query::annotations(const TimeRange& range, int limit)
{
    if (range.isReversed())
        return invalid(QStringLiteral("the range is reversed: from is after to"));
    if (limit < 1 || limit > MaxAnnotations)
        return invalid(QStringLiteral("the limit must be between 1 and %1, not %2").arg(MaxAnnotations).arg(limit));
    return m_reader->annotations(range, limit);
}

Result<QList<CallTimes>> Query::callTimes(const QList<SeriesSelector>& selectors)
{
    for (const auto& selector : selectors) {
        if (auto status = validateSelector(selector); !status)
            return status.failure();
    }
    return m_reader->callTimes(selectors);
}

Result<KeyStats> Query::stats(const SeriesSelector& selector)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (scansCalls(selector))
        return CallScan::stats(*m_reader, selector);
    return m_reader->stats(selector);
}

Result<BucketedSeries> Query::buckets(const SeriesSelector& selector, int bucketCount)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (bucketCount < 1 || bucketCount > MaxBucketCount)
        return invalid(QStringLiteral("the number of points must be between 1 and %1, not %2")
                           .arg(MaxBucketCount)
                           .arg(bucketCount));
    if (scansCalls(selector))
        return CallScan::buckets(*m_reader, selector, bucketCount);
    return m_reader->buckets(selector, bucketCount);
}

Result<QList<GroupedSeries>> Query::groupedBuckets(
    const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (groupBy.isEmpty())
        return invalid(QStringLiteral("a group-by needs a tag name"));
    if (bucketCount < 1 || bucketCount > MaxBucketCount)
        return invalid(QStringLiteral("the number of points must be between 1 and %1, not %2")
                           .arg(MaxBucketCount)
                           .arg(bucketCount));
    if (topGroups < 1 || topGroups > MaxTopGroups)
        return invalid(QStringLiteral("the number of groups must be between 1 and %1, not %2")
                           .arg(MaxTopGroups)
                           .arg(topGroups));
    if (scansCalls(selector))
        return CallScan::groupedBuckets(*m_reader, selector, groupBy, bucketCount, topGroups);
    return m_reader->groupedBuckets(selector, groupBy, bucketCount, topGroups);
}

Result<QList<TagSummary>> Query::tags(const SeriesSelector& selector, int valuesPerTag)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (valuesPerTag < 1 || valuesPerTag > MaxValuesPerTag)
        return invalid(QStringLiteral("the number of values per tag must be between 1 and %1, not %2")
                           .arg(MaxValuesPerTag)
                           .arg(valuesPerTag));
    if (scansCalls(selector))
        return CallScan::tags(*m_reader, selector, valuesPerTag);
    return m_reader->tags(selector, valuesPerTag);
}

Result<Comparison> Query::compare(
    const SeriesSelector& selector, const TimeRange& baseline, const ComparisonOptions& options)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (baseline.isReversed())
        return invalid(QStringLiteral("the baseline range is reversed"));
    const auto current = values(selector);
    if (!current)
        return current.failure();
    SeriesSelector before = selector;
    before.range = baseline;
    const auto previous = values(before);
    if (!previous)
        return previous.failure();
    Comparison comparison = compareValues(*current, *previous, options);
    comparison.current = selector.range;
    comparison.baseline = baseline;
    // The values carry no outcome: failed calls are counted as /api/stats counts them.
    auto currentStats = stats(selector);
    auto baselineStats = stats(before);
    if (!currentStats || !baselineStats)
        return !currentStats ? currentStats.failure() : baselineStats.failure();
    comparison.currentStats.errors = currentStats->errors;
    comparison.baselineStats.errors = baselineStats->errors;
    return comparison;
}

Result<QList<TimedValue>> Query::values(const SeriesSelector& selector)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (scansCalls(selector))
        return CallScan::values(*m_reader, selector);
    return m_reader->values(selector);
}

Result<CallSummary> Query::summary(const SeriesSelector& selector)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    if (scansCalls(selector)) {
        CallSummary summary;
        auto status = CallScan::forEach(*m_reader, selector,
            [&summary](const StoredSample& sample, const CallTags& tags) { summary.add(sample.executionTime, tags.failed); });
        if (!status)
            return status.failure();
        return summary;
    }
    return m_reader->summary(selector);
}

Result<QList<SeriesSummary>> Query::summaries(const TimeRange& range, const std::optional<QString>& token)
{
    return functionsTable(SummaryRequest { range, token });
}

Result<QList<SeriesSummary>> Query::functionsTable(const SummaryRequest& request)
{
    if (request.range.isReversed())
        return invalid(QStringLiteral("the range is reversed: from is after to"));
    if (auto status = validateFilters(request.tags); !status)
        return status.failure();
    if (request.topGroups < 1 || request.topGroups > MaxTopGroups)
        return invalid(QStringLiteral("the number of groups must be between 1 and %1, not %2")
                           .arg(MaxTopGroups)
                           .arg(request.topGroups));
    const bool filtered = !request.tags.isEmpty() || request.outcome != CallOutcome::All || !request.groupBy.isEmpty();
    if (filtered && !m_reader->filtersCalls())
        return CallScan::summaries(*m_reader, request);
    return m_reader->summaries(request);
}

} // namespace Kodemon
