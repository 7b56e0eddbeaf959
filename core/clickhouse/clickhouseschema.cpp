// SPDX-License-Identifier: MIT
#include "clickhouse/clickhouseschema.h"

#include "base/logging.h"
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhouseledger.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <QHash>

#include <algorithm>

namespace Kodemon::ClickHouseSchema {

namespace {

using Columns = QList<QPair<const char*, const char*>>;

// One of Kodemon's tables: its columns and how the table keeps its rows.
struct Table
{
    const char* name;
    Columns columns;
    const char* merge; // the engine's name without "Replicated"
    const char* engineArguments; // inside the engine's parentheses on one server (Replicated ones get paths first)
    const char* layout; // PARTITION BY / ORDER BY
};

// (origin, seq) names a sample for good: the collector that received it and its number there. A resent batch
// may reach the table twice; ReplacingMergeTree keeps one row per sorting key (which holds origin and seq)
// when parts merge, and reads merge at read time (FINAL) wherever the `resent` table says copies may exist.
// Months as partitions, from the timestamp clamped into DateTime's range (decorators do send 0).
// Tokens and keys as LowCardinality(String): a query compares its key with every row of the key's granules, and
// dictionary positions compare faster than strings (measured on 1M calls of one key: counting them 20 -> 8 ms,
// their statistics 119 -> 72 ms, best of 7 on a loaded machine). Tables made before keep String, which reads
// the same.
// `failed` is 1 for a failed call (isFailedCall, judged by the writer as every store judges it), else 0, so that
// aggregates count failures without reading `extra` (the statistics of a 1M-call series read 26.8 MB with it,
// 12.0 MB without). Tables of an older Kodemon get it with UnjudgedDefault (below).
const Table Samples { "samples",
    { { "token", "LowCardinality(String)" }, { "key", "LowCardinality(String)" }, { "ts", "Float64" },
        { "execution_time", "Float64" }, { "received_at", "Int64" }, { "extra", "String" }, { "origin", "UInt64" },
        { "seq", "UInt64" }, { "failed", "UInt8" } },
    "ReplacingMergeTree", "",
    "PARTITION BY toYYYYMM(toDateTime(toUInt32(least(greatest(ts, 0), 4294967295)))) "
    "ORDER BY (token, key, ts, origin, seq)" };

// The series ledger (clickhouseledger.h): running totals per series that writers keep while they store, so that
// the key list reads a thousand rows instead of every sample. The latest version of each sorting key counts.
// In a cluster every shard holds a copy (`copy` routes it there, see clickhousecopies.h).
const Table Series { "series",
    { { "kind", "UInt8" }, { "token", "String" }, { "key", "String" }, { "ledger", "UInt64" }, { "version", "UInt64" },
        { "calls", "UInt64" }, { "failed", "UInt64" }, { "first", "Float64" }, { "last", "Float64" },
        { "total", "Float64" }, { "written", "DateTime" }, { "copy", "UInt32" } },
    "ReplacingMergeTree", "version", "ORDER BY (kind, token, key, ledger)" };

// Where copies of a sample may exist: written before any batch that may have been stored before is sent again,
// so that reads merge copies (FINAL) only in these time windows of these series.
const Table Resent { "resent",
    { { "token", "String" }, { "key", "String" }, { "first", "Float64" }, { "last", "Float64" }, { "origin", "UInt64" },
        { "seq_first", "UInt64" }, { "seq_last", "UInt64" }, { "written", "DateTime" }, { "copy", "UInt32" } },
    "MergeTree", "", "ORDER BY (key, token, first)" };

// The `failed` column added to the samples of an older Kodemon: ClickHouse computes it on read for the parts
// written before (and writes it when they merge). 18.16 cannot judge a call (its visitParam* functions take the
// first "error" at any depth), so the rows that may be failed calls are marked 2, "not judged": readers collect
// their extra fields and judge them with isFailedCall (ClickHouseReader). A call without the text "error" is
// never a failed call (isFailedCall's own first test), so 0 is exact for the others.
const QByteArray UnjudgedDefault = "if(position(extra, '\"error\"') > 0, 2, 0)";

QByteArray columnList(const Table& table)
{
    QByteArray sql = "(";
    for (const auto& [name, type] : table.columns) {
        sql += QByteArray(name) + ' ' + type;
        if (QByteArray(name) == "written")
            sql += " DEFAULT now()";
        sql += ", ";
    }
    sql.chop(2);
    return sql + ')';
}

Status run(ClickHouseClient& client, const QByteArray& sql)
{
    // ClickHouse 18.16 makes LowCardinality columns only when asked to (later releases ignore the setting).
    auto answer = client.query(sql, { { "allow_experimental_low_cardinality_type", "1" } });
    if (!answer)
        return answer.failure();
    return Ok {};
}

quint64 scalar(const QByteArray& answer)
{
    RowBinaryReader reader(answer);
    return reader.readUInt64();
}

// The engine of an existing table, or empty when there is none.
Result<QString> engineOf(ClickHouseClient& client, const QByteArray& table)
{
    const QByteArray sql = "SELECT engine FROM system.tables WHERE database = "
        + ClickHouseSql::string(client.config().database) + " AND name = '" + table + "' FORMAT RowBinary";
    auto answer = client.query(sql);
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    return reader.atEnd() ? QString() : reader.readString();
}

Status checkColumns(ClickHouseClient& client, const QByteArray& table, const Columns& expected)
{
    const QByteArray sql = "SELECT name, type FROM system.columns WHERE database = "
        + ClickHouseSql::string(client.config().database) + " AND table = '" + table + "' FORMAT RowBinary";
    auto answer = client.query(sql);
    if (!answer)
        return answer.failure();
    QHash<QString, QString> found;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        const QString name = reader.readString();
        found.insert(name, reader.readString());
    }
    for (const auto& [name, type] : expected) {
        const QString actual = found.value(QLatin1String(name));
        if (actual == QLatin1String("String") && QLatin1String(type) == QLatin1String("LowCardinality(String)"))
            continue; // made by an older Kodemon
        if (actual != QLatin1String(type))
            return Error { QStringLiteral("the table %1.%2 exists but is not Kodemon's (column %3 should be %4); "
                                          "it was left untouched: use another database in --store")
                               .arg(client.config().database, QString::fromUtf8(table), QLatin1String(name),
                                   QLatin1String(type)) };
    }
    return Ok {};
}

// A samples table of an older Kodemon (every other column as expected) gets the `failed` column, computed on
// read for its rows (UnjudgedDefault). ALTER on a replicated table reaches its other replicas through ZooKeeper;
// one that got it meanwhile answers "already exists", which is checked, not trusted.
Status addFailedColumn(ClickHouseClient& client, const QByteArray& table, const Columns& expected)
{
    const bool samples = std::any_of(expected.cbegin(), expected.cend(),
        [](const auto& column) { return QByteArray(column.first) == "failed"; });
    if (!samples)
        return Ok {};
    const QByteArray sql = "SELECT toUInt64(countIf(name = 'failed')), toUInt64(countIf(name = 'extra')) FROM "
                           "system.columns WHERE database = "
        + ClickHouseSql::string(client.config().database) + " AND table = '" + table + "' FORMAT RowBinary";
    const auto lacksFailed = [&]() -> Result<bool> {
        auto answer = client.query(sql);
        if (!answer)
            return answer.failure();
        RowBinaryReader reader(*answer);
        const quint64 failed = reader.readUInt64();
        const quint64 extra = reader.readUInt64();
        return failed == 0 && extra == 1;
    };
    auto lacking = lacksFailed();
    if (!lacking)
        return lacking.failure();
    if (!*lacking)
        return Ok {}; // has it already, or is no samples table of Kodemon's (checkColumns says so)
    const QByteArray alter = "ALTER TABLE `" + client.config().database.toUtf8() + "`.`" + table
        + "` ADD COLUMN failed UInt8 DEFAULT " + UnjudgedDefault;
    if (auto status = run(client, alter); !status) {
        auto again = lacksFailed();
        if (!again || *again)
            return Error { QStringLiteral("cannot add the column \"failed\" to %1.%2 (made by an older Kodemon): %3")
                               .arg(client.config().database, QString::fromUtf8(table), status.error()) };
    }
    qCInfo(lcStorage).noquote() << "added the column \"failed\" to"
                                << client.config().database + QLatin1Char('.') + QString::fromUtf8(table)
                                << "(made by an older Kodemon); its older calls are judged when read";
    return Ok {};
}

// A table that must have `engine` (or not exist yet, then it is made with `create`). Says whether it was made.
Result<bool> ensureTable(ClickHouseClient& client, const QByteArray& table, const QString& engine,
    const QByteArray& create, const Columns& columns)
{
    auto existing = engineOf(client, table);
    if (!existing)
        return existing.failure();
    if (existing->isEmpty()) {
        if (auto status = run(client, create); !status)
            return status.failure();
    } else if (*existing != engine) {
        const auto& config = client.config();
        const QString hint
            = engine.startsWith(QLatin1String("Replicated")) || existing->startsWith(QLatin1String("Replicated"))
            ? QStringLiteral("do the cluster's shards have the same number of replicas as when it was made?")
            : QStringLiteral("is --clickhouse-cluster %1 for this database?")
                  .arg(config.cluster.isEmpty() ? QStringLiteral("missing") : QStringLiteral("wrong"));
        return Error { QStringLiteral("the table %1.%2 is a %3 table, expected %4 (%5); it was left untouched")
                           .arg(config.database, QString::fromUtf8(table), *existing, engine, hint) };
    }
    if (!existing->isEmpty()) {
        if (auto status = addFailedColumn(client, table, columns); !status)
            return status.failure();
    }
    if (auto status = checkColumns(client, table, columns); !status)
        return status.failure();
    return existing->isEmpty();
}

// How the cluster is laid out, from system.clusters; an error when the server does not know it.
Result<quint64> replicasPerShard(ClickHouseClient& client)
{
    const auto& config = client.config();
    auto answer = client.query("SELECT toUInt64(count()), toUInt64(max(replica_num)) FROM system.clusters WHERE "
                               "cluster = "
        + ClickHouseSql::string(config.cluster) + " FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    const quint64 hosts = reader.readUInt64();
    const quint64 replicas = reader.readUInt64();
    if (hosts == 0)
        return Error { QStringLiteral("ClickHouse at %1:%2 knows no cluster \"%3\": add it to <remote_servers> in "
                                      "the server's configuration (see docs/CLICKHOUSE.md)")
                           .arg(config.host)
                           .arg(config.port)
                           .arg(config.cluster) };
    return replicas;
}

// Replicated tables need ZooKeeper and the {shard} and {replica} macros in the server's configuration.
Status checkReplication(ClickHouseClient& client)
{
    const auto& config = client.config();
    const QString where = QStringLiteral("ClickHouse at %1:%2").arg(config.host).arg(config.port);
    auto macros = client.query("SELECT toUInt64(count()) FROM system.macros WHERE macro IN ('shard', 'replica') "
                               "FORMAT RowBinary");
    if (!macros)
        return macros.failure();
    if (scalar(*macros) != 2)
        return Error { QStringLiteral("the cluster \"%1\" has shards of several replicas, but %2 has no <macros> with "
                                      "<shard> and <replica> (see README, \"Running on a cluster\")")
                           .arg(config.cluster, where) };
    if (auto zookeeper = client.query("SELECT count() FROM system.zookeeper WHERE path = '/'"); !zookeeper)
        return Error { QStringLiteral("the cluster \"%1\" has shards of several replicas, which need ZooKeeper, but "
                                      "%2 cannot use it: %3")
                           .arg(config.cluster, where, zookeeper.error()) };
    return Ok {};
}

// The engine clause of a local table; replicated tables keep their ZooKeeper state per shard, database and table.
QByteArray engineClause(const ClickHouseConfig& config, const Table& table, bool replicated)
{
    QByteArray arguments = table.engineArguments;
    QByteArray engine = table.merge;
    if (replicated) {
        const QByteArray path = "'/clickhouse/tables/kodemon/{shard}/" + config.database.toUtf8() + '/'
            + ClickHouseSql::localName(config, table.name) + "', '{replica}'";
        arguments = arguments.isEmpty() ? path : path + ", " + arguments;
        engine = "Replicated" + engine;
    }
    return "ENGINE = " + engine + '(' + arguments + ") " + table.layout;
}

Result<bool> ensureLocal(ClickHouseClient& client, const Table& table, bool replicated)
{
    const auto& config = client.config();
    const QByteArray name = ClickHouseSql::localName(config, table.name);
    const QByteArray create = "CREATE TABLE IF NOT EXISTS " + ClickHouseSql::localTable(config, table.name) + ' '
        + columnList(table) + ' ' + engineClause(config, table, replicated);
    const QString engine = QString::fromLatin1(replicated ? "Replicated" : "") + QLatin1String(table.merge);
    return ensureTable(client, name, engine, create, table.columns);
}

Status ensureDistributed(ClickHouseClient& client, const Table& table, const QByteArray& shardingKey)
{
    const auto& config = client.config();
    const QByteArray create = "CREATE TABLE IF NOT EXISTS " + ClickHouseSql::readTable(config, table.name) + ' '
        + columnList(table) + " ENGINE = Distributed(" + ClickHouseSql::string(config.cluster) + ", "
        + ClickHouseSql::string(config.database) + ", '" + ClickHouseSql::localName(config, table.name) + "', "
        + shardingKey + ')';
    auto made = ensureTable(client, table.name, QStringLiteral("Distributed"), create, table.columns);
    if (!made)
        return made.failure();
    return Ok {};
}

} // namespace

Status ensure(ClickHouseClient& client)
{
    const auto& config = client.config();
    if (auto status = run(client, "CREATE DATABASE IF NOT EXISTS `" + config.database.toUtf8() + '`'); !status)
        return status;
    bool replicated = false;
    if (!config.cluster.isEmpty()) {
        auto replicas = replicasPerShard(client);
        if (!replicas)
            return replicas.failure();
        replicated = *replicas > 1;
        if (replicated) {
            if (auto status = checkReplication(client); !status)
                return status;
        }
    }
    auto samplesMade = ensureLocal(client, Samples, replicated);
    if (!samplesMade)
        return samplesMade.failure();
    auto seriesMade = ensureLocal(client, Series, replicated);
    if (!seriesMade)
        return seriesMade.failure();
    if (auto made = ensureLocal(client, Resent, replicated); !made)
        return made.failure();
    if (!config.cluster.isEmpty()) {
        // A sample's shard follows from its key: a resent sample meets its first copy on the same shard, where
        // ReplacingMergeTree and FINAL see both, and every query about one key is answered whole by one shard,
        // which sends its answer instead of every value a percentile needs (clickhousereader.cpp). The ledger and
        // the resent windows go to every shard, one copy each, routed by their `copy` column (clickhousecopies.h).
        for (const auto& [table, shardingKey] : { std::pair { &Samples, "sipHash64(key)" },
                 std::pair { &Series, "copy" }, std::pair { &Resent, "copy" } }) {
            if (auto status = ensureDistributed(client, *table, shardingKey); !status)
                return status;
        }
    }
    // Samples stored before the ledger existed (an older Kodemon) are counted into it once. Never on replicas:
    // no older Kodemon made replicated tables, and a replica that joins would count before it has fetched the ledger.
    if (*seriesMade && !*samplesMade && !replicated)
        return ClickHouseLedger::countExisting(client);
    return Ok {};
}

} // namespace Kodemon::ClickHouseSchema
