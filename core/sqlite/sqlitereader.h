// SPDX-License-Identifier: MIT
#pragma once

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
    // With a restricted `scope`, the series of other tokens do not exist for this reader.
    explicit SqliteReader(QString path, ReadScope scope = {});
    ~SqliteReader() override;
    Q_DISABLE_COPY_MOVE(SqliteReader)

    Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) override;
    Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) override;
    Result<KeyStats> stats(const SeriesSelector& selector) override;
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) override;
    Result<QList<TimedValue>> values(const SeriesSelector& selector) override;
    Result<QList<SeriesSummary>> summaries(const SummaryRequest& request) override;
    Result<QList<GroupedSeries>> groupedBuckets(
        const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups) override;
    Result<QList<TagSummary>> tags(const SeriesSelector& selector, int valuesPerTag) override;
    Result<TagIndexStatus> tagIndexStatus() override;
    Result<QList<CallTimes>> callTimes(const QList<SeriesSelector>& selectors) override;
    bool filtersCalls() const override { return true; }
    std::optional<qint64> dataVersion() override;

    struct SeriesRef
    {
        SeriesInfo info;
        qint64 id = 0;
    };

private:
    sqlite3* handle() const;
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
    static qsizetype sizeHint(const QList<SeriesRef>& series);
    Status appendCallTimes(const SeriesSelector& selector, const QHash<qint64, QList<ChunkRow>>& recent, CallTimes& out);

    QString m_path;
    ReadScope m_scope;
    std::unique_ptr<SqliteConnection> m_connection;
};

} // namespace Kodemon
