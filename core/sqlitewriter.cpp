// SPDX-License-Identifier: MIT
#include "sqlitewriter.h"

#include "database.h"

#include <algorithm>
#include <sqlite3.h>
#include <tuple>

namespace Kodemon {

namespace {

Error statementError(const QString& what, const SqliteStatement& statement)
{
    return Error { QStringLiteral("%1: %2").arg(what, statement.error()) };
}

qint64 pragmaValue(sqlite3* db, const char* pragma)
{
    sqlite3_stmt* statement = nullptr;
    qint64 value = 0;
    if (sqlite3_prepare_v2(db, pragma, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
}

} // namespace

SqliteWriter::SqliteWriter(QString path, std::shared_ptr<const std::atomic<qint64>> sizeLimit)
    : m_path(std::move(path))
    , m_sizeLimit(std::move(sizeLimit))
{ }

SqliteWriter::~SqliteWriter()
{
    // Statements must be finalized before their connection closes.
    m_insertSample = {};
    m_findSeries = {};
    m_insertSeries = {};
    m_updateSeries = {};
}

Status SqliteWriter::ensureOpen()
{
    if (m_connection)
        return Ok {};
    auto connection = SqliteConnection::open(m_path);
    if (!connection)
        return Error { connection.error() };
    m_connection = std::move(connection).value();
    m_handle = SqliteStatement::handle(m_connection->database());
    if (auto status = prepareStatements(); !status) {
        m_connection.reset();
        return status;
    }
    return Ok {};
}

Status SqliteWriter::prepareStatements()
{
    struct Entry
    {
        SqliteStatement* statement;
        const char* sql;
    };
    const Entry entries[] = {
        { &m_insertSample,
            "INSERT INTO samples (series_id, ts, seq, execution_time, received_delay, extra) VALUES (?, ?, ?, ?, ?, "
            "?)" },
        { &m_findSeries, "SELECT id, last_seq FROM series WHERE key = ? AND token = ?" },
        { &m_insertSeries, "INSERT INTO series (key, token) VALUES (?, ?)" },
        { &m_updateSeries, R"(UPDATE series SET sample_count = sample_count + ?1,
                                  first_ts = min(coalesce(first_ts, ?2), ?2),
                                  last_ts = max(coalesce(last_ts, ?3), ?3),
                                  total_ms = total_ms + ?4,
                                  last_seq = ?5
                              WHERE id = ?6)" },
    };
    for (const auto& entry : entries) {
        auto statement = SqliteStatement::prepare(m_handle, entry.sql);
        if (!statement)
            return Error { statement.error() };
        *entry.statement = std::move(statement).value();
    }
    return Ok {};
}

Status SqliteWriter::execute(const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_handle, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return Ok {};
    Error error { QString::fromUtf8(message ? message : sqlite3_errmsg(m_handle)) };
    sqlite3_free(message);
    return error;
}

void SqliteWriter::applySizeLimit()
{
    const qint64 limit = m_sizeLimit ? m_sizeLimit->load() : 0;
    if (limit == m_appliedSizeLimit)
        return;
    // SQLite's own quota: a write past max_page_count fails with SQLITE_FULL, exactly like a full disk.
    const qint64 pageSize = std::max<qint64>(pragmaValue(m_handle, "PRAGMA page_size"), 512);
    const qint64 pages = limit > 0 ? std::max<qint64>(limit / pageSize, 1) : 4294967294LL;
    execute(QByteArray("PRAGMA max_page_count = " + QByteArray::number(pages)).constData());
    m_appliedSizeLimit = limit;
}

Status SqliteWriter::write(const QList<Sample>& batch)
{
    if (batch.isEmpty())
        return Ok {};
    if (auto status = ensureOpen(); !status)
        return status;
    applySizeLimit();
    if (auto status = execute("BEGIN"); !status)
        return Error { QStringLiteral("cannot start a transaction: %1").arg(status.error()) };
    auto status = writeInTransaction(batch);
    if (status) {
        if (auto committed = execute("COMMIT"); !committed)
            status = Error { QStringLiteral("cannot commit %1 samples: %2").arg(batch.size()).arg(committed.error()) };
    }
    if (!status) {
        execute("ROLLBACK");
        m_series.clear(); // ids and sequence numbers of the rolled-back transaction are void
    }
    return status;
}

Status SqliteWriter::writeInTransaction(const QList<Sample>& batch)
{
    struct Row
    {
        qint64 series;
        qint64 seq;
        const Sample* sample;
    };
    QList<Row> rows;
    rows.reserve(batch.size());
    QHash<qint64, SeriesDelta> deltas;
    for (const auto& sample : batch) {
        auto state = series(KeyId { sample.token, sample.key });
        if (!state)
            return Error { state.error() };
        // Sequence numbers follow arrival, whatever order the rows are written in.
        rows.append({ (*state)->id, ++(*state)->lastSeq, &sample });
        addToDelta(deltas[(*state)->id], sample, (*state)->lastSeq);
    }
    // In primary-key order, consecutive inserts land on the same leaf page instead of hopping across the tree:
    // measured 1.3-1.5x more rows per second for batches of 30,000-100,000 rows over 1,000 series.
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return std::tie(a.series, a.sample->timestamp, a.seq) < std::tie(b.series, b.sample->timestamp, b.seq);
    });
    for (const auto& row : std::as_const(rows)) {
        if (auto status = insertSample(*row.sample, row.series, row.seq); !status)
            return status;
    }
    return updateSeries(deltas);
}

void SqliteWriter::addToDelta(SeriesDelta& delta, const Sample& sample, qint64 seq)
{
    const bool first = delta.count == 0;
    delta.firstTs = first ? sample.timestamp : std::min(delta.firstTs, sample.timestamp);
    delta.lastTs = first ? sample.timestamp : std::max(delta.lastTs, sample.timestamp);
    delta.count += 1;
    delta.totalMs += sample.executionTime;
    delta.lastSeq = seq;
}

Result<SqliteWriter::SeriesState*> SqliteWriter::series(const KeyId& id)
{
    if (auto it = m_series.find(id); it != m_series.end())
        return &it.value();
    const QByteArray key = id.key.toUtf8();
    const QByteArray token = id.token.toUtf8();
    SeriesState state;
    m_findSeries.reset();
    m_findSeries.bindText(1, key);
    m_findSeries.bindText(2, token);
    if (m_findSeries.step()) {
        state.id = m_findSeries.columnInt(0);
        state.lastSeq = m_findSeries.columnInt(1);
    } else {
        if (m_findSeries.failed())
            return statementError(QStringLiteral("cannot look up a series"), m_findSeries);
        m_insertSeries.reset();
        m_insertSeries.bindText(1, key);
        m_insertSeries.bindText(2, token);
        m_insertSeries.step();
        if (m_insertSeries.failed())
            return statementError(QStringLiteral("cannot add a series"), m_insertSeries);
        state.id = sqlite3_last_insert_rowid(m_handle);
    }
    m_findSeries.reset();
    m_insertSeries.reset();
    return &m_series.insert(id, state).value();
}

Status SqliteWriter::insertSample(const Sample& sample, qint64 seriesId, qint64 seq)
{
    m_insertSample.reset();
    m_insertSample.bind(1, seriesId);
    m_insertSample.bind(2, sample.timestamp);
    m_insertSample.bind(3, seq);
    m_insertSample.bind(4, sample.executionTime);
    m_insertSample.bind(5, receivedDelay(sample.receivedAt, sample.timestamp));
    if (sample.extra.isEmpty())
        m_insertSample.bindNull(6);
    else
        m_insertSample.bindText(6, sample.extra);
    m_insertSample.step();
    if (m_insertSample.failed())
        return statementError(QStringLiteral("cannot store a sample"), m_insertSample);
    return Ok {};
}

Status SqliteWriter::updateSeries(const QHash<qint64, SeriesDelta>& deltas)
{
    for (auto it = deltas.begin(); it != deltas.end(); ++it) {
        const auto& delta = it.value();
        m_updateSeries.reset();
        m_updateSeries.bind(1, delta.count);
        m_updateSeries.bind(2, delta.firstTs);
        m_updateSeries.bind(3, delta.lastTs);
        m_updateSeries.bind(4, delta.totalMs);
        m_updateSeries.bind(5, delta.lastSeq);
        m_updateSeries.bind(6, it.key());
        m_updateSeries.step();
        if (m_updateSeries.failed())
            return statementError(QStringLiteral("cannot update a series' totals"), m_updateSeries);
    }
    return Ok {};
}

} // namespace Kodemon
