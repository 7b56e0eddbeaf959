// SPDX-License-Identifier: MIT
#include "store/query.h"

#include <atomic>

namespace Kodemon {

namespace {

Error invalid(const QString& message)
{
    return Error { message, ErrorKind::Invalid };
}

} // namespace

Status validateSelector(const SeriesSelector& selector)
{
    if (selector.key.isEmpty())
        return invalid(QStringLiteral("a key is required"));
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
    return m_reader->samples(selector, cursor, limit);
}

Result<KeyStats> Query::stats(const SeriesSelector& selector)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
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
    return m_reader->buckets(selector, bucketCount);
}

Result<QList<TimedValue>> Query::values(const SeriesSelector& selector)
{
    if (auto status = validateSelector(selector); !status)
        return status.failure();
    return m_reader->values(selector);
}

Result<QList<SeriesSummary>> Query::summaries(const TimeRange& range, const std::optional<QString>& token)
{
    if (range.isReversed())
        return invalid(QStringLiteral("the range is reversed: from is after to"));
    return m_reader->summaries(range, token);
}

} // namespace Kodemon
