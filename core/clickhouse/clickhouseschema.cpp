// SPDX-License-Identifier: MIT
#include "clickhouse/clickhouseschema.h"

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <QHash>

namespace Kodemon::ClickHouseSchema {

namespace {

const char* const Columns = "(token String, key String, ts Float64, execution_time Float64, received_at Int64, "
                            "extra String, origin UInt64, seq UInt64)";

// (origin, seq) names a sample for good: the collector that received it and its number there. Retried and
// spooled batches may reach the table twice; ReplacingMergeTree keeps one row per sorting key (which holds
// origin and seq) when parts merge, and every query reads with FINAL, so a sample counts once even before.
// Months as partitions, from the timestamp clamped into DateTime's range (decorators do send 0).
const char* const Engine = "ENGINE = ReplacingMergeTree() "
                           "PARTITION BY toYYYYMM(toDateTime(toUInt32(least(greatest(ts, 0), 4294967295)))) "
                           "ORDER BY (token, key, ts, origin, seq)";

const QHash<QString, QString>& expectedColumns()
{
    static const QHash<QString, QString> columns {
        { QStringLiteral("token"), QStringLiteral("String") },
        { QStringLiteral("key"), QStringLiteral("String") },
        { QStringLiteral("ts"), QStringLiteral("Float64") },
        { QStringLiteral("execution_time"), QStringLiteral("Float64") },
        { QStringLiteral("received_at"), QStringLiteral("Int64") },
        { QStringLiteral("extra"), QStringLiteral("String") },
        { QStringLiteral("origin"), QStringLiteral("UInt64") },
        { QStringLiteral("seq"), QStringLiteral("UInt64") },
    };
    return columns;
}

Status run(ClickHouseClient& client, const QByteArray& sql)
{
    auto answer = client.query(sql);
    if (!answer)
        return answer.failure();
    return Ok {};
}

// The engine of an existing table, or empty when there is none.
Result<QString> engineOf(ClickHouseClient& client, const char* table)
{
    const QByteArray sql = "SELECT engine FROM system.tables WHERE database = "
        + ClickHouseSql::string(client.config().database) + " AND name = '" + table + "' FORMAT RowBinary";
    auto answer = client.query(sql);
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    return reader.atEnd() ? QString() : reader.readString();
}

Status checkColumns(ClickHouseClient& client, const char* table)
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
    const auto& expected = expectedColumns();
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        if (found.value(it.key()) != it.value())
            return Error { QStringLiteral("the table %1.%2 exists but is not Kodemon's (column %3 should be %4); "
                                          "it was left untouched: use another database in --store")
                               .arg(client.config().database, QLatin1String(table), it.key(), it.value()) };
    }
    return Ok {};
}

// A table that must have `engine` (or not exist yet, then it is made with `create`).
Status ensureTable(ClickHouseClient& client, const char* table, const QString& engine, const QByteArray& create)
{
    auto existing = engineOf(client, table);
    if (!existing)
        return existing.failure();
    if (existing->isEmpty()) {
        if (auto status = run(client, create); !status)
            return status;
    } else if (*existing != engine) {
        return Error { QStringLiteral("the table %1.%2 is a %3 table, expected %4 (is --clickhouse-cluster %5 for "
                                      "this database?); it was left untouched")
                           .arg(client.config().database, QLatin1String(table), *existing, engine,
                               client.config().cluster.isEmpty() ? QStringLiteral("missing")
                                                                 : QStringLiteral("wrong")) };
    }
    return checkColumns(client, table);
}

Status checkCluster(ClickHouseClient& client)
{
    const auto& cluster = client.config().cluster;
    auto answer = client.query("SELECT toUInt64(count()) FROM system.clusters WHERE cluster = "
        + ClickHouseSql::string(cluster) + " FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    if (reader.readUInt64() == 0)
        return Error { QStringLiteral("ClickHouse at %1:%2 knows no cluster \"%3\": add it to <remote_servers> in "
                                      "the server's configuration (see docs/CLICKHOUSE.md)")
                           .arg(client.config().host)
                           .arg(client.config().port)
                           .arg(cluster) };
    return Ok {};
}

} // namespace

Status ensure(ClickHouseClient& client)
{
    const auto& config = client.config();
    if (auto status = run(client, "CREATE DATABASE IF NOT EXISTS `" + config.database.toUtf8() + '`'); !status)
        return status;
    const QString merge = QStringLiteral("ReplacingMergeTree");
    if (config.cluster.isEmpty())
        return ensureTable(client, "samples", merge,
            "CREATE TABLE IF NOT EXISTS " + ClickHouseSql::table(config, "samples") + ' ' + Columns + ' ' + Engine);
    if (auto status = checkCluster(client); !status)
        return status;
    const QByteArray local = ClickHouseSql::table(config, "samples_local");
    if (auto status = ensureTable(
            client, "samples_local", merge, "CREATE TABLE IF NOT EXISTS " + local + ' ' + Columns + ' ' + Engine);
        !status)
        return status;
    // A sample's shard follows from its id alone, so a resent sample meets its first copy on the same shard,
    // where ReplacingMergeTree and FINAL see both.
    const QByteArray distributed = "CREATE TABLE IF NOT EXISTS " + ClickHouseSql::samplesTable(config) + ' ' + Columns
        + " ENGINE = Distributed(" + ClickHouseSql::string(config.cluster) + ", "
        + ClickHouseSql::string(config.database) + ", 'samples_local', sipHash64(origin, seq))";
    return ensureTable(client, "samples", QStringLiteral("Distributed"), distributed);
}

} // namespace Kodemon::ClickHouseSchema
