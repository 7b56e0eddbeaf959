// SPDX-License-Identifier: MIT
#include "store/store.h"

#include "store/callscan.h"

namespace Kodemon {

Status forEachPage(const std::function<Result<SamplePage>(const QString& cursor)>& read,
    const std::function<void(const StoredSample&)>& visit)
{
    QString cursor;
    do {
        auto page = read(cursor);
        if (!page)
            return page.failure();
        for (const auto& sample : std::as_const(page->samples))
            visit(sample);
        cursor = page->next.value_or(QString());
    } while (!cursor.isEmpty());
    return Ok {};
}

SeriesSelector everyCallOf(SeriesSelector selector)
{
    selector.tags.clear();
    selector.outcome = CallOutcome::All;
    return selector;
}

Status StoreReader::scanCalls(const SeriesSelector& selector, const std::function<void(const StoredSample&)>& visit)
{
    const SeriesSelector all = everyCallOf(selector);
    return forEachPage([&](const QString& cursor) { return samples(all, cursor, ScanPageSize); }, visit);
}

Result<QList<TimedValue>> StoreReader::values(const SeriesSelector& selector)
{
    QList<TimedValue> values;
    auto status = forEachPage([&](const QString& cursor) { return samples(selector, cursor, ScanPageSize); },
        [&](const StoredSample& sample) {
            values.append({ sample.timestamp, sample.executionTime });
        });
    if (!status)
        return status.failure();
    return values;
}

Result<QList<CallTimes>> StoreReader::callTimes(const QList<SeriesSelector>& selectors)
{
    QList<CallTimes> out;
    out.reserve(selectors.size());
    for (const auto& selector : selectors) {
        CallTimes times;
        auto status = CallScan::forEach(*this, selector, [&](const StoredSample& sample, const CallTags& tags) {
            times.values.append(sample.executionTime);
            times.failed += tags.failed ? 1 : 0;
        });
        if (!status && status.errorKind() != ErrorKind::NotFound)
            return status.failure();
        out.append(std::move(times));
    }
    return out;
}

Result<QList<SeriesSummary>> StoreReader::summaries(const SummaryRequest& request)
{
    if (!request.tags.isEmpty() || request.outcome != CallOutcome::All || !request.groupBy.isEmpty())
        return CallScan::summaries(*this, request);
    auto series = listSeries(request.token);
    if (!series)
        return series.failure();
    QList<SeriesSummary> rows;
    rows.reserve(series->size());
    for (const auto& info : std::as_const(*series)) {
        auto stats = this->stats(SeriesSelector { info.id.key, info.id.token, request.range });
        if (!stats && stats.errorKind() != ErrorKind::NotFound)
            return stats.failure();
        SeriesSummary row { info, 0, 0, 0 };
        if (stats) {
            row.count = stats->count;
            row.mean = stats->mean;
            row.p95 = stats->p95;
            row.errors = stats->errors;
        }
        rows.append(row);
    }
    return rows;
}

Result<CallSummary> StoreReader::summary(const SeriesSelector& selector)
{
    auto values = this->values(selector);
    if (!values)
        return values.failure();
    CallSummary summary;
    for (const auto& value : std::as_const(*values))
        summary.add(value.value, false);
    auto stats = this->stats(selector); // the failed calls, which values() does not carry
    if (!stats)
        return stats.failure();
    summary.errors = stats->errors;
    return summary;
}

Result<QList<GroupedSeries>> StoreReader::groupedBuckets(
    const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups)
{
    return CallScan::groupedBuckets(*this, selector, groupBy, bucketCount, topGroups);
}

Result<QList<TagSummary>> StoreReader::tags(const SeriesSelector& selector, int valuesPerTag)
{
    return CallScan::tags(*this, selector, valuesPerTag);
}

} // namespace Kodemon
