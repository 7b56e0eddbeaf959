// SPDX-License-Identifier: MIT
#pragma once

#include "base/annotation.h"
#include "base/callsummary.h"
#include "base/result.h"
#include "base/types.h"
#include "store/alerthistory.h"
#include "store/readscope.h"

#include <functional>
#include <memory>

namespace Kodemon {

// Samples with their identity: sample i is (origin, firstSequence + i), where origin is one collector run's
// random id. A batch that is sent again after a failure keeps its ids, so a store that cannot tell whether a
// failed write left rows behind (ClickHouse) stores each sample once.
struct SampleBatch
{
    quint64 origin = 0;
    quint64 firstSequence = 0;
    QList<Sample> samples;
};

// How long a store keeps what it was given, by when calls arrived (a call sent now with an old timestamp is kept
// as long as any other): every call for `raw` seconds, then per-minute summaries of them until `summaries`
// seconds; while the store is larger than `maxBytes`, the oldest calls become summaries first, then the oldest
// summaries go. 0 means no limit, for each.
struct RetentionPolicy
{
    static constexpr qint64 Day = 86400;
    qint64 raw = 30 * Day;
    qint64 summaries = 365 * Day;
    qint64 maxBytes = 0;

    bool keepsEverything() const { return raw == 0 && summaries == 0 && maxBytes == 0; }
};

// What to delete: every call of a function (of one token, or all), or of a token (a project), within a range.
struct DeleteRequest
{
    std::optional<QString> key; // with neither key nor token the request is refused
    std::optional<QString> token;
    TimeRange range;
};

// The execution times of the calls one selector chose (any order) and how many of them failed.
struct CallTimes
{
    QList<double> values; // milliseconds
    qint64 failed = 0;
};

// Writes batches of samples; used by exactly one thread (the writer thread).
class StoreWriter
{
public:
    virtual ~StoreWriter() = default;
    // One small step of retention and of freeing space, about `budgetMs` of work at most, between batches;
    // false when there is nothing left to do for now. Stores that keep everything do nothing.
    virtual Result<bool> maintain(qint64 now, int budgetMs)
    {
        Q_UNUSED(now)
        Q_UNUSED(budgetMs)
        return false;
    }
    // Deletes the calls (and summaries) the request names, all or nothing; returns how many calls went. Stores
    // that cannot delete answer with an error.
    virtual Result<qint64> remove(const DeleteRequest& request)
    {
        Q_UNUSED(request)
        return Error { QStringLiteral("this store cannot delete"), ErrorKind::Invalid };
    }
    // Stores a marker on the timeline (a deploy); returns its id. Stores that keep none answer with an error.
    virtual Result<qint64> annotate(const Annotation& annotation)
    {
        Q_UNUSED(annotation)
        return Error { QStringLiteral("this store keeps no annotations"), ErrorKind::Invalid };
    }
    // Stores the whole batch in one transaction, or nothing of it.
    virtual Status write(const QList<Sample>& batch) = 0;
    // The same with ids; a store whose failed writes store nothing (SQLite's transactions) ignores them.
    virtual Status writeIdentified(const SampleBatch& batch) { return write(batch.samples); }
};

// Calls `visit` with every sample of the pages `read(cursor)` returns, from the first (an empty cursor) until one
// has no next: a whole range read through a store's pages.
Status forEachPage(const std::function<Result<SamplePage>(const QString& cursor)>& read,
    const std::function<void(const StoredSample&)>& visit);
// Every call of the selector's key, token and range: its tag filters and outcome left out.
SeriesSelector everyCallOf(SeriesSelector selector);

// Answers the query layer's questions; each thread that queries makes its own reader.
class StoreReader
{
public:
    // Calls a whole-range read asks for at once.
    static constexpr int ScanPageSize = 100000;

    virtual ~StoreReader() = default;

    // Every series, or those of one token, sorted by key then token.
    virtual Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) = 0;
    // Samples of the selected series in range, oldest first; `cursor` continues a previous page.
    virtual Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) = 0;
    virtual Result<KeyStats> stats(const SeriesSelector& selector) = 0;
    virtual Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) = 0;

    // Every (timestamp, execution time) in range, oldest first: what the statistics panel keeps to update
    // live without re-reading. The default pages through samples(); stores override it with a lean scan.
    virtual Result<QList<TimedValue>> values(const SeriesSelector& selector);
    // The selected calls as one summary (its sketch draws a histogram): from stored summaries where the store
    // keeps them and the range is large, else from the calls. The default reads every call (values()).
    virtual Result<CallSummary> summary(const SeriesSelector& selector);
    // The functions table: calls, mean, p95 and failed calls over a range for every series (of one token if
    // given), sorted like listSeries(), optionally split by a tag. The default asks stats() per series (and, for
    // filters and groups, reads every call: callscan.h); stores override it with one pass.
    virtual Result<QList<SeriesSummary>> summaries(const SummaryRequest& request);
    // The chart split by the values of one tag: the `topGroups` values with the most calls, then "other" and the
    // calls without the tag, each in the same buckets. The default reads every call (callscan.h).
    virtual Result<QList<GroupedSeries>> groupedBuckets(
        const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups);
    // The tags of the selected calls, each with its `valuesPerTag` most frequent values. The default reads every
    // call (callscan.h).
    virtual Result<QList<TagSummary>> tags(const SeriesSelector& selector, int valuesPerTag);
    // What the store keeps, by tier (for /api/status and the settings); nothing known by default.
    virtual Result<StorageStatus> storageStatus() { return StorageStatus {}; }
    // The calls of many selectors at once, in their order, for callers that ask many small questions about one
    // moment (the alert rules: one per function and token). A selector whose key has no series gets no calls.
    // The default reads each selector's calls (callscan.h); stores override it to share work between them.
    virtual Result<QList<CallTimes>> callTimes(const QList<SeriesSelector>& selectors);
    // Which series' tags outgrew the store's index of tag values (for /api/status); none when it has no limit.
    // The annotations that overlap `range` (a period: any part of it), oldest first, at most `limit`; those of
    // every project and of the tokens the reader's scope allows. Stores that keep none answer with an error.
    virtual Result<QList<Annotation>> annotations(const TimeRange& range, int limit)
    {
        Q_UNUSED(range)
        Q_UNUSED(limit)
        return Error { QStringLiteral("this store keeps no annotations"), ErrorKind::Invalid };
    }
    virtual Result<TagIndexStatus> tagIndexStatus() { return TagIndexStatus {}; }
    // Every call of the selector's key, token and range, oldest first per series, for the query layer's scan of
    // calls (callscan.h), which judges each by the selector's tag filters and outcome. A store may leave out calls
    // that cannot pass them, never one that can. The default pages through samples() and leaves out none.
    virtual Status scanCalls(const SeriesSelector& selector, const std::function<void(const StoredSample&)>& visit);
    // Whether stats(), buckets(), values() and samples() honour a selector's tag filters and outcome and count
    // failed calls themselves. When they do not, the query layer asks them for every call and filters and
    // counts those itself (callscan.h): exact, and as slow as reading every call.
    virtual bool filtersCalls() const { return false; }
    // Whether summary() answers `selector` from stored summaries (a range of more calls than the exact limit, or
    // holding calls kept only as summaries): then reading the calls would cost more than the summaries, or miss
    // some. False by default (stores without summaries).
    virtual Result<bool> summarizes(const SeriesSelector& selector)
    {
        Q_UNUSED(selector);
        return false;
    }
    // A number that changes whenever another connection stored something since this reader last asked, or
    // nothing when the store cannot tell (then no answer is ever reused).
    virtual std::optional<qint64> dataVersion() { return std::nullopt; }
};

// A place where samples are kept (an SQLite file, later a server). Thread-safe: open() once, then
// every thread asks for its own reader or writer.
class Store
{
public:
    virtual ~Store() = default;

    // Creates or upgrades the schema; fails with a message when the store cannot be used.
    virtual Status open() = 0;
    virtual std::unique_ptr<StoreWriter> createWriter() = 0;
    virtual std::unique_ptr<StoreReader> createReader() = 0;
    // A reader for which only the series of `scope`'s tokens exist (an API token limited to some projects):
    // every other series is unknown to it, exactly like a key that never sent data. Null when this store
    // cannot limit its answers: callers must then refuse to serve the scope (fail closed).
    virtual std::unique_ptr<StoreReader> createScopedReader(const ReadScope& scope)
    {
        Q_UNUSED(scope)
        return nullptr;
    }
    // The stored history of alert transitions (core/alerts), for one thread; null when this store keeps none.
    virtual std::unique_ptr<AlertHistory> createAlertHistory() { return nullptr; }

    // Where the data lives, for logs and the status display (a path or a URL).
    virtual QString location() const = 0;
    // Bytes used on disk, or -1 when unknown.
    virtual qint64 sizeOnDisk() const = 0;
};

} // namespace Kodemon
