// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite/chunktable.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/tagdictionary.h"
#include "store/store.h"

#include <atomic>
#include <memory>
#include <QElapsedTimer>
#include <QHash>
#include <unordered_map>

namespace Kodemon {

class Retention;
class SqliteConnection;

// Writes batches into the SQLite file, one transaction per batch, as ChunkPolicy (chunktable.h) says: a batch
// becomes one mixed chunk in the recent table, and now and then the recent calls are compacted into chunks
// per series. The series' running totals are updated with every batch. Series ids, sequence numbers and open
// chunks are remembered, so that the hot path looks nothing up. Uses the connection's raw SQLite handle:
// QtSql's binding costs more than the insert itself.
class SqliteWriter final : public StoreWriter
{
public:
    SqliteWriter(QString path, std::shared_ptr<const std::atomic<qint64>> sizeLimit = {},
        ChunkPolicy::Compaction compaction = {}, RetentionPolicy retention = {});
    ~SqliteWriter() override;
    Q_DISABLE_COPY_MOVE(SqliteWriter)

    Status write(const QList<Sample>& batch) override;
    // A step of retention (retention.h) in its own transaction, then a step of giving freed pages back to the
    // file system (incremental vacuum, for files made since retention exists).
    Result<bool> maintain(qint64 now, int budgetMs) override;
    // In one transaction (deletion.h).
    Result<qint64> remove(const DeleteRequest& request) override;
    // One row of the annotations table (schema version 8).
    Result<qint64> annotate(const Annotation& annotation) override;

    // What the last compaction did, for the log and the tests.
    struct Compacted
    {
        qsizetype calls = 0; // recent and new calls written as series chunks
        qsizetype merged = 0; // rows of small chunks merged
    };
    Compacted lastCompaction() const { return m_lastCompaction; }

    // The rows [begin, begin + count) of one series, after groupBySeries().
    struct SeriesRun
    {
        qint64 series = 0;
        qsizetype begin = 0;
        qsizetype count = 0;
    };
    // Reorders `rows` in place so that each series' rows are together, in the order of `rows` rotated left by
    // `rotate` (the recent calls appended after the batch's come first, as they arrived first); returns the runs in
    // the order each series first appears. Public for the tests.
    static QList<SeriesRun> groupBySeries(QList<ChunkRow>& rows, qsizetype rotate = 0);

private:
    struct Totals
    {
        qint64 count = 0;
        double firstTs = 0;
        double lastTs = 0;
        double totalMs = 0;
        qint64 errors = 0;
    };
    struct SeriesState
    {
        qint64 id = 0;
        qint64 lastSeq = -1; // -1 until the series' row was read: only met in recent chunks so far
        QList<OpenChunk> open; // oldest first
        bool openLoaded = false;
        quint64 batch = 0; // the batch that last touched this series, for `added`
        Totals added;
        std::optional<CallSummary> compacted; // series_summary: every call of the chunks table; read when first needed
    };

    Status openAndPrepare();
    Status prepareStatements();
    Status writeInTransaction(const QList<Sample>& batch);
    Result<QList<ChunkRow>> identify(const QList<Sample>& batch, QList<SeriesState*>& touched, qsizetype room);
    Result<SeriesState*> seriesByKey(const KeyId& key);
    SeriesState& seriesById(qint64 id);
    Status updateTotals(const QList<SeriesState*>& touched);
    bool dueForCompaction(qsizetype incoming) const;
    Status appendRecent(const QList<ChunkRow>& rows);
    Status compact(QList<ChunkRow>&& rows);
    Status compactIdle();
    Status writeSeriesRows(SeriesState& series, ChunkRow* rows, qsizetype count, qsizetype& budget);
    Status storeRows(SeriesState& series, const ChunkRow* rows, qsizetype count);
    // Adds calls that just reached the chunks table to the series' summary (series_summary).
    Status addToSummary(SeriesState& series, const ChunkRow* rows, qsizetype count);
    Status mergeOpenChunks(SeriesState& series, qsizetype& budget);
    Status mergeSizeClass(SeriesState& series, int sizeClass);
    static void mergeRuns(QList<ChunkRow>& rows, QList<qsizetype> runEnds);
    static void addTo(Totals& totals, const ChunkRow& row);
    QList<ChunkRow> takeSpareRows(qsizetype needed);
    void keepSpareRows(QList<ChunkRow>&& rows);
    Status execute(const char* sql);
    void applySizeLimit();
    void forgetState();

    QString m_path;
    std::unique_ptr<SqliteConnection> m_connection;
    sqlite3* m_handle = nullptr;
    ChunkTable m_chunks;
    TagDictionary m_tags;
    SqliteStatement m_findSeries;
    SqliteStatement m_insertSeries;
    SqliteStatement m_updateSeries;
    SqliteStatement m_loadSummary;
    SqliteStatement m_saveSummary;
    std::unordered_map<qint64, SeriesState> m_series; // by id; node-based, so the pointers below stay valid
    QHash<KeyId, SeriesState*> m_seriesByKey;
    // A compaction merges at most this many rows per row it compacts (a call is merged about twice in all), and
    // a series' size class is merged regardless once it holds this many FanIns of chunks.
    static constexpr qsizetype MergeBudgetPerRow = 3;
    static constexpr qsizetype MaxWaitingFanIns = 4;
    quint64 m_batch = 0;
    quint64 m_compactions = 0;
    Compacted m_lastCompaction;
    qint64 m_recentCalls = -1; // what the recent table holds; -1: not read yet
    // The last batch's rows, emptied: the next batch is written into their memory. A fresh list of every batch's
    // rows (96 bytes each, megabytes a batch) came from new pages each time: the writer's page faults, these the
    // largest, were ~9% of its time at 200,000 calls/s (docs/BENCHMARKS.md, "StatsD's CPU per datagram").
    QList<ChunkRow> m_spareRows;
    QElapsedTimer m_sinceSpareRows; // since the spare rows were last used; after SpareKeptMs, maintain() frees them
    static constexpr qint64 SpareKeptMs = 5000;
    QElapsedTimer m_recentAge; // since the oldest call in the recent table was written (by this writer)
    std::shared_ptr<const std::atomic<qint64>> m_sizeLimit;
    qint64 m_appliedSizeLimit = -1;
    ChunkPolicy::Compaction m_compaction;
    RetentionPolicy m_retentionPolicy;
    std::unique_ptr<Retention> m_retention;
};

} // namespace Kodemon
