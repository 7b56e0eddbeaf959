// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "clickhouse/clickhouseledger.h"

#include <QList>

namespace Kodemon {

class ClickHouseClient;

// Keeps the series ledger small: every writer starts a new ledger every quarter of an hour, so a ledger that
// nobody wrote for half an hour is closed for good, and its totals can be added to the series' folded row
// (ledger 0). One INSERT (one part, all or nothing) writes the new folded rows and a tombstone over every folded
// ledger's row: readers see either the ledgers or the fold, never both or neither. Folds are deterministic
// (the same rows and cut give the same INSERT), so writers that fold at once write the same rows.
namespace ClickHouseFold {

// Ledgers last written more than this long before a fold are folded.
inline constexpr qint64 ClosedAfterSeconds = 30 * 60;

// The rows that fold every ledger whose last write (the newest `written` of its rows) is before `cut` into the
// folded rows; `current` is the table read with FINAL (the newest version of every row). Empty: nothing to fold.
QList<LedgerRow> plan(const QList<LedgerRow>& current, quint32 cut);

// Reads this server's ledger and folds it. Skipped (Ok) while this replica has not caught up with its shard:
// a fold must see every row of the ledgers it closes.
Status run(ClickHouseClient& client);

} // namespace ClickHouseFold

} // namespace Kodemon
