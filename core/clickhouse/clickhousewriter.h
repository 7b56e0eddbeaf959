// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousecopies.h"
#include "clickhouse/clickhouseledger.h"
#include "store/store.h"

#include <QHash>
#include <QPair>

namespace Kodemon {

// Inserts batches into ClickHouse as RowBinary, one INSERT per batch, then counts them into the series ledger.
// A batch that may have been stored before (sent again after an uncertain failure, or left in a spool by another
// run) is announced first in the `resent` table, so that reads merge copies there and only there. In cluster mode
// it writes through the Distributed table synchronously, so a batch counts as stored only once every shard holds
// its rows.
class ClickHouseWriter final : public StoreWriter
{
public:
    explicit ClickHouseWriter(const ClickHouseConfig& config);
    Q_DISABLE_COPY_MOVE(ClickHouseWriter)

    // Without ids from the caller the writer numbers the samples itself (tools and tests write this way).
    Status write(const QList<Sample>& batch) override;
    Status writeIdentified(const SampleBatch& batch) override;

private:
    bool mayBeStored(const SampleBatch& batch) const;
    Status markResent(const SampleBatch& batch);
    Status insertSamples(const SampleBatch& batch);

    ClickHouseClient m_client;
    ClickHouseLedger m_ledger;
    ClickHouseCopies m_copies;
    quint64 m_origin;
    quint64 m_nextSequence = 1;
    QHash<quint64, quint64> m_attempted; // origin -> the highest sequence number this writer has sent
};

// RowBinary rows of a batch, in the column order of ClickHouseWriter's INSERT (exposed for tests).
QByteArray encodeRowBinary(const SampleBatch& batch);

// The time windows that hold a series' timestamps (any order): at most MaxResentWindows, split at the widest gaps
// longer than a minute, so that one odd timestamp does not stretch a window over days (exposed for tests).
inline constexpr int MaxResentWindows = 8;
QList<QPair<double, double>> resentWindows(QList<double> timestamps);

} // namespace Kodemon
