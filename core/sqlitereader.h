// SPDX-License-Identifier: MIT
#pragma once

#include "sqlitestatement.h"
#include "stats.h"
#include "store.h"

#include <functional>
#include <memory>

namespace Kodemon {

class SqliteConnection;

// Answers queries from one thread's own connection to the SQLite file.
class SqliteReader final : public StoreReader
{
public:
    // With a restricted `scope`, the series of other tokens do not exist for this reader.
    explicit SqliteReader(QString path, TokenScope scope = {});
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
    Status ensureOpen();
    Result<QList<SeriesRef>> resolve(const SeriesSelector& selector);
    static Result<SqliteStatement> scan(
        sqlite3* db, const QString& columns, const SeriesRef& ref, const TimeRange& range);
    Result<SqliteStatement> scan(const QString& columns, const SeriesRef& ref, const TimeRange& range);
    // Runs `part` over the earlier and the later half of `range` (split at `boundary`), the later half on a
    // second connection in a second thread, when the scan is long enough to gain from it; else over the whole.
    enum class Half { Whole, Earlier, Later };
    using ScanPart = std::function<Status(sqlite3* db, const TimeRange& range, Half half)>;
    Status scanInHalves(const TimeRange& range, double boundary, qint64 rows, const ScanPart& part);
    Result<QList<double>> executionTimes(const QList<SeriesRef>& series, const TimeRange& range);
    static Status addToBuckets(
        sqlite3* db, const QList<SeriesRef>& series, const TimeRange& range, Bucketizer& buckets);
    static Status appendValues(
        sqlite3* db, const QList<SeriesRef>& series, const TimeRange& range, QList<TimedValue>& values);
    static qsizetype sizeHint(const QList<SeriesRef>& series);

    QString m_path;
    TokenScope m_scope;
    std::unique_ptr<SqliteConnection> m_connection;
    std::unique_ptr<SqliteConnection> m_helper; // the second half's connection, opened on first need
};

} // namespace Kodemon
