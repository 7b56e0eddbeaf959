// SPDX-License-Identifier: MIT
#pragma once

#include "sqlitestatement.h"
#include "store.h"

#include <atomic>
#include <memory>
#include <QHash>

namespace Kodemon {

class SqliteConnection;

// Writes batches into the SQLite file: one transaction and one prepared INSERT per batch, series ids
// remembered so that the hot path looks nothing up. Uses the connection's raw SQLite handle for the
// statements: QtSql's binding costs more than the insert itself at hundreds of thousands of rows a second.
class SqliteWriter final : public StoreWriter
{
public:
    SqliteWriter(QString path, std::shared_ptr<const std::atomic<qint64>> sizeLimit = {});
    ~SqliteWriter() override;
    Q_DISABLE_COPY_MOVE(SqliteWriter)

    Status write(const QList<Sample>& batch) override;

private:
    struct SeriesState
    {
        qint64 id = 0;
        qint64 lastSeq = 0;
    };
    struct SeriesDelta
    {
        qint64 count = 0;
        double firstTs = 0;
        double lastTs = 0;
        double totalMs = 0;
        qint64 lastSeq = 0;
    };

    Status ensureOpen();
    Status prepareStatements();
    Status writeInTransaction(const QList<Sample>& batch);
    Result<SeriesState*> series(const KeyId& id);
    Status insertSample(const Sample& sample, qint64 seriesId, qint64 seq);
    static void addToDelta(SeriesDelta& delta, const Sample& sample, qint64 seq);
    Status updateSeries(const QHash<qint64, SeriesDelta>& deltas);
    Status execute(const char* sql);
    void applySizeLimit();

    QString m_path;
    std::unique_ptr<SqliteConnection> m_connection;
    sqlite3* m_handle = nullptr;
    SqliteStatement m_insertSample;
    SqliteStatement m_findSeries;
    SqliteStatement m_insertSeries;
    SqliteStatement m_updateSeries;
    QHash<KeyId, SeriesState> m_series;
    std::shared_ptr<const std::atomic<qint64>> m_sizeLimit;
    qint64 m_appliedSizeLimit = -1;
};

} // namespace Kodemon
