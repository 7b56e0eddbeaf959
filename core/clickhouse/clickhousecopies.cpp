// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousecopies.h"

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

namespace Kodemon {

ClickHouseCopies::ClickHouseCopies(ClickHouseClient& client)
    : m_client(client)
{ }

Result<QList<quint32>> ClickHouseCopies::keys()
{
    if (!m_keys.isEmpty())
        return m_keys;
    const auto& config = m_client.config();
    if (config.cluster.isEmpty()) {
        m_keys = { 0 };
        return m_keys;
    }
    // Distributed sends a row to the shard whose slice of [0, total weight) holds key % total weight.
    auto answer = m_client.query("SELECT toUInt32(shard_weight) FROM system.clusters WHERE cluster = "
        + ClickHouseSql::string(config.cluster) + " AND replica_num = 1 ORDER BY shard_num FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    QList<quint32> keys;
    quint32 start = 0;
    while (!reader.atEnd() && !reader.failed()) {
        const quint32 weight = reader.readUInt32();
        if (weight > 0)
            keys.append(start);
        start += weight;
    }
    if (reader.failed() || keys.isEmpty())
        return Error { QStringLiteral("cannot read the shards of cluster \"%1\"").arg(config.cluster) };
    m_keys = keys;
    return m_keys;
}

Status ClickHouseCopies::insert(
    const char* table, const QByteArray& columns, const std::function<QByteArray(quint32)>& encode)
{
    auto copies = keys();
    if (!copies)
        return copies.failure();
    QByteArray rows;
    for (const quint32 copy : std::as_const(*copies))
        rows += encode(copy);
    const auto& config = m_client.config();
    ClickHouseClient::Parameters parameters;
    if (!config.cluster.isEmpty())
        parameters.append({ QByteArrayLiteral("insert_distributed_sync"), QByteArrayLiteral("1") });
    const QByteArray sql
        = "INSERT INTO " + ClickHouseSql::readTable(config, table) + " (" + columns + ", copy) FORMAT RowBinary";
    auto answer = m_client.insert(sql, rows, parameters);
    if (!answer)
        return answer.failure();
    return Ok {};
}

} // namespace Kodemon
