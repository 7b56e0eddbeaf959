// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousewriter.h"

#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <QRandomGenerator>

namespace Kodemon {

QByteArray encodeRowBinary(const SampleBatch& batch)
{
    RowBinaryWriter rows;
    rows.reserve(batch.samples.size() * 96);
    quint64 sequence = batch.firstSequence;
    for (const auto& sample : batch.samples) {
        rows.addString(sample.token.toUtf8());
        rows.addString(sample.key.toUtf8());
        rows.addFloat64(sample.timestamp);
        rows.addFloat64(sample.executionTime);
        rows.addInt64(sample.receivedAt);
        rows.addString(sample.extra);
        rows.addUInt64(batch.origin);
        rows.addUInt64(sequence++);
    }
    return rows.data();
}

ClickHouseWriter::ClickHouseWriter(const ClickHouseConfig& config)
    : m_client(config)
    , m_origin(QRandomGenerator::system()->generate64() | 1)
{ }

Status ClickHouseWriter::write(const QList<Sample>& batch)
{
    const SampleBatch identified { m_origin, m_nextSequence, batch };
    m_nextSequence += quint64(batch.size());
    return writeIdentified(identified);
}

Status ClickHouseWriter::writeIdentified(const SampleBatch& batch)
{
    if (batch.samples.isEmpty())
        return Ok {};
    const QByteArray sql = "INSERT INTO " + ClickHouseSql::samplesTable(m_client.config())
        + " (token, key, ts, execution_time, received_at, extra, origin, seq) FORMAT RowBinary";
    ClickHouseClient::Parameters parameters;
    if (!m_client.config().cluster.isEmpty())
        parameters.append({ QByteArrayLiteral("insert_distributed_sync"), QByteArrayLiteral("1") });
    auto answer = m_client.insert(sql, encodeRowBinary(batch), parameters);
    if (!answer)
        return answer.failure().withMessage(
            QStringLiteral("cannot store %1 samples: %2").arg(batch.samples.size()).arg(answer.error()));
    return Ok {};
}

} // namespace Kodemon
