// SPDX-License-Identifier: MIT
#include "sqlite/schema.h"

#include "base/logging.h"
#include "sqlite/chunktable.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/retention.h"
#include "sqlite/rollup.h"
#include "sqlite/sqlitesummaries.h"
#include "sqlite/tagdictionary.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <QSqlDatabase>
#include <QSqlError>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QSqlQuery>
#include <QStringList>

namespace Kodemon {

qint64 receivedDelay(qint64 receivedAt, double timestamp)
{
    constexpr double Bound = 4611686018427387904.0; // 2^62: the difference below cannot overflow
    return receivedAt - qint64(std::clamp(timestamp, -Bound, Bound));
}

namespace Schema {

namespace {

// Version 1: one row per (token, key) with running totals, samples clustered by series and time.
const char* const Version1[] = {
    R"(CREATE TABLE series (
                   id INTEGER PRIMARY KEY,
                   token TEXT NOT NULL,
                   key TEXT NOT NULL,
                   sample_count INTEGER NOT NULL DEFAULT 0,
                   first_ts REAL,
                   last_ts REAL,
                   last_seq INTEGER NOT NULL DEFAULT 0,
                   UNIQUE (key, token)))",
    // seq numbers a series' samples in arrival order; it makes equal timestamps distinct.
    R"(CREATE TABLE samples (
                   series_id INTEGER NOT NULL,
                   ts REAL NOT NULL,
                   seq INTEGER NOT NULL,
                   execution_time REAL NOT NULL,
                   received_at INTEGER NOT NULL,
                   extra TEXT,
                   PRIMARY KEY (series_id, ts, seq)) WITHOUT ROWID)",
};

// Version 2: the sum of execution times per series, so the key list shows a mean without a scan.
const char* const Version2[] = {
    "ALTER TABLE series ADD COLUMN total_ms REAL NOT NULL DEFAULT 0",
    R"(UPDATE series SET total_ms =
                   (SELECT coalesce(sum(execution_time), 0) FROM samples WHERE series_id = series.id))",
};

// Version 3: the arrival time as a delay after the call's start (0 or 1 s: zero bytes) instead of an
// absolute time (4 bytes): an eighth of a sample's size. CAST truncates like receivedDelay() does.
const char* const Version3[] = {
    "ALTER TABLE samples RENAME COLUMN received_at TO received_delay",
    "UPDATE samples SET received_delay = received_delay - CAST(max(min(ts, 4611686018427387904), "
    "-4611686018427387904) AS INTEGER)",
};

// Version 4: calls are kept in chunks, many calls of one series per row (samplechunk.h), instead of one row
// per call: storing a call costs a tenth and takes about 12 bytes instead of 29. Written in C++ below
// (convertSamplesToChunks): SQL cannot build the blobs.
const char* const Version4[] = {
    R"(CREATE TABLE chunks (
                   id INTEGER PRIMARY KEY,
                   series_id INTEGER NOT NULL,
                   min_ts REAL NOT NULL,
                   max_ts REAL NOT NULL,
                   sample_count INTEGER NOT NULL,
                   data BLOB NOT NULL))",
    // Carries the time span, so that a range query finds its chunks in the index alone.
    "CREATE INDEX chunks_by_series ON chunks (series_id, min_ts, max_ts)",
    // The last commits' calls of every series, one mixed chunk per commit, until they are compacted into
    // series chunks (ChunkPolicy in chunktable.h).
    R"(CREATE TABLE recent (
                   id INTEGER PRIMARY KEY,
                   min_ts REAL NOT NULL,
                   max_ts REAL NOT NULL,
                   sample_count INTEGER NOT NULL,
                   data BLOB NOT NULL))",
};
const char* const Version4Cleanup[] = {
    "DROP TABLE samples",
};

// Version 5: tags (calltags.h). Each series numbers the values of its calls' tags in `tags`; chunks keep the ids
// (formats 3 and 4, chunkview.h), and the series counts its failed calls. Chunks with extra fields are rewritten
// with their tags below (convertChunksToTags); the others read as they are.
const char* const Version5[] = {
    R"(CREATE TABLE tags (
                   series_id INTEGER NOT NULL,
                   tag_id INTEGER NOT NULL,
                   name TEXT NOT NULL,
                   value TEXT,
                   kind INTEGER NOT NULL,
                   calls INTEGER NOT NULL DEFAULT 0,
                   PRIMARY KEY (series_id, tag_id)) WITHOUT ROWID)",
    "ALTER TABLE series ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0",
};

// Version 7: the alerts' history (core/alerts): one row per change of an alert's state, with the value that caused
// it, so that the history and each alert's state survive restarts (SqliteAlertHistory). Additive: nothing else
// changes.
const char* const Version7[] = {
    R"(CREATE TABLE alert_transitions (
                   id INTEGER PRIMARY KEY,
                   time REAL NOT NULL,
                   rule TEXT NOT NULL,
                   token TEXT NOT NULL,
                   key TEXT NOT NULL,
                   from_state TEXT NOT NULL,
                   to_state TEXT NOT NULL,
                   value REAL,
                   threshold REAL,
                   condition TEXT NOT NULL DEFAULT ''))",
    // The newest transitions of a rule and function (a restart resumes each alert from its last one), by time.
    "CREATE INDEX alert_transitions_by_alert ON alert_transitions (rule, key, token, time)",
    "CREATE INDEX alert_transitions_by_time ON alert_transitions (time)",
};

// Version 8 (issue 16; renumber freely at a merge, it depends on no other step): annotations, the markers people and
// deploy scripts put on the timeline (POST /api/annotations): a moment, or a period with an end; free text, labels
// (a JSON array) and the project's token ('' for every project). Additive: nothing else changes.
const char* const Version8[] = {
    R"(CREATE TABLE annotations (
                   id INTEGER PRIMARY KEY,
                   time REAL NOT NULL,
                   end_time REAL,
                   text TEXT NOT NULL,
                   tags TEXT NOT NULL DEFAULT '[]',
                   token TEXT NOT NULL DEFAULT ''))",
    "CREATE INDEX annotations_by_time ON annotations (time)",
};

// Rewrites the chunks of one table that hold extra fields: their rows get tag ids (and the series their failed
// calls). The recent table's rows carry their series (`mixed`).
Status tagChunks(sqlite3* db, TagDictionary& dictionary, const char* table, bool mixed, QHash<qint64, qint64>& failed)
{
    const QByteArray select = QByteArray("SELECT id, ") + (mixed ? "0" : "series_id") + ", data FROM " + table;
    const QByteArray update = QByteArray("UPDATE ") + table + " SET data = ? WHERE id = ?";
    auto chunks = SqliteStatement::prepare(db, select.constData());
    auto rewrite = SqliteStatement::prepare(db, update.constData());
    if (!chunks || !rewrite)
        return chunks ? rewrite.failure() : chunks.failure();
    qint64 rewritten = 0;
    while (chunks->step()) {
        auto view = ChunkView::parse(chunks->columnBlob(2));
        // Chunks without extra fields have no tags; formats 3 and 4 also come from version 4's conversion just
        // before, untagged. Damaged chunks stay as they are, like everywhere else.
        if (!view || !view->hasStoredExtras())
            continue;
        QList<ChunkRow> rows;
        if (!view->appendAllRows(rows))
            continue;
        for (auto& row : rows) {
            if (row.extraFromTags)
                continue;
            const qint64 series = mixed ? row.series : chunks->columnInt(1);
            if (auto status = dictionary.tag(series, row); !status)
                return status;
            failed[series] += row.failed ? 1 : 0;
        }
        const QByteArray blob
            = SampleChunk::encode(mixed ? SampleChunk::Kind::Mixed : SampleChunk::Kind::Series, rows);
        rewrite->reset();
        rewrite->bindBlob(1, blob);
        rewrite->bind(2, chunks->columnInt(0));
        rewrite->step();
        if (rewrite->failed())
            return rewrite->failure(QStringLiteral("cannot rewrite a chunk with its tags"));
        ++rewritten;
    }
    if (chunks->failed())
        return chunks->failure(QStringLiteral("cannot read the chunks to tag"));
    if (rewritten > 0)
        qCInfo(lcStorage) << "tagged the calls of" << rewritten << "chunks of" << table;
    return Ok {};
}

Status convertChunksToTags(SqliteConnection& connection)
{
    sqlite3* db = SqliteStatement::handle(connection.database());
    TagDictionary dictionary;
    if (auto status = dictionary.prepare(db); !status)
        return status;
    QHash<qint64, qint64> failed;
    for (const auto& [table, mixed] : { std::pair { "chunks", false }, std::pair { "recent", true } }) {
        if (auto status = tagChunks(db, dictionary, table, mixed, failed); !status)
            return status;
    }
    if (auto status = dictionary.flush(); !status)
        return status;
    auto count = SqliteStatement::prepare(db, "UPDATE series SET error_count = ? WHERE id = ?");
    if (!count)
        return count.failure();
    for (auto it = failed.cbegin(); it != failed.cend(); ++it) {
        count->reset();
        count->bind(1, it.value());
        count->bind(2, it.key());
        count->step();
        if (count->failed())
            return count->failure(QStringLiteral("cannot count a series' failed calls"));
    }
    return Ok {};
}

// Version 6: summaries (callsummary.h) and retention. Each series chunk carries the summary of its calls and when
// its calls arrived (retention keeps calls by arrival: a call sent now with an old timestamp is kept as long as
// any other), each series the summary of every call outside the recent table (series_summary: chunks and
// rollups), so that questions over millions of calls read summaries instead of calls; `rollups` keeps a day (an
// hour since version 9) of a series' per-minute summaries per row once its calls are older than --retention-raw;
// `meta` holds settings of the file (when retention may start after an upgrade). summarizeChunks() fills in the
// chunks an older version wrote, once.
const char* const Version6[] = {
    "ALTER TABLE chunks ADD COLUMN sum_ms REAL",
    "ALTER TABLE chunks ADD COLUMN sumsq_ms REAL",
    "ALTER TABLE chunks ADD COLUMN min_ms REAL",
    "ALTER TABLE chunks ADD COLUMN max_ms REAL",
    "ALTER TABLE chunks ADD COLUMN errors INTEGER",
    "ALTER TABLE chunks ADD COLUMN sketch BLOB",
    "ALTER TABLE chunks ADD COLUMN min_arrival INTEGER",
    "ALTER TABLE chunks ADD COLUMN max_arrival INTEGER",
    // Retention's question, "which chunks hold calls that arrived before the cutoff", from the index alone.
    "CREATE INDEX chunks_by_arrival ON chunks (min_arrival)",
    R"(CREATE TABLE rollups (
                   series_id INTEGER NOT NULL,
                   day INTEGER NOT NULL,
                   min_ts REAL NOT NULL,
                   max_ts REAL NOT NULL,
                   max_arrival INTEGER NOT NULL,
                   sample_count INTEGER NOT NULL,
                   sum_ms REAL NOT NULL,
                   sumsq_ms REAL NOT NULL,
                   min_ms REAL NOT NULL,
                   max_ms REAL NOT NULL,
                   errors INTEGER NOT NULL,
                   sketch BLOB NOT NULL,
                   data BLOB NOT NULL,
                   PRIMARY KEY (series_id, day)) WITHOUT ROWID)",
    "CREATE INDEX rollups_by_arrival ON rollups (max_arrival)",
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID",
    R"(CREATE TABLE series_summary (
                   series_id INTEGER PRIMARY KEY,
                   count INTEGER NOT NULL,
                   sum_ms REAL NOT NULL,
                   sumsq_ms REAL NOT NULL,
                   min_ms REAL NOT NULL,
                   max_ms REAL NOT NULL,
                   errors INTEGER NOT NULL,
                   sketch BLOB NOT NULL))",
};

Status summarizeChunks(SqliteConnection& connection)
{
    sqlite3* db = SqliteStatement::handle(connection.database());
    auto chunks = SqliteStatement::prepare(db, "SELECT id, series_id, data FROM chunks ORDER BY series_id, id");
    auto update = SqliteStatement::prepare(db, "UPDATE chunks SET sum_ms = ?, sumsq_ms = ?, min_ms = ?, max_ms = ?, "
                                               "errors = ?, sketch = ?, min_arrival = ?, max_arrival = ? WHERE id = ?");
    auto save = SqliteStatement::prepare(db, "INSERT OR REPLACE INTO series_summary (series_id, count, sum_ms, "
                                             "sumsq_ms, min_ms, max_ms, errors, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!chunks || !update || !save)
        return !chunks ? chunks.failure() : !update ? update.failure() : save.failure();
    QHash<qint64, CallSummary> bySeries;
    qint64 summarized = 0;
    QList<ChunkRow> rows;
    while (chunks->step()) {
        auto view = ChunkView::parse(chunks->columnBlob(2));
        rows.clear();
        if (!view || !view->appendAllRows(rows))
            continue; // a damaged chunk stays without a summary: readers decode it, and skip it, as before
        const CallSummary summary = summarize(rows.constData(), rows.size());
        const QByteArray sketch = summary.sketch.encode();
        update->reset();
        update->bind(1, summary.sum);
        update->bind(2, summary.sumSquares);
        update->bind(3, summary.min);
        update->bind(4, summary.max);
        update->bind(5, summary.errors);
        update->bindBlob(6, sketch);
        const auto [firstArrival, lastArrival] = arrivals(rows.constData(), rows.size());
        update->bind(7, firstArrival);
        update->bind(8, lastArrival);
        update->bind(9, chunks->columnInt(0));
        update->step();
        if (update->failed())
            return update->failure(QStringLiteral("cannot store a chunk's summary"));
        bySeries[chunks->columnInt(1)].merge(summary);
        ++summarized;
    }
    if (chunks->failed())
        return chunks->failure(QStringLiteral("cannot read the chunks to summarize"));
    for (auto it = bySeries.cbegin(); it != bySeries.cend(); ++it) {
        if (auto status = SqliteSummaries::save(*save, it.key(), it.value()); !status)
            return status;
    }
    if (summarized > 0)
        qCInfo(lcStorage) << "summarized" << summarized << "chunks of" << bySeries.size() << "series";
    return Ok {};
}

// Version 9 (issue 18): `rollups` keeps an hour of a series' minute summaries per row instead of a day (rollup.h:
// retention rewrote the whole day of every function at every step, so its work grew through the day). The day rows
// of version 8 are cut into hours here, once: each hour row gets the day row's last arrival (it expires with it,
// as before) and its own totals. A rowid table with a unique index, not WITHOUT ROWID as the day rows were: an
// index b-tree keeps little of a row in its page, and SQLite read each row's overflow pages (the minutes' blob,
// up to 14 KB) to answer from the row's summary columns: 1,000 buckets over a 10M-call function's year of hours
// took 277 ms of CPU, 57% of it there (kodemon-querybench --history, perf).
const char* const Version9[] = {
    R"(CREATE TABLE rollups_by_hour (
                   id INTEGER PRIMARY KEY,
                   series_id INTEGER NOT NULL,
                   hour INTEGER NOT NULL,
                   min_ts REAL NOT NULL,
                   max_ts REAL NOT NULL,
                   max_arrival INTEGER NOT NULL,
                   sample_count INTEGER NOT NULL,
                   sum_ms REAL NOT NULL,
                   sumsq_ms REAL NOT NULL,
                   min_ms REAL NOT NULL,
                   max_ms REAL NOT NULL,
                   errors INTEGER NOT NULL,
                   sketch BLOB NOT NULL,
                   data BLOB NOT NULL))",
};

// Version 10: what each tier weighs, kept by triggers on every write instead of summed on every question. The
// Settings dialog, the status bar and GET /api/status asked for sum(length(data)) over `rollups`: on a year of 100M
// calls (8M hour rows) three scans of 2.5-3.1 s each, 9.3 s for /api/status on the HTTP thread, which the web page
// polls (2026-12-06). Triggers keep `tier_use` right whatever writes (the writer, retention, deletion, an upgrade),
// in the writer's own transaction; UPDATE triggers cover rows rewritten in place (retention merges minutes into an
// hour row with an upsert: INSERT OR REPLACE would delete without firing DELETE triggers).
const char* const Version10[] = {
    R"(CREATE TABLE tier_use (
                   tier TEXT PRIMARY KEY,
                   bytes INTEGER NOT NULL,
                   calls INTEGER NOT NULL) WITHOUT ROWID)",
    R"(INSERT INTO tier_use (tier, bytes, calls) VALUES
                   ('chunks', (SELECT coalesce(sum(length(data) + coalesce(length(sketch), 0)), 0) FROM chunks),
                              (SELECT coalesce(sum(sample_count), 0) FROM chunks)),
                   ('recent', (SELECT coalesce(sum(length(data)), 0) FROM recent),
                              (SELECT coalesce(sum(sample_count), 0) FROM recent)),
                   ('rollups', (SELECT coalesce(sum(length(data) + length(sketch)), 0) FROM rollups),
                               (SELECT coalesce(sum(sample_count), 0) FROM rollups)))",
    R"(CREATE TRIGGER chunks_use_insert AFTER INSERT ON chunks BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) + coalesce(length(NEW.sketch), 0),
                                       calls = calls + NEW.sample_count WHERE tier = 'chunks'; END)",
    R"(CREATE TRIGGER chunks_use_delete AFTER DELETE ON chunks BEGIN
                   UPDATE tier_use SET bytes = bytes - length(OLD.data) - coalesce(length(OLD.sketch), 0),
                                       calls = calls - OLD.sample_count WHERE tier = 'chunks'; END)",
    R"(CREATE TRIGGER chunks_use_update AFTER UPDATE OF data, sketch, sample_count ON chunks BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) + coalesce(length(NEW.sketch), 0)
                                                   - length(OLD.data) - coalesce(length(OLD.sketch), 0),
                                       calls = calls + NEW.sample_count - OLD.sample_count WHERE tier = 'chunks'; END)",
    R"(CREATE TRIGGER recent_use_insert AFTER INSERT ON recent BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data), calls = calls + NEW.sample_count
                                   WHERE tier = 'recent'; END)",
    R"(CREATE TRIGGER recent_use_delete AFTER DELETE ON recent BEGIN
                   UPDATE tier_use SET bytes = bytes - length(OLD.data), calls = calls - OLD.sample_count
                                   WHERE tier = 'recent'; END)",
    R"(CREATE TRIGGER recent_use_update AFTER UPDATE OF data, sample_count ON recent BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) - length(OLD.data),
                                       calls = calls + NEW.sample_count - OLD.sample_count WHERE tier = 'recent'; END)",
    R"(CREATE TRIGGER rollups_use_insert AFTER INSERT ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) + length(NEW.sketch),
                                       calls = calls + NEW.sample_count WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollups_use_delete AFTER DELETE ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes - length(OLD.data) - length(OLD.sketch),
                                       calls = calls - OLD.sample_count WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollups_use_update AFTER UPDATE OF data, sketch, sample_count ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) + length(NEW.sketch)
                                                   - length(OLD.data) - length(OLD.sketch),
                                       calls = calls + NEW.sample_count - OLD.sample_count WHERE tier = 'rollups'; END)",
};

// Version 11: an hour's summary apart from its minutes. 1,000 buckets over a 10M-call function's year of hours
// read 8,042 hour rows through the (series_id, hour) index, each then sought in the table among rows of 14 KB
// (the minutes' blob) scattered by insertion order: the seek and its page reads were 24% of the answer, SQLite's
// copies of sketches straddling an overflow page 7% more (kodemon-querybench --history, perf, 2026-12-06). The
// summaries now live in `rollup_hours`, clustered by (series_id, hour) and narrow (about 400 bytes a row for that
// function, a few dozen for most), so that reading them is reading consecutive pages; `rollups` keeps the minutes
// for the rows a question cuts. The two are written together in the same transactions (retention, deletion).
//
// The rows move in batches, each its own transaction followed by a checkpoint (moveRollupsApart): moved in one
// transaction, a year of 100M calls (8M hour rows, 2.8 GB) grew the write-ahead log past 6.3 GB in 3 minutes
// before it was stopped with the disk nearly full. The step itself only makes the tables, takes the version
// (an older Kodemon then refuses the file instead of reading half of its summaries) and notes the move in `meta`;
// a move interrupted resumes at the next start, every committed batch having left each hour in one layout only.
const char* const Version11[] = {
    R"(CREATE TABLE rollup_hours (
                   series_id INTEGER NOT NULL,
                   hour INTEGER NOT NULL,
                   min_ts REAL NOT NULL,
                   max_ts REAL NOT NULL,
                   max_arrival INTEGER NOT NULL,
                   sample_count INTEGER NOT NULL,
                   sum_ms REAL NOT NULL,
                   sumsq_ms REAL NOT NULL,
                   min_ms REAL NOT NULL,
                   max_ms REAL NOT NULL,
                   errors INTEGER NOT NULL,
                   sketch BLOB NOT NULL,
                   PRIMARY KEY (series_id, hour)) WITHOUT ROWID)",
    R"(CREATE TABLE rollup_minutes (
                   id INTEGER PRIMARY KEY,
                   series_id INTEGER NOT NULL,
                   hour INTEGER NOT NULL,
                   data BLOB NOT NULL))",
    // The weights stay as they are while rows move (the same bytes and calls); the triggers come back at the end.
    "DROP TRIGGER rollups_use_insert",
    "DROP TRIGGER rollups_use_delete",
    "DROP TRIGGER rollups_use_update",
    "INSERT INTO meta (name, value) VALUES ('moving_rollups', 1)",
};

// One batch of moveRollupsApart: the hours before (?1, ?2) in (series_id, hour) order.
const char* const Version11Batch[] = {
    "INSERT INTO rollup_hours SELECT series_id, hour, min_ts, max_ts, max_arrival, sample_count, sum_ms, sumsq_ms, "
    "min_ms, max_ms, errors, sketch FROM rollups WHERE series_id < ?1 OR (series_id = ?1 AND hour < ?2) "
    "ORDER BY series_id, hour",
    "INSERT INTO rollup_minutes (series_id, hour, data) SELECT series_id, hour, data FROM rollups "
    "WHERE series_id < ?1 OR (series_id = ?1 AND hour < ?2) ORDER BY series_id, hour",
    "DELETE FROM rollups WHERE series_id < ?1 OR (series_id = ?1 AND hour < ?2)",
};

const char* const Version11End[] = {
    "DROP TABLE rollups",
    "ALTER TABLE rollup_minutes RENAME TO rollups",
    "CREATE UNIQUE INDEX rollups_by_series ON rollups (series_id, hour)",
    // Retention's question, "which hours expired", from the index alone.
    "CREATE INDEX rollup_hours_by_arrival ON rollup_hours (max_arrival)",
    R"(CREATE TRIGGER rollup_hours_use_insert AFTER INSERT ON rollup_hours BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.sketch), calls = calls + NEW.sample_count
                                   WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollup_hours_use_delete AFTER DELETE ON rollup_hours BEGIN
                   UPDATE tier_use SET bytes = bytes - length(OLD.sketch), calls = calls - OLD.sample_count
                                   WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollup_hours_use_update AFTER UPDATE OF sketch, sample_count ON rollup_hours BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.sketch) - length(OLD.sketch),
                                       calls = calls + NEW.sample_count - OLD.sample_count WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollups_use_insert AFTER INSERT ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollups_use_delete AFTER DELETE ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes - length(OLD.data) WHERE tier = 'rollups'; END)",
    R"(CREATE TRIGGER rollups_use_update AFTER UPDATE OF data ON rollups BEGIN
                   UPDATE tier_use SET bytes = bytes + length(NEW.data) - length(OLD.data) WHERE tier = 'rollups'; END)",
    "DELETE FROM meta WHERE name = 'moving_rollups'",
};

// Version 12: every tier weighs its rows too (ChunkRowBytes and the others, schema.h). The step only notes it in
// `meta`: the triggers of `rollups` and `rollup_hours` exist only once version 11's move has ended, so the new
// weights are set after it (reweighRows), in one transaction that counts the rows already stored.
const char* const Version12[] = {
    "INSERT INTO meta (name, value) VALUES ('reweigh_rows', 1)",
};

const char* const Version9Cleanup[] = {
    "DROP TABLE rollups",
    "ALTER TABLE rollups_by_hour RENAME TO rollups",
    "CREATE UNIQUE INDEX rollups_by_series ON rollups (series_id, hour)",
    "CREATE INDEX rollups_by_arrival ON rollups (max_arrival)",
};

Status cutRollupsIntoHours(SqliteConnection& connection)
{
    sqlite3* db = SqliteStatement::handle(connection.database());
    auto days = SqliteStatement::prepare(db, "SELECT series_id, day, max_arrival, data FROM rollups");
    auto insert = SqliteStatement::prepare(db, "INSERT INTO rollups_by_hour (series_id, hour, min_ts, max_ts, "
                                               "max_arrival, sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, "
                                               "sketch, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!days || !insert)
        return !days ? days.failure() : insert.failure();
    qint64 converted = 0, damaged = 0;
    while (days->step()) {
        const qint64 series = days->columnInt(0);
        const auto minutes = Rollup::decode(days->columnBlob(3), days->columnInt(1));
        if (!minutes) {
            ++damaged; // readers skipped it with a warning; it cannot be cut, so it goes
            continue;
        }
        QMap<qint64, QList<MinuteSummary>> byHour;
        for (const auto& minute : *minutes)
            byHour[Rollup::hourOf(minute.minute)].append(minute);
        for (auto hour = byHour.cbegin(); hour != byHour.cend(); ++hour) {
            const CallSummary total = Rollup::total(hour.value());
            const QByteArray sketch = total.sketch.encode();
            const QByteArray data = Rollup::encode(hour.value());
            insert->reset();
            insert->bind(1, series);
            insert->bind(2, hour.key());
            insert->bind(3, double(hour.value().first().minute));
            insert->bind(4, double(hour.value().last().minute));
            insert->bind(5, days->columnInt(2));
            insert->bind(6, total.count);
            insert->bind(7, total.sum);
            insert->bind(8, total.sumSquares);
            insert->bind(9, total.min);
            insert->bind(10, total.max);
            insert->bind(11, total.errors);
            insert->bindBlob(12, sketch);
            insert->bindBlob(13, data);
            insert->step();
            if (insert->failed())
                return insert->failure(QStringLiteral("cannot store an hour of summaries"));
        }
        ++converted;
    }
    if (days->failed())
        return days->failure(QStringLiteral("cannot read the day summaries"));
    if (converted > 0)
        qCInfo(lcStorage) << "cut" << converted << "days of per-minute summaries into hours";
    if (damaged > 0)
        qCWarning(lcStorage) << "dropped" << damaged << "damaged days of per-minute summaries";
    return Ok {};
}

// The version 3 rows of each series, in (time, arrival) order, cut into chunks.
Status convertSamplesToChunks(SqliteConnection& connection)
{
    constexpr qsizetype RowsPerChunk = 4096;
    sqlite3* db = SqliteStatement::handle(connection.database());
    auto select = SqliteStatement::prepare(db,
        "SELECT series_id, ts, seq, execution_time, received_delay, extra FROM samples ORDER BY series_id, ts, seq");
    if (!select)
        return select.failure();
    // Version 4's own columns: ChunkTable writes the summaries of version 6, which do not exist yet here.
    auto insert = SqliteStatement::prepare(
        db, "INSERT INTO chunks (series_id, min_ts, max_ts, sample_count, data) VALUES (?, ?, ?, ?, ?)");
    if (!insert)
        return insert.failure();
    qint64 series = 0;
    qint64 converted = 0;
    QList<ChunkRow> rows;
    const auto storeRows = [&]() -> Status {
        if (rows.isEmpty())
            return Ok {};
        const auto [lowest, highest] = std::minmax_element(rows.cbegin(), rows.cend(),
            [](const ChunkRow& a, const ChunkRow& b) { return a.timestamp < b.timestamp; });
        const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Series, rows);
        insert->reset();
        insert->bind(1, series);
        insert->bind(2, lowest->timestamp);
        insert->bind(3, highest->timestamp);
        insert->bind(4, qint64(rows.size()));
        insert->bindBlob(5, blob);
        insert->step();
        converted += rows.size();
        rows.clear();
        return insert->failed() ? Status(insert->failure(QStringLiteral("cannot write a chunk"))) : Status(Ok {});
    };
    while (select->step()) {
        if (select->columnInt(0) != series || rows.size() == RowsPerChunk) {
            if (auto status = storeRows(); !status)
                return status;
        }
        series = select->columnInt(0);
        rows.append({ select->columnDouble(1), select->columnDouble(3), select->columnInt(2), select->columnInt(4),
            select->columnText(5).toByteArray() });
    }
    if (select->failed())
        return select->failure(QStringLiteral("cannot read the samples to convert"));
    if (auto status = storeRows(); !status)
        return status;
    if (converted > 0)
        qCInfo(lcStorage) << "converted" << converted << "samples into chunks";
    return Ok {};
}

template<size_t N> QList<const char*> statements(const char* const (&list)[N])
{
    return QList<const char*>(std::begin(list), std::end(list));
}

QList<const char*> stepStatements(int version)
{
    switch (version) {
    case 1:
        return statements(Version1);
    case 2:
        return statements(Version2);
    case 3:
        return statements(Version3);
    case 4:
        return statements(Version4);
    case 5:
        return statements(Version5);
    case 6:
        return statements(Version6);
    case 7:
        return statements(Version7);
    case 8:
        return statements(Version8);
    case 9:
        return statements(Version9);
    case 10:
        return statements(Version10);
    case 11:
        return statements(Version11);
    case 12:
        return statements(Version12);
    default:
        return {};
    }
}

Status runStatements(SqliteConnection& connection, const QList<const char*>& sqls)
{
    for (const char* sql : sqls) {
        if (auto status = connection.execute(QLatin1String(sql)); !status)
            return status;
    }
    return Ok {};
}

Status runStep(SqliteConnection& connection, int version)
{
    if (auto status = runStatements(connection, stepStatements(version)); !status)
        return status;
    if (version == 5)
        return convertChunksToTags(connection);
    if (version == 6)
        return summarizeChunks(connection);
    if (version == 9) {
        if (auto status = cutRollupsIntoHours(connection); !status)
            return status;
        return runStatements(connection, statements(Version9Cleanup));
    }
    if (version != 4)
        return Ok {};
    if (auto status = convertSamplesToChunks(connection); !status)
        return status;
    return runStatements(connection, statements(Version4Cleanup));
}

Status applyStep(SqliteConnection& connection, int version)
{
    auto db = connection.database();
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot start the upgrade to schema version %1").arg(version), db.lastError());
    if (auto status = runStep(connection, version); !status) {
        db.rollback();
        return status.failure().withMessage(
            QStringLiteral("upgrade to schema version %1 failed: %2").arg(version).arg(status.error()));
    }
    if (auto status = connection.execute(QStringLiteral("PRAGMA user_version = %1").arg(version)); !status) {
        db.rollback();
        return status;
    }
    if (!db.commit())
        return sqlError(QStringLiteral("cannot commit the upgrade to schema version %1").arg(version), db.lastError());
    return Ok {};
}

Result<QStringList> tableNames(SqliteConnection& connection)
{
    QSqlQuery query(connection.database());
    if (!query.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")))
        return sqlError(QStringLiteral("cannot list tables"), query.lastError());
    QStringList names;
    while (query.next())
        names.append(query.value(0).toString());
    return names;
}

Status checkForeignFile(SqliteConnection& connection)
{
    auto tables = tableNames(connection);
    if (!tables)
        return tables.failure();
    if (tables->isEmpty())
        return Ok {};
    return Error { QStringLiteral("this SQLite file belongs to another program (it has tables %1 but no "
                                  "Kodemon schema); it was left untouched, choose another file")
                       .arg(tables->join(QLatin1String(", "))) };
}

// A file from before retention existed may hold calls older than the default raw retention: nothing becomes a
// summary for a day, and the log says so now (so does /api/status).
Status announceRetention(SqliteConnection& connection)
{
    const qint64 startsAt = QDateTime::currentSecsSinceEpoch() + 86400;
    if (auto status = Retention::setStartsAt(SqliteStatement::handle(connection.database()), startsAt); !status)
        return status;
    qCWarning(lcStorage).noquote()
        << "this database was written before Kodemon kept calls for a limited time: from"
        << QDateTime::fromSecsSinceEpoch(startsAt).toString(Qt::ISODate)
        << "on, calls that arrived more than --retention-raw ago (30 days unless set) become per-minute summaries,"
           " and summaries older than --retention (a year unless set) are deleted; start Kodemon with"
           " --retention-raw 0 --retention 0 to keep everything as it is";
    return Ok {};
}

Status inTransaction(SqliteConnection& connection, const std::function<Status()>& work, const QString& what)
{
    auto db = connection.database();
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot start %1").arg(what), db.lastError());
    if (auto status = work(); !status) {
        db.rollback();
        return status;
    }
    if (!db.commit())
        return sqlError(QStringLiteral("cannot commit %1").arg(what), db.lastError());
    return Ok {};
}

// Version 11's move (see Version11), when `meta` says one is under way: batches of about RowsPerBatch hours.
Status moveRollupsApart(SqliteConnection& connection)
{
    constexpr qint64 RowsPerBatch = 100000; // ~35 MB of a year of 100M calls' summaries (2.8 GB in 8M rows)
    auto moving = connection.scalar(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'moving_rollups'"));
    if (!moving)
        return moving.failure();
    if (moving->toLongLong() == 0)
        return Ok {};
    sqlite3* db = SqliteStatement::handle(connection.database());
    auto left = connection.scalar(QStringLiteral("SELECT count(*) FROM rollups"));
    if (!left)
        return left.failure();
    if (left->toLongLong() > 0) // a new file has none to move: nothing to say
        qCInfo(lcStorage) << "moving" << left->toLongLong() << "hours of per-minute summaries apart from their totals"
                          << "(schema version 11), in batches of" << RowsPerBatch;
    QElapsedTimer timer, progress;
    timer.start();
    progress.start();
    qint64 batches = 0;
    for (bool more = true; more;) {
        const auto batch = [&]() -> Status {
            // The (series_id, hour) of the first row left after this batch; none: the batch takes every row.
            auto bound = SqliteStatement::prepare(db, "SELECT series_id, hour FROM rollups ORDER BY series_id, hour "
                                                      "LIMIT 1 OFFSET ?1");
            if (!bound)
                return bound.failure();
            bound->bind(1, RowsPerBatch);
            qint64 series = std::numeric_limits<qint64>::max(), hour = std::numeric_limits<qint64>::max();
            more = bound->step();
            if (more) {
                series = bound->columnInt(0);
                hour = bound->columnInt(1);
            } else if (bound->failed()) {
                return bound->failure(QStringLiteral("cannot read the summaries to move"));
            }
            for (const char* sql : Version11Batch) {
                auto statement = SqliteStatement::prepare(db, sql);
                if (!statement)
                    return statement.failure();
                statement->bind(1, series);
                statement->bind(2, hour);
                statement->step();
                if (statement->failed())
                    return statement->failure(QStringLiteral("cannot move summaries"));
            }
            return Ok {};
        };
        if (auto status = inTransaction(connection, batch, QStringLiteral("moving summaries")); !status)
            return status;
        // Each batch's pages leave the log before the next: it stays the size of a batch, not of the move.
        if (auto status = connection.execute(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")); !status)
            return status;
        ++batches;
        if (more && progress.hasExpired(15000)) { // a minute or more for a year of 100M calls: say it moves
            qCInfo(lcStorage) << "moved" << batches * RowsPerBatch << "of" << left->toLongLong() << "hours";
            progress.restart();
        }
    }
    const auto finish = [&]() { return runStatements(connection, statements(Version11End)); };
    if (auto status = inTransaction(connection, finish, QStringLiteral("the end of the move")); !status)
        return status;
    if (left->toLongLong() > 0)
        qCInfo(lcStorage) << "moved them in" << batches << "batches," << timer.elapsed() << "ms";
    return Ok {};
}

// Version 12's weights (see Version12), when `meta` says they are not set yet: the insert and delete triggers of the
// four tables that hold calls made again with each row's cost, and that cost added for the rows already there.
Status reweighRows(SqliteConnection& connection)
{
    auto pending = connection.scalar(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'reweigh_rows'"));
    if (!pending)
        return pending.failure();
    if (pending->toLongLong() == 0)
        return Ok {};
    struct Weighed
    {
        const char* table;
        const char* tier;
        const char* blobs; // of a row, with NEW. or OLD. in front of each column
        const char* calls; // the calls term, empty for `rollups` (its hour row counts them)
        int rowBytes;
    };
    const Weighed tables[] = {
        { "chunks", "chunks", "length(%1data) + coalesce(length(%1sketch), 0)", "%1sample_count", ChunkRowBytes },
        { "recent", "recent", "length(%1data)", "%1sample_count", ChunkRowBytes },
        { "rollup_hours", "rollups", "length(%1sketch)", "%1sample_count", HourRowBytes },
        { "rollups", "rollups", "length(%1data)", "", MinuteRowBytes },
    };
    const auto work = [&]() -> Status {
        for (const Weighed& t : tables) {
            const QString table = QLatin1String(t.table);
            for (const QString& event : { QStringLiteral("insert"), QStringLiteral("delete") }) {
                const bool insert = event == u"insert";
                const QString row = insert ? QStringLiteral("NEW.") : QStringLiteral("OLD.");
                const QString sign = insert ? QStringLiteral("+") : QStringLiteral("-");
                const QString calls = *t.calls ? QLatin1String(t.calls).arg(row) : QString();
                const QString sql
                    = QStringLiteral("CREATE TRIGGER %1_use_%2 AFTER %3 ON %1 BEGIN UPDATE tier_use SET "
                                     "bytes = bytes %4 (%5 + %6)%7 WHERE tier = '%8'; END")
                          .arg(table, event, event.toUpper(), sign, QLatin1String(t.blobs).arg(row))
                          .arg(t.rowBytes)
                          .arg(calls.isEmpty() ? QString() : QStringLiteral(", calls = calls %1 %2").arg(sign, calls),
                              QLatin1String(t.tier));
                for (const QString& statement :
                    { QStringLiteral("DROP TRIGGER IF EXISTS %1_use_%2").arg(table, event), sql }) {
                    if (auto status = connection.execute(statement); !status)
                        return status;
                }
            }
            const QString counted = QStringLiteral("UPDATE tier_use SET bytes = bytes + %1 * (SELECT count(*) FROM %2) "
                                                   "WHERE tier = '%3'")
                                        .arg(t.rowBytes)
                                        .arg(table, QLatin1String(t.tier));
            if (auto status = connection.execute(counted); !status)
                return status;
        }
        return connection.execute(QStringLiteral("DELETE FROM meta WHERE name = 'reweigh_rows'"));
    };
    return inTransaction(connection, work, QStringLiteral("weighing the rows (schema version 12)"));
}

} // namespace

Status migrateTo(SqliteConnection& connection, int version)
{
    auto stored = connection.scalar(QStringLiteral("PRAGMA user_version"));
    if (!stored)
        return stored.failure();
    const int from = stored->toInt();
    if (from > CurrentVersion)
        return Error { QStringLiteral("the database was written by a newer Kodemon (schema version %1, this "
                                      "build knows up to %2); it was left untouched: upgrade Kodemon or use "
                                      "another file")
                           .arg(from)
                           .arg(CurrentVersion) };
    if (from == 0) {
        if (auto status = checkForeignFile(connection); !status)
            return status;
        // Before the first table: a new file gives pages that retention and deletion free back to the file system,
        // a few at a time (SQLite cannot switch an existing file without rewriting it whole).
        if (auto status = connection.execute(QStringLiteral("PRAGMA auto_vacuum = INCREMENTAL")); !status)
            return status;
    }
    // An existing file's upgrade reads its tables (version 10 sums them: 50 s for a year of 100M calls): say so
    // before, not only after, so that a slow first start does not look like a hang.
    if (from >= 1 && from < version)
        qCInfo(lcStorage) << "upgrading the database from schema version" << from << "to" << version
                          << "(a large file can take minutes; nothing is received meanwhile)";
    QElapsedTimer timer;
    timer.start();
    for (int step = from + 1; step <= version; ++step) {
        if (auto status = applyStep(connection, step); !status)
            return status;
        qCInfo(lcStorage) << "database upgraded to schema version" << step << "in" << timer.restart() << "ms";
    }
    if (version >= 11) {
        if (auto status = moveRollupsApart(connection); !status)
            return status.failure().withMessage(
                QStringLiteral("upgrade to schema version 11 failed: %1").arg(status.error()));
    }
    if (version >= 12) {
        if (auto status = reweighRows(connection); !status)
            return status.failure().withMessage(
                QStringLiteral("upgrade to schema version 12 failed: %1").arg(status.error()));
    }
    if (from >= 1 && from < 6 && version >= 6)
        return announceRetention(connection);
    return Ok {};
}

Status migrate(SqliteConnection& connection)
{
    return migrateTo(connection, CurrentVersion);
}

} // namespace Schema

} // namespace Kodemon
