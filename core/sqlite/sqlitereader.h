// SPDX-License-Identifier: MIT
#pragma once

#include "base/callsummary.h"
#include "base/stats.h"
#include "sqlite/chunkscan.h"
#include "sqlite/tagdictionary.h"
#include "store/store.h"

#include <functional>
#include <memory>
#include <QHash>

struct sqlite3;

namespace Kodemon {

class CallFilter;
class SqliteConnection;
class SqliteStatement;

// Answers queries from one thread's own connection to the SQLite file: the series table for key lists, the
// chunks of the selected series (seriesscan.h) for everything else, the tag dictionary (tagdictionary.h) for tag
// filters, groups and tag lists.
class SqliteReader final : public StoreReader
{
public:
    // Above this many calls in range, answers without tag filters come from summaries (within 1%, `exact` false)
    // unless asked to be exact: a million calls take about 25 ms to read, and a year of a busy function 100 times
    // that (issue 18's measurement: 196 ms for 10M calls).
    static constexpr qint64 DefaultExactCallLimit = 1000000;

    // With a restricted `scope`, the series of other tokens do not exist for this reader.
    explicit SqliteReader(QString path, ReadScope scope = {}, qint64 exactCallLimit = DefaultExactCallLimit);
    ~SqliteReader() override;
    Q_DISABLE_COPY_MOVE(SqliteReader)

    Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) override;
    Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) override;
    Result<KeyStats> stats(const SeriesSelector& selector) override;
    Result<CallSummary> summary(const SeriesSelector& selector) override;
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) override;
    Result<QList<TimedValue>> values(const SeriesSelector& selector) override;
    Result<QList<SeriesSummary>> summaries(const SummaryRequest& request) override;
    Result<QList<GroupedSeries>> groupedBuckets(
        const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups) override;
    Result<QList<TagSummary>> tags(const SeriesSelector& selector, int valuesPerTag) override;
    Result<TagIndexStatus> tagIndexStatus() override;
    Result<StorageStatus> storageStatus() override;
    Result<QList<CallTimes>> callTimes(const QList<SeriesSelector>& selectors) override;
    Result<QList<Annotation>> annotations(const TimeRange& range, int limit) override;
    bool filtersCalls() const override { return true; }
    Result<bool> summarizes(const SeriesSelector& selector) override;
    std::optional<qint64> dataVersion() override;

    struct SeriesRef
    {
        SeriesInfo info;
        qint64 id = 0;
    };

private:
    sqlite3* handle() const;
    // Whether the selection is answered from summaries: no filter, not asked to be exact, and more calls than
    // ExactCallLimit by the index's count.
    Result<bool> usesSummaries(const QList<SeriesRef>& series, const SeriesSelector& selector);
    // Whether per-minute summaries (calls older than --retention-raw) of any of `series` overlap the range.
    Result<bool> holdsRollups(const QList<SeriesRef>& series, const TimeRange& range);
    // Whether summaries hold calls of `range` for this series (by the range summary scans read).
    Result<bool> summarizedIn(const SeriesRef& series, const TimeRange& range);
    Result<CallSummary> callSummary(const SeriesRef& series, const TimeRange& range);
    // With `wholeMinutes`, buckets of whole hours or minutes (the range holds rollups); see SummaryGrid.
    Result<BucketedSeries> bucketsFromSummaries(const QList<SeriesRef>& series, const TimeRange& range,
        const TimeRange& covered, int bucketCount, bool wholeMinutes);
    Result<bool> tableUsesSummaries(const QList<SeriesRef>& series, const SummaryRequest& request);
    Result<SeriesSummary> tableRowFromSummaries(
        const SeriesRef& series, const TimeRange& range, const QList<ChunkRow>& recent);
    Result<QList<SeriesRef>> resolve(const SeriesSelector& selector);
    Result<QList<SeriesRef>> seriesOf(const std::optional<QString>& token);
    // The rows of a statement on `series` (SeriesColumns) whose token the scope allows.
    Result<QList<SeriesRef>> inScope(SqliteStatement& statement) const;
    Result<SeriesTags> dictionary(qint64 seriesId);
    // The selector's filter for one series, or null when the selector takes every call.
    Result<std::unique_ptr<CallFilter>> filterFor(qint64 seriesId, const QList<TagFilter>& tags, CallOutcome outcome);
    // The recent table's rows in range, once for every series (summaries of every series read them once).
    Result<QHash<qint64, QList<ChunkRow>>> recentRows(const TimeRange& range);
    Result<SeriesSummary> summarize(const SeriesRef& series, const SummaryRequest& request,
        const QList<ChunkRow>& recent);
    Status summarizeGroups(const SeriesRef& series, const SummaryRequest& request, const QList<ChunkRow>& recent,
        QList<SeriesSummary>& rows);
    static qsizetype sizeHint(const QList<SeriesRef>& series, const TimeRange& range);
    Status appendCallTimes(const SeriesSelector& selector, const QHash<qint64, QList<ChunkRow>>& recent, CallTimes& out);

    QString m_path;
    ReadScope m_scope;
    qint64 m_exactCallLimit;
    std::unique_ptr<SqliteConnection> m_connection;
};

} // namespace Kodemon
