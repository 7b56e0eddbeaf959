// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <functional>
#include <QByteArray>
#include <QList>

namespace Kodemon {

class ClickHouseClient;

// Writes rows that every server must hold: the series ledger and the resent windows are small, and a copy on every
// shard lets each server answer the key list and find the resent windows from its own tables, without a
// Distributed query (each costs about 10 ms more than a local one on the test machine). One server: the plain
// table. A cluster: the Distributed table, with one copy of the rows per shard, routed by their `copy` column
// (the sharding key), synchronously; each shard's copy arrives as one block, so one part: all or nothing there.
class ClickHouseCopies final
{
public:
    explicit ClickHouseCopies(ClickHouseClient& client);

    // The value of `copy` that the Distributed table sends to each shard (from the shards' weights); {0} for one
    // server. Read once.
    Result<QList<quint32>> keys();
    // Inserts `encode(copy)` (RowBinary rows whose last column is `copy`) into `table` for every copy key.
    Status insert(const char* table, const QByteArray& columns, const std::function<QByteArray(quint32)>& encode);

private:
    ClickHouseClient& m_client;
    QList<quint32> m_keys;
};

} // namespace Kodemon
