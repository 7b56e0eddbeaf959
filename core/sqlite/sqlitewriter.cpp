// SPDX-License-Identifier: MIT
#include "sqlite/sqlitewriter.h"

#include "base/logging.h"
#include "sqlite/deletion.h"
#include "sqlite/retention.h"
#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitesummaries.h"

#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <sqlite3.h>
#include <utility>
#include <vector>

namespace Kodemon {

namespace {

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

SqliteWriter::SqliteWriter(QString path, std::shared_ptr<const std::atomic<qint64>> sizeLimit,
    ChunkPolicy::Compaction compaction, RetentionPolicy retention)
    : m_path(std::move(path))
    , m_sizeLimit(std::move(sizeLimit))
    , m_compaction(compaction)
    , m_retentionPolicy(retention)
{ }

SqliteWriter::~SqliteWriter()
{
    // Statements must be finalized before their connection closes.
    m_retention.reset();
    m_chunks = {};
    m_tags = {};
    m_findSeries = {};
    m_insertSeries = {};
    m_updateSeries = {};
    m_loadSummary = {};
    m_saveSummary = {};
}

Status SqliteWriter::openAndPrepare()
{
    if (m_connection)
        return Ok {};
    if (auto status = openOnce(m_connection, m_path); !status)
        return status;
    m_handle = SqliteStatement::handle(m_connection->database());
    // The writer appends and touches little else (the recent table, the index, the chunks it merges): 8 MiB of
    // page cache is plenty, and the readers' 32 MiB would only add to the collector's resident memory.
    execute("PRAGMA cache_size = -8192");
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
    auto chunks = ChunkTable::prepare(m_handle);
    if (!chunks)
        return chunks.failure();
    m_chunks = std::move(chunks).value();
    if (auto status = m_tags.prepare(m_handle); !status)
        return status;
    const Entry entries[] = {
        { &m_findSeries, "SELECT id, last_seq FROM series WHERE key = ? AND token = ?" },
        { &m_insertSeries, "INSERT INTO series (key, token) VALUES (?, ?)" },
        { &m_updateSeries, R"(UPDATE series SET sample_count = sample_count + ?1,
                                  first_ts = min(coalesce(first_ts, ?2), ?2),
                                  last_ts = max(coalesce(last_ts, ?3), ?3),
                                  total_ms = total_ms + ?4,
                                  last_seq = ?5,
                                  error_count = error_count + ?7
                              WHERE id = ?6)" },
        { &m_loadSummary,
            "SELECT count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch FROM series_summary WHERE series_id = ?" },
        { &m_saveSummary, "INSERT OR REPLACE INTO series_summary (series_id, count, sum_ms, sumsq_ms, min_ms, max_ms, "
                          "errors, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" },
    };
    for (const auto& entry : entries) {
        auto statement = SqliteStatement::prepare(m_handle, entry.sql);
        if (!statement)
            return statement.failure();
        *entry.statement = std::move(statement).value();
    }
    return Ok {};
}

Status SqliteWriter::execute(const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_handle, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return Ok {};
    // The error code outlives the message: the kind says whether the disk or the size limit is full.
    sqlite3_free(message);
    return sqliteError(m_handle, QString::fromUtf8(sql));
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
    if (auto status = openAndPrepare(); !status)
        return status;
    applySizeLimit();
    if (auto status = execute("BEGIN"); !status)
        return status.failure().withMessage(QStringLiteral("cannot start a transaction: %1").arg(status.error()));
    auto status = writeInTransaction(batch);
    if (status) {
        if (auto committed = execute("COMMIT"); !committed)
            status = committed.failure().withMessage(
                QStringLiteral("cannot commit %1 samples: %2").arg(batch.size()).arg(committed.error()));
    }
    if (!status) {
        execute("ROLLBACK");
        forgetState();
    }
    return status;
}

Result<bool> SqliteWriter::maintain(qint64 now, int budgetMs)
{
    if (auto status = openAndPrepare(); !status)
        return status.failure();
    if (!m_retention)
        m_retention = std::make_unique<Retention>(m_handle, m_retentionPolicy);
    if (auto status = execute("BEGIN"); !status)
        return status.failure();
    if (m_sinceSpareRows.isValid() && m_sinceSpareRows.elapsed() > SpareKeptMs)
        m_spareRows = {}; // no batch for a while: the memory goes back
    QSet<qint64> touched;
    Status status = compactIdle();
    auto more = status ? m_retention->step(now, budgetMs, m_tags, touched) : Result<bool>(status.failure());
    status = more ? m_tags.flush() : Status(more.failure());
    if (status)
        status = execute("COMMIT");
    if (!status) {
        execute("ROLLBACK");
        forgetState();
        return status.failure().withMessage(QStringLiteral("retention failed: %1").arg(status.error()));
    }
    if (!touched.isEmpty())
        forgetState(); // chunks moved and merged: what the writer knew of them is void
    // Freed pages go back to the file system a few at a time (files made with auto_vacuum = incremental).
    // While samples arrive (a small budget), fewer at a time: each page freed is a page written.
    if (pragmaValue(m_handle, "PRAGMA auto_vacuum") == 2 && pragmaValue(m_handle, "PRAGMA freelist_count") > 0) {
        execute(budgetMs < 50 ? "PRAGMA incremental_vacuum(256)" : "PRAGMA incremental_vacuum(2048)");
        return true;
    }
    return *more;
}

Result<qint64> SqliteWriter::remove(const DeleteRequest& request)
{
    if (auto status = openAndPrepare(); !status)
        return status.failure();
    if (auto status = execute("BEGIN"); !status)
        return status.failure();
    auto deleted = Deletion(m_handle, m_tags).run(request);
    Status status = deleted ? m_tags.flush() : Status(deleted.failure());
    if (status)
        status = execute("COMMIT");
    // Chunks were rewritten and merged, or the transaction rolled back: what the writer knew is void either way.
    if (!status)
        execute("ROLLBACK");
    forgetState();
    if (!status)
        return status.failure();
    qCInfo(lcStorage).noquote() << "deleted" << *deleted << "calls of"
                                << (request.key ? QStringLiteral("key \"%1\"").arg(*request.key) : QStringLiteral("every key"))
                                << (request.token ? QStringLiteral("token \"%1\"").arg(*request.token) : QStringLiteral("every token"));
    return deleted;
}

Result<qint64> SqliteWriter::annotate(const Annotation& annotation)
{
    if (auto status = openAndPrepare(); !status)
        return status.failure();
    auto insert = SqliteStatement::prepare(
        m_handle, "INSERT INTO annotations (time, end_time, text, tags, token) VALUES (?, ?, ?, ?, ?)");
    if (!insert)
        return insert.failure();
    const QByteArray text = annotation.text.toUtf8();
    const QByteArray tags = QJsonDocument(QJsonArray::fromStringList(annotation.tags)).toJson(QJsonDocument::Compact);
    const QByteArray token = annotation.token.toUtf8();
    insert->bind(1, annotation.time);
    if (annotation.end)
        insert->bind(2, *annotation.end);
    else
        insert->bindNull(2);
    insert->bindText(3, text);
    insert->bindText(4, tags);
    insert->bindText(5, token);
    insert->step();
    if (insert->failed())
        return insert->failure(QStringLiteral("cannot store the annotation"));
    return qint64(sqlite3_last_insert_rowid(m_handle));
}

void SqliteWriter::forgetState()
{
    // Ids, sequence numbers and open chunks of the rolled-back transaction are void: read them again.
    m_seriesByKey.clear();
    m_series.clear();
    m_tags.forget();
    m_recentCalls = -1;
}

Status SqliteWriter::writeInTransaction(const QList<Sample>& batch)
{
    if (m_recentCalls < 0) {
        auto calls = m_chunks.recentCalls();
        if (!calls)
            return calls.failure();
        m_recentCalls = *calls;
        m_recentAge.start(); // what an earlier run left counts as old from now
    }
    const bool compacting = dueForCompaction(batch.size());
    QList<SeriesState*> touched;
    // A compaction appends the recent calls to the batch's rows: room for them now, rather than a second list.
    auto rows = identify(batch, touched, compacting ? qsizetype(m_recentCalls) : 0);
    if (!rows)
        return rows.failure();
    if (auto status = updateTotals(touched); !status)
        return status;
    if (!compacting) {
        auto status = appendRecent(*rows);
        keepSpareRows(std::move(rows).value());
        return status;
    }
    return compact(std::move(rows).value());
}

// A list with room for `needed` rows: the spare one, which only grows while batches keep coming (maintain() gives it
// back once they stop).
QList<ChunkRow> SqliteWriter::takeSpareRows(qsizetype needed)
{
    QList<ChunkRow> rows = std::exchange(m_spareRows, {});
    rows.reserve(needed);
    return rows;
}

void SqliteWriter::keepSpareRows(QList<ChunkRow>&& rows)
{
    rows.clear(); // the rows' extras and tag ids are freed; the list keeps its memory
    if (rows.isDetached())
        m_spareRows = std::move(rows);
    m_sinceSpareRows.start();
}

// The batch as rows of known series, each with its sequence number, and each series' added totals.
Result<QList<ChunkRow>> SqliteWriter::identify(const QList<Sample>& batch, QList<SeriesState*>& touched, qsizetype room)
{
    ++m_batch;
    QList<ChunkRow> rows = takeSpareRows(batch.size() + room);
    for (const auto& sample : batch) {
        auto state = seriesByKey(KeyId { sample.token, sample.key });
        if (!state)
            return state.failure();
        SeriesState& series = **state;
        if (series.batch != m_batch) {
            series.batch = m_batch;
            series.added = {};
            touched.append(&series);
        }
        // Sequence numbers follow arrival, whatever order the rows are stored in.
        rows.append(ChunkRow { sample.timestamp, sample.executionTime, ++series.lastSeq,
            receivedDelay(sample.receivedAt, sample.timestamp), sample.extra, series.id });
        if (auto status = m_tags.tag(series.id, rows.last()); !status)
            return status.failure();
        addTo(series.added, rows.constLast());
    }
    if (auto status = m_tags.flush(); !status)
        return status.failure();
    return rows;
}

// An idle writer compacts its recent calls too once they are old enough: retention reads chunks only, and the last
// calls of a service that stopped sending would otherwise stay raw forever.
Status SqliteWriter::compactIdle()
{
    if (m_recentCalls < 0) {
        auto calls = m_chunks.recentCalls();
        if (!calls)
            return calls.failure();
        m_recentCalls = *calls;
        m_recentAge.start();
    }
    if (m_recentCalls == 0 || m_recentAge.elapsed() < m_compaction.afterMs)
        return Ok {};
    return compact({});
}

bool SqliteWriter::dueForCompaction(qsizetype incoming) const
{
    return m_recentCalls + incoming >= m_compaction.atCalls
        || (m_recentCalls > 0 && m_recentAge.elapsed() >= m_compaction.afterMs);
}

Status SqliteWriter::appendRecent(const QList<ChunkRow>& rows)
{
    if (auto status = m_chunks.insertRecent(rows.constData(), rows.size()); !status)
        return status;
    if (m_recentCalls == 0)
        m_recentAge.start();
    m_recentCalls += rows.size();
    return Ok {};
}

// Every recent call and the batch's, as chunks per series. Merges share a budget, and the series that merges
// first changes from one compaction to the next: series that grow in step (a load generator's, a cron job's)
// would otherwise all merge their largest chunks in the same commit (measured: 6.4M rows in one 2.2 s commit
// while the receiver waited).
// Memory: the batch's rows and the recent ones share one list, grouped in place (a second list of every row to group
// them, and a third to join them, were the writer's largest allocations at the sender's maximum).
Status SqliteWriter::compact(QList<ChunkRow>&& rows)
{
    QList<ChunkRow> all = std::move(rows);
    const qsizetype incoming = all.size();
    all.reserve(incoming + std::max<qsizetype>(m_recentCalls, 0)); // a no-op when identify() made room
    if (auto status = m_chunks.takeRecent(all); !status)
        return status;
    const QList<SeriesRun> runs = groupBySeries(all, incoming);
    // At least one merge of the largest open size class, so that small compactions (low rates) merge at once.
    qsizetype budget = std::max(MergeBudgetPerRow * all.size(), qsizetype(ChunkPolicy::FanIn) * ChunkPolicy::ChunkFull);
    const qsizetype initialBudget = budget;
    const qsizetype first = runs.isEmpty() ? 0 : qsizetype(m_compactions++ % quint64(runs.size()));
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const SeriesRun& run = runs.at((first + i) % runs.size());
        auto status = writeSeriesRows(seriesById(run.series), all.data() + run.begin, run.count, budget);
        if (!status)
            return status;
    }
    m_recentCalls = 0;
    m_lastCompaction = { all.size(), initialBudget - budget };
    qCDebug(lcStorage) << "compacted" << all.size() << "calls of" << runs.size() << "series, merged"
                       << m_lastCompaction.merged << "rows";
    keepSpareRows(std::move(all));
    return Ok {};
}

namespace {

// The run of each series id met so far: open addressing with linear probing, grown at half full, in place of a
// QHash lookup per row (groupBySeries went from 5.4% to 4.5% of the process's samples at 200,000 calls/s; the rest
// is the swaps' cache misses: docs/BENCHMARKS.md, "StatsD's CPU per datagram").
class RunIndex
{
public:
    static constexpr qsizetype Absent = -1;

    // The run of `series`, or `Absent`, with where to add it.
    qsizetype& slot(qint64 series)
    {
        if (2 * (m_used + 1) > qsizetype(m_keys.size()))
            grow();
        return slotIn(m_keys, m_runs, series);
    }
    void added() { ++m_used; }

private:
    qsizetype& slotIn(std::vector<qint64>& keys, std::vector<qsizetype>& runs, qint64 series) const
    {
        const size_t mask = keys.size() - 1;
        size_t i = size_t((quint64(series) * 0x9E3779B97F4A7C15ull) >> 32) & mask;
        while (runs[i] != Absent && keys[i] != series)
            i = (i + 1) & mask;
        keys[i] = series;
        return runs[i];
    }

    void grow()
    {
        const size_t size = std::max<size_t>(1024, 2 * m_keys.size());
        std::vector<qint64> keys(size);
        std::vector<qsizetype> runs(size, Absent);
        for (size_t i = 0; i < m_keys.size(); ++i) {
            if (m_runs[i] != Absent)
                slotIn(keys, runs, m_keys[i]) = m_runs[i];
        }
        m_keys.swap(keys);
        m_runs.swap(runs);
    }

    std::vector<qint64> m_keys;
    std::vector<qsizetype> m_runs;
    qsizetype m_used = 0;
};

} // namespace

// A counting sort into destinations, then the rows moved to them in place by following the permutation's cycles:
// their order within a series stays, and the only extra memory is a destination per row.
QList<SqliteWriter::SeriesRun> SqliteWriter::groupBySeries(QList<ChunkRow>& rows, qsizetype rotate)
{
    const qsizetype size = rows.size();
    rotate = size > 0 ? rotate % size : 0;
    const auto physical = [&](qsizetype logical) {
        const qsizetype i = logical + rotate;
        return i < size ? i : i - size;
    };
    RunIndex indexOf;
    QList<SeriesRun> runs;
    QList<qsizetype> destination(size); // first each row's run, then where the row goes
    for (qsizetype k = 0; k < size; ++k) {
        const qsizetype i = physical(k);
        qsizetype& run = indexOf.slot(rows[i].series);
        if (run == RunIndex::Absent) {
            run = runs.size();
            indexOf.added();
            runs.append({ rows[i].series, 0, 0 });
        }
        destination[i] = run;
        ++runs[run].count;
    }
    QList<qsizetype> next(runs.size());
    qsizetype begin = 0;
    for (qsizetype r = 0; r < runs.size(); ++r) {
        runs[r].begin = begin;
        next[r] = begin;
        begin += runs[r].count;
    }
    for (qsizetype k = 0; k < size; ++k) {
        const qsizetype i = physical(k);
        destination[i] = next[destination[i]]++;
    }
    ChunkRow* data = rows.data();
    qsizetype* to = destination.data();
    for (qsizetype i = 0; i < size; ++i) {
        while (to[i] != i) {
            const qsizetype j = to[i];
            std::swap(data[i], data[j]); // row j is in place now
            std::swap(to[i], to[j]);
        }
    }
    return runs;
}

Status SqliteWriter::writeSeriesRows(SeriesState& series, ChunkRow* rows, qsizetype count, qsizetype& budget)
{
    if (!series.openLoaded) {
        auto open = m_chunks.openChunks(series.id);
        if (!open)
            return open.failure();
        series.open = std::move(open).value();
        series.openLoaded = true;
    }
    // Calls mostly arrive in time order: checking is cheaper than sorting what is sorted already.
    if (!std::is_sorted(rows, rows + count, chunkOrder))
        std::sort(rows, rows + count, chunkOrder);
    if (auto status = storeRows(series, rows, count); !status)
        return status;
    if (auto status = addToSummary(series, rows, count); !status)
        return status;
    return mergeOpenChunks(series, budget);
}

Status SqliteWriter::addToSummary(SeriesState& series, const ChunkRow* rows, qsizetype count)
{
    if (!series.compacted) {
        auto loaded = SqliteSummaries::load(m_loadSummary, series.id);
        if (!loaded)
            return loaded.failure();
        series.compacted = std::move(loaded).value();
    }
    series.compacted->merge(summarize(rows, count));
    return SqliteSummaries::save(m_saveSummary, series.id, *series.compacted);
}

Status SqliteWriter::storeRows(SeriesState& series, const ChunkRow* rows, qsizetype count)
{
    qsizetype at = 0;
    for (const qsizetype length : ChunkPolicy::pieces(count)) {
        auto id = m_chunks.insert(series.id, rows + at, length);
        if (!id)
            return id.failure();
        if (length < ChunkPolicy::ChunkFull)
            series.open.append({ *id, length });
        at += length;
    }
    return Ok {};
}

Status SqliteWriter::mergeOpenChunks(SeriesState& series, qsizetype& budget)
{
    const int largestOpenClass = ChunkPolicy::sizeClass(ChunkPolicy::ChunkFull - 1);
    for (int sizeClass = 0; sizeClass <= largestOpenClass; ++sizeClass) {
        qsizetype chunks = 0;
        qsizetype rows = 0;
        for (const auto& chunk : std::as_const(series.open)) {
            if (ChunkPolicy::sizeClass(chunk.rows) == sizeClass) {
                ++chunks;
                rows += chunk.rows;
            }
        }
        // Over budget, a merge waits for a later compaction; but a series' small chunks never pile up far.
        const bool overdue = chunks >= MaxWaitingFanIns * ChunkPolicy::FanIn;
        if (chunks < ChunkPolicy::FanIn || (rows > budget && !overdue))
            continue;
        budget -= rows;
        if (auto status = mergeSizeClass(series, sizeClass); !status)
            return status;
    }
    return Ok {};
}

Status SqliteWriter::mergeSizeClass(SeriesState& series, int sizeClass)
{
    QList<ChunkRow> rows;
    QList<qsizetype> runEnds; // each chunk is sorted: merging the runs is cheaper than sorting them all
    QList<OpenChunk> others;
    for (const auto& chunk : std::as_const(series.open)) {
        if (ChunkPolicy::sizeClass(chunk.rows) != sizeClass) {
            others.append(chunk);
            continue;
        }
        auto taken = m_chunks.take(chunk.id, rows);
        if (!taken)
            return taken.failure();
        if (!*taken)
            qCWarning(lcStorage) << "chunk" << chunk.id << "of series" << series.id
                                 << "is damaged; it is left as it is and no longer merged";
        else
            runEnds.append(rows.size());
    }
    series.open = std::move(others);
    mergeRuns(rows, runEnds);
    return storeRows(series, rows.constData(), rows.size());
}

// Merges consecutive sorted runs (ending at `runEnds`) pairwise until one is left.
void SqliteWriter::mergeRuns(QList<ChunkRow>& rows, QList<qsizetype> runEnds)
{
    while (runEnds.size() > 1) {
        QList<qsizetype> merged;
        qsizetype begin = 0;
        for (qsizetype i = 0; i < runEnds.size(); i += 2) {
            const qsizetype end = i + 1 < runEnds.size() ? runEnds[i + 1] : runEnds[i];
            if (end != runEnds[i])
                std::inplace_merge(rows.begin() + begin, rows.begin() + runEnds[i], rows.begin() + end, chunkOrder);
            merged.append(end);
            begin = end;
        }
        runEnds = std::move(merged);
    }
}

void SqliteWriter::addTo(Totals& totals, const ChunkRow& row)
{
    const bool first = totals.count == 0;
    totals.firstTs = first ? row.timestamp : std::min(totals.firstTs, row.timestamp);
    totals.lastTs = first ? row.timestamp : std::max(totals.lastTs, row.timestamp);
    totals.count += 1;
    totals.totalMs += row.executionTime;
    totals.errors += row.failed ? 1 : 0;
}

Result<SqliteWriter::SeriesState*> SqliteWriter::seriesByKey(const KeyId& key)
{
    if (auto it = m_seriesByKey.constFind(key); it != m_seriesByKey.constEnd())
        return it.value();
    const QByteArray keyText = key.key.toUtf8();
    const QByteArray tokenText = key.token.toUtf8();
    m_findSeries.reset();
    m_findSeries.bindText(1, keyText);
    m_findSeries.bindText(2, tokenText);
    qint64 id = 0;
    qint64 lastSeq = 0;
    if (m_findSeries.step()) {
        id = m_findSeries.columnInt(0);
        lastSeq = m_findSeries.columnInt(1);
    } else if (m_findSeries.failed()) {
        return m_findSeries.failure(QStringLiteral("cannot look up a series"));
    } else {
        m_insertSeries.reset();
        m_insertSeries.bindText(1, keyText);
        m_insertSeries.bindText(2, tokenText);
        m_insertSeries.step();
        if (m_insertSeries.failed())
            return m_insertSeries.failure(QStringLiteral("cannot add a series"));
        m_insertSeries.reset();
        id = sqlite3_last_insert_rowid(m_handle);
    }
    m_findSeries.reset();
    SeriesState& series = seriesById(id);
    series.lastSeq = lastSeq;
    m_seriesByKey.insert(key, &series);
    return &series;
}

SqliteWriter::SeriesState& SqliteWriter::seriesById(qint64 id)
{
    SeriesState& series = m_series[id];
    series.id = id;
    return series;
}

Status SqliteWriter::updateTotals(const QList<SeriesState*>& touched)
{
    for (const SeriesState* series : touched) {
        const auto& added = series->added;
        m_updateSeries.reset();
        m_updateSeries.bind(1, added.count);
        m_updateSeries.bind(2, added.firstTs);
        m_updateSeries.bind(3, added.lastTs);
        m_updateSeries.bind(4, added.totalMs);
        m_updateSeries.bind(5, series->lastSeq);
        m_updateSeries.bind(6, series->id);
        m_updateSeries.bind(7, added.errors);
        m_updateSeries.step();
        if (m_updateSeries.failed())
            return m_updateSeries.failure(QStringLiteral("cannot update a series' totals"));
    }
    return Ok {};
}

} // namespace Kodemon
