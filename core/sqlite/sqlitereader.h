// SPDX-License-Identifier: MIT
#pragma once

#include "base/stats.h"
#include "sqlite/chunkscan.h"
#include "store/store.h"

#include <functional>
#include <memory>
#include <QHash>

struct sqlite3;

namespace Kodemon {

class SqliteConnection;

// Answers queries from one thread's own connection to the SQLite file: the series table for key lists, the
// chunks of the selected series (chunkscan.h) for everything else.
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
    Result<QList<SeriesSummary>> summaries(const TimeRange& range, const std::optional<QString>& token) override;
    std::optional<qint64> dataVersion() override;

    struct SeriesRef
    {
        qint64 id = 0;
        QString token;
        double first = 0;
        double last = 0;
        qint64 count = 0;
    };

private:
    sqlite3* handle() const;
    Result<QList<SeriesRef>> resolve(const SeriesSelector& selector);
    // Calls `visit` with every chunk of the series that overlaps `range` (of the given sources).
    Status forEachChunk(qint64 seriesId, const TimeRange& range, const std::function<bool(const ChunkScan&)>& visit,
        ChunkScan::Sources sources = ChunkScan::Sources::SeriesAndRecent);
    Status appendExecutionTimes(qint64 seriesId, const TimeRange& range, QList<double>& out,
        ChunkScan::Sources sources = ChunkScan::Sources::SeriesAndRecent);
    Result<QHash<qint64, QList<double>>> recentExecutionTimes(const TimeRange& range);
    Status appendTimedValues(qint64 seriesId, const TimeRange& range, QList<TimedValue>& out);
    static qsizetype sizeHint(const QList<SeriesRef>& series);

    QString m_path;
    ReadScope m_scope;
    std::unique_ptr<SqliteConnection> m_connection;
};

} // namespace Kodemon
