// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "store/store.h"

namespace Kodemon {

// Inserts batches into ClickHouse as RowBinary, one INSERT per batch. In cluster mode it writes through the
// Distributed table synchronously, so a batch counts as stored only once every shard holds its rows.
class ClickHouseWriter final : public StoreWriter
{
public:
    explicit ClickHouseWriter(const ClickHouseConfig& config);
    Q_DISABLE_COPY_MOVE(ClickHouseWriter)

    // Without ids from the caller the writer numbers the samples itself (tools and tests write this way).
    Status write(const QList<Sample>& batch) override;
    Status writeIdentified(const SampleBatch& batch) override;

private:
    ClickHouseClient m_client;
    quint64 m_origin;
    quint64 m_nextSequence = 1;
};

// RowBinary rows of a batch, in the column order of ClickHouseWriter's INSERT (exposed for tests).
QByteArray encodeRowBinary(const SampleBatch& batch);

} // namespace Kodemon
