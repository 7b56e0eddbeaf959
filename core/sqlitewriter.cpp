// SPDX-License-Identifier: MIT
#include "sqlitewriter.h"

#include "database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Kodemon {

namespace {

    Error queryError(const QString& what, const QSqlQuery& query)
    {
        return Error { QStringLiteral("%1: %2").arg(what, query.lastError().text()) };
    }

    std::unique_ptr<QSqlQuery> prepare(const QSqlDatabase& db, const char* sql)
    {
        auto query = std::make_unique<QSqlQuery>(db);
        query->prepare(QLatin1String(sql));
        return query;
    }

} // namespace

SqliteWriter::SqliteWriter(QString path)
    : m_path(std::move(path))
{
}

SqliteWriter::~SqliteWriter()
{
    // Statements must go before the connection they were prepared on.
    m_insertSample.reset();
    m_findSeries.reset();
    m_insertSeries.reset();
    m_updateSeries.reset();
}

Status SqliteWriter::ensureOpen()
{
    if (m_connection)
        return Ok {};
    auto connection = SqliteConnection::open(m_path);
    if (!connection)
        return Error { connection.error() };
    m_connection = std::move(connection).value();
    const auto db = m_connection->database();
    m_insertSample = prepare(db,
        "INSERT INTO samples (series_id, ts, seq, execution_time, received_at, extra) VALUES (?, ?, ?, ?, ?, ?)");
    m_findSeries = prepare(db, "SELECT id, last_seq FROM series WHERE key = ? AND token = ?");
    m_insertSeries = prepare(db, "INSERT INTO series (key, token) VALUES (?, ?)");
    m_updateSeries = prepare(db,
        R"(UPDATE series SET sample_count = sample_count + ?,
               first_ts = min(coalesce(first_ts, ?), ?),
               last_ts = max(coalesce(last_ts, ?), ?),
               total_ms = total_ms + ?,
               last_seq = ?
           WHERE id = ?)");
    return Ok {};
}

Status SqliteWriter::write(const QList<Sample>& batch)
{
    if (batch.isEmpty())
        return Ok {};
    if (auto status = ensureOpen(); !status)
        return status;
    auto db = m_connection->database();
    if (!db.transaction())
        return Error { QStringLiteral("cannot start a transaction: %1").arg(db.lastError().text()) };
    auto status = writeInTransaction(batch);
    if (status && !db.commit())
        status = Error { QStringLiteral("cannot commit %1 samples: %2").arg(batch.size()).arg(db.lastError().text()) };
    if (!status) {
        db.rollback();
        m_series.clear(); // ids and sequence numbers of the rolled-back transaction are void
    }
    return status;
}

Status SqliteWriter::writeInTransaction(const QList<Sample>& batch)
{
    QHash<qint64, SeriesDelta> deltas;
    for (const auto& sample : batch) {
        auto state = series(KeyId { sample.token, sample.key });
        if (!state)
            return Error { state.error() };
        if (auto status = insertSample(sample, **state); !status)
            return status;
        const bool inserted = !deltas.contains((*state)->id);
        auto& delta = deltas[(*state)->id];
        delta.firstTs = inserted ? sample.timestamp : std::min(delta.firstTs, sample.timestamp);
        delta.lastTs = inserted ? sample.timestamp : std::max(delta.lastTs, sample.timestamp);
        delta.count += 1;
        delta.totalMs += sample.executionTime;
        delta.lastSeq = (*state)->lastSeq;
    }
    return updateSeries(deltas);
}

Result<SqliteWriter::SeriesState*> SqliteWriter::series(const KeyId& id)
{
    if (auto it = m_series.find(id); it != m_series.end())
        return &it.value();
    SeriesState state;
    m_findSeries->bindValue(0, sqlText(id.key));
    m_findSeries->bindValue(1, sqlText(id.token));
    if (!m_findSeries->exec())
        return queryError(QStringLiteral("cannot look up a series"), *m_findSeries);
    if (m_findSeries->next()) {
        state.id = m_findSeries->value(0).toLongLong();
        state.lastSeq = m_findSeries->value(1).toLongLong();
    } else {
        m_insertSeries->bindValue(0, sqlText(id.key));
        m_insertSeries->bindValue(1, sqlText(id.token));
        if (!m_insertSeries->exec())
            return queryError(QStringLiteral("cannot add a series"), *m_insertSeries);
        state.id = m_insertSeries->lastInsertId().toLongLong();
    }
    m_findSeries->finish();
    return &m_series.insert(id, state).value();
}

Status SqliteWriter::insertSample(const Sample& sample, SeriesState& series)
{
    series.lastSeq += 1;
    m_insertSample->bindValue(0, series.id);
    m_insertSample->bindValue(1, sample.timestamp);
    m_insertSample->bindValue(2, series.lastSeq);
    m_insertSample->bindValue(3, sample.executionTime);
    m_insertSample->bindValue(4, sample.receivedAt);
    m_insertSample->bindValue(5, sample.extra.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(QString::fromUtf8(sample.extra)));
    if (!m_insertSample->exec())
        return queryError(QStringLiteral("cannot store a sample"), *m_insertSample);
    return Ok {};
}

Status SqliteWriter::updateSeries(const QHash<qint64, SeriesDelta>& deltas)
{
    for (auto it = deltas.begin(); it != deltas.end(); ++it) {
        const auto& delta = it.value();
        const QVariantList values { delta.count, delta.firstTs, delta.firstTs, delta.lastTs, delta.lastTs,
            delta.totalMs, delta.lastSeq, it.key() };
        for (int i = 0; i < values.size(); ++i)
            m_updateSeries->bindValue(i, values.at(i));
        if (!m_updateSeries->exec())
            return queryError(QStringLiteral("cannot update a series' totals"), *m_updateSeries);
    }
    return Ok {};
}

} // namespace Kodemon
