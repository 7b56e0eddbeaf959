// SPDX-License-Identifier: MIT
#pragma once

#include "store.h"

#include <QHash>

#include <memory>

class QSqlQuery;

namespace Kodemon {

class SqliteConnection;

// Writes batches into the SQLite file with one prepared INSERT per transaction; remembers series ids so that
// the hot path does not look them up.
class SqliteWriter final : public StoreWriter
{
public:
    explicit SqliteWriter(QString path);
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
    Status writeInTransaction(const QList<Sample>& batch);
    Result<SeriesState*> series(const KeyId& id);
    Status insertSample(const Sample& sample, SeriesState& series);
    Status updateSeries(const QHash<qint64, SeriesDelta>& deltas);

    QString m_path;
    std::unique_ptr<SqliteConnection> m_connection;
    std::unique_ptr<QSqlQuery> m_insertSample;
    std::unique_ptr<QSqlQuery> m_findSeries;
    std::unique_ptr<QSqlQuery> m_insertSeries;
    std::unique_ptr<QSqlQuery> m_updateSeries;
    QHash<KeyId, SeriesState> m_series;
};

} // namespace Kodemon
