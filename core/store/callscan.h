// SPDX-License-Identifier: MIT
#pragma once

#include "base/calltags.h"
#include "store/store.h"

#include <functional>

namespace Kodemon {

// Answers from any reader by reading every call of the range through samples() and judging each by its extra
// fields: what the query layer does for a store that does not filter calls itself (StoreReader::filtersCalls),
// and the default of the readers' group and tag questions. Exact, and as slow as reading every call.
namespace CallScan {

// Calls `visit` with every selected call (the selector's key, token, range, tag filters and outcome), oldest first
// per series.
Status forEach(StoreReader& reader, const SeriesSelector& selector,
    const std::function<void(const StoredSample& sample, const CallTags& tags)>& visit);

Result<KeyStats> stats(StoreReader& reader, const SeriesSelector& selector);
Result<BucketedSeries> buckets(StoreReader& reader, const SeriesSelector& selector, int bucketCount);
Result<QList<TimedValue>> values(StoreReader& reader, const SeriesSelector& selector);
// A page of the selected calls. A page may hold fewer than `limit` calls (even none) and still have a next one:
// it ends where a page of every call ended.
Result<SamplePage> samples(StoreReader& reader, const SeriesSelector& selector, const QString& cursor, int limit);
Result<QList<SeriesSummary>> summaries(StoreReader& reader, const SummaryRequest& request);
Result<QList<GroupedSeries>> groupedBuckets(
    StoreReader& reader, const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups);
Result<QList<TagSummary>> tags(StoreReader& reader, const SeriesSelector& selector, int valuesPerTag);

// The range a chart of the selection spans: the selector's, with open ends closed by the series' first and last
// calls (what every store's buckets() does). NotFound when the key has no series.
Result<TimeRange> coveredRange(StoreReader& reader, const SeriesSelector& selector);

} // namespace CallScan

} // namespace Kodemon
