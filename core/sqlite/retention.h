// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite/chunktable.h"
#include "sqlite/rollup.h"
#include "sqlite/sqlitestatement.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

namespace Kodemon {

class TagDictionary;

// Keeps an SQLite file within its RetentionPolicy, in small steps on the writer's connection, inside the
// writer's transaction: calls that arrived before --retention-raw become per-minute summaries (the `rollups`
// table, an hour of a series per row) and leave the chunks; summaries that arrived before --retention go, taken
// out of the series' totals; while the file is larger than its size limit, the oldest calls become summaries
// and then the oldest summaries go. A step does at most about its budget of work, so that the writer's batches
// never wait long (the receiver keeps reading meanwhile).
class Retention final
{
public:
    Retention(sqlite3* db, RetentionPolicy policy);

    // One step; true when more work is waiting. `touched` gets the series whose chunks it changed (the writer
    // forgets what it cached of them).
    Result<bool> step(qint64 now, int budgetMs, TagDictionary& tags, QSet<qint64>& touched);
    // When retention may start: a file upgraded from before retention existed gets a day's notice (meta
    // `retention_after`), so that its first start says what will happen before anything is summarized.
    static Result<qint64> startsAt(sqlite3* db);
    static Status setStartsAt(sqlite3* db, qint64 when);

    // Bytes the file uses (pages in use, not the free ones).
    static Result<qint64> usedBytes(sqlite3* db);

private:
    Status prepare();
    Result<bool> expireCalls(qint64 cutoff, TagDictionary& tags, QSet<qint64>& touched);
    Result<bool> expireSummaries(qint64 cutoff, QSet<qint64>& touched);
    Result<bool> shrink(TagDictionary& tags, QSet<qint64>& touched);
    Status addToRollups(const QHash<qint64, QList<MinuteSummary>>& minutes,
        const QHash<std::pair<qint64, qint64>, qint64>& arrivals);
    Status storeRollupHour(qint64 seriesId, qint64 hour, QList<MinuteSummary> minutes, qint64 arrival);
    Status forgetSeriesCalls(qint64 seriesId, const CallSummary& summary);
    bool overBudget() const { return m_clock.elapsed() >= m_budgetMs; }
    // Past half the budget: the minutes summarized so far still have to be stored within the step (about as long
    // as taking them from their chunks took).
    bool pastHalfBudget() const { return 2 * m_clock.elapsed() >= m_budgetMs; }

    sqlite3* m_db;
    RetentionPolicy m_policy;
    bool m_prepared = false;
    qsizetype m_maxHours = 0; // hour rows a step writes at most (step())
    std::optional<ChunkTable> m_chunks;
    SqliteStatement m_oldChunks;
    SqliteStatement m_oldRollups;
    SqliteStatement m_readRollup;
    SqliteStatement m_writeRollupHour; // rollup_hours: the hour's summary
    SqliteStatement m_writeRollupMinutes; // rollups: its minutes
    SqliteStatement m_deleteRollupHour;
    SqliteStatement m_deleteRollupMinutes;
    SqliteStatement m_loadSummary;
    SqliteStatement m_saveSummary;
    SqliteStatement m_takeFromSeries;
    SqliteStatement m_firstCall;
    QElapsedTimer m_clock;
    qint64 m_budgetMs = 50;
};

} // namespace Kodemon
