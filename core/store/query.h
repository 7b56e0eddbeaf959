// SPDX-License-Identifier: MIT
#pragma once

#include "store/comparison.h"
#include "store/store.h"

#include <memory>

namespace Kodemon {

// The one query layer: the desktop viewer, the HTTP API and CSV export all ask their questions here.
// It checks the request (ranges, limits) and leaves the answering to the store's reader.
// Not thread-safe: each thread makes its own Query from Store::createReader().
class Query final
{
public:
    static constexpr int DefaultPageSize = 10000;
    static constexpr int MaxPageSize = 1000000;
    static constexpr int DefaultBucketCount = 500;
    static constexpr int MaxBucketCount = 10000;

    explicit Query(std::unique_ptr<StoreReader> reader);
    ~Query();
    Q_DISABLE_COPY_MOVE(Query)

    // Every (token, key) that sent data, sorted by key then token; only one token's when given.
    Result<QList<SeriesInfo>> keys(const std::optional<QString>& token = std::nullopt);
    // Execution times in range, oldest first, `limit` at a time; pass the page's `next` to continue.
    Result<SamplePage> executions(
        const SeriesSelector& selector, const QString& cursor = {}, int limit = DefaultPageSize);
    // Exact statistics of the range.
    Result<KeyStats> stats(const SeriesSelector& selector);
    // The range cut into `bucketCount` equal buckets (an open range spans the data).
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount = DefaultBucketCount);

    // The selected range against `baseline` (see comparison.h): both ranges' statistics and a rank test.
    Result<Comparison> compare(
        const SeriesSelector& selector, const TimeRange& baseline, const ComparisonOptions& options = {});

    // Every (timestamp, execution time) in range, oldest first.
    Result<QList<TimedValue>> values(const SeriesSelector& selector);
    // The selected calls as one summary: statistics (`stats()` of it) and a histogram (its sketch) that cost what
    // the stored summaries cost for large ranges (within 1%), or exact from the calls for small ones.
    Result<CallSummary> summary(const SeriesSelector& selector);
    // Whether summary() answers from stored summaries (StoreReader::summarizes).
    Result<bool> summarizes(const SeriesSelector& selector) { return m_reader->summarizes(selector); }
    // The functions table: calls, mean, p95 and failed calls of every series over `range`.
    Result<QList<SeriesSummary>> summaries(const TimeRange& range, const std::optional<QString>& token = std::nullopt);
    // The same with tag filters, an outcome, and rows split by a tag's values.
    Result<QList<SeriesSummary>> functionsTable(const SummaryRequest& request);
    // The chart split by the values of `groupBy`: the `topGroups` most frequent values, "other" and "without".
    static constexpr int DefaultTopGroups = 10;
    static constexpr int MaxTopGroups = 50;
    Result<QList<GroupedSeries>> groupedBuckets(const SeriesSelector& selector, const QString& groupBy,
        int bucketCount = DefaultBucketCount, int topGroups = DefaultTopGroups);
    // The tags of the selected calls with their most frequent values.
    static constexpr int DefaultValuesPerTag = 10;
    static constexpr int MaxValuesPerTag = 1000;
    Result<QList<TagSummary>> tags(const SeriesSelector& selector, int valuesPerTag = DefaultValuesPerTag);

    // What the store keeps, by tier.
    Result<StorageStatus> storageStatus() { return m_reader->storageStatus(); }

    // The execution times and failed calls of many selections at once (StoreReader::callTimes): the alert rules'
    // question, one selector per function and token, answered in one pass where the store can.
    Result<QList<CallTimes>> callTimes(const QList<SeriesSelector>& selectors);

    // The annotations overlapping `range`, oldest first (at most MaxAnnotations).
    static constexpr int MaxAnnotations = 10000;
    Result<QList<Annotation>> annotations(const TimeRange& range, int limit = MaxAnnotations);

    // Which series' tags have more values than the store indexes.
    Result<TagIndexStatus> tagIndexStatus() { return m_reader->tagIndexStatus(); }

    // What the store held when asked: two equal versions mean the same data, so that an answer built from the
    // first (the HTTP key list) may be sent again. Versions of different Query objects never compare equal.
    struct Version
    {
        quint64 query = 0;
        qint64 data = 0;
        friend bool operator==(const Version& a, const Version& b) { return a.query == b.query && a.data == b.data; }
    };
    std::optional<Version> version();

private:
    // True when the selector filters calls and the store cannot: then the query layer reads and filters them.
    bool scansCalls(const SeriesSelector& selector) const;

    std::unique_ptr<StoreReader> m_reader;
    quint64 m_id;
};

// Checks a selector before it reaches a store: a key is required, the range must not be reversed and every tag
// filter names a tag.
Status validateSelector(const SeriesSelector& selector);

} // namespace Kodemon
