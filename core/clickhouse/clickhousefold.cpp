// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousefold.h"

#include "base/logging.h"
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <map>
#include <set>

namespace Kodemon::ClickHouseFold {

namespace {

using SeriesKey = std::pair<QString, QString>; // (token, key): a sorted map makes the sums' order fixed

LedgerRow tombstone(const LedgerRow& row)
{
    LedgerRow dead;
    dead.token = row.token;
    dead.key = row.key;
    dead.ledger = row.ledger;
    dead.version = LedgerRow::Tombstone; // outranks every version its writer could have written
    return dead;
}

// The ledgers (not the folded rows, not tombstones) and the time of their last write.
std::map<quint64, quint32> lastWrites(const QList<LedgerRow>& rows)
{
    std::map<quint64, quint32> last;
    for (const auto& row : rows) {
        if (row.kind != LedgerRow::Totals || row.ledger == 0 || row.version == LedgerRow::Tombstone)
            continue;
        auto& when = last[row.ledger];
        when = std::max(when, row.written);
    }
    return last;
}

Result<QList<LedgerRow>> readLedger(ClickHouseClient& client)
{
    auto answer = client.query("SELECT token, key, ledger, version, calls, failed, first, last, total, "
                               "toUInt32(written) FROM "
        + ClickHouseSql::localTable(client.config(), "series") + " FINAL WHERE kind = 0 FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    QList<LedgerRow> rows;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        LedgerRow row;
        row.token = reader.readString();
        row.key = reader.readString();
        row.ledger = reader.readUInt64();
        row.version = reader.readUInt64();
        row.calls = reader.readUInt64();
        row.failed = reader.readUInt64();
        row.first = reader.readFloat64();
        row.last = reader.readFloat64();
        row.total = reader.readFloat64();
        row.written = reader.readUInt32();
        rows.append(row);
    }
    if (reader.failed())
        return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (the series ledger)") };
    return rows;
}

// A replica that lags may miss rows of a ledger it would close: then the fold waits for a later turn.
Result<bool> caughtUp(ClickHouseClient& client)
{
    const auto& config = client.config();
    auto answer = client.query("SELECT toUInt64(count()) FROM system.replicas WHERE database = "
        + ClickHouseSql::string(config.database) + " AND table = '" + ClickHouseSql::localName(config, "series")
        + "' AND (queue_size > 0 OR is_readonly OR log_pointer <= log_max_index) FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    return reader.readUInt64() == 0;
}

Result<quint32> serverCut(ClickHouseClient& client)
{
    // The start of the server's current ten minutes, less the closing time: the same cut for every fold in them.
    auto answer = client.query("SELECT toUInt32(intDiv(toUInt32(now()), 600) * 600 - "
        + QByteArray::number(ClosedAfterSeconds) + ") FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    RowBinaryReader reader(*answer);
    const quint32 cut = reader.readUInt32();
    if (reader.failed())
        return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (the time)") };
    return cut;
}

} // namespace

QList<LedgerRow> plan(const QList<LedgerRow>& current, quint32 cut)
{
    const auto last = lastWrites(current);
    std::map<SeriesKey, LedgerRow> folded;
    quint64 version = cut;
    for (const auto& row : current) {
        if (row.kind == LedgerRow::Totals && row.ledger == 0) {
            folded[{ row.token, row.key }] = row;
            version = std::max(version, row.version + 1);
        }
    }
    // Rows in ledger order, so that every fold of the same rows adds them in the same order.
    QList<const LedgerRow*> closing;
    for (const auto& row : current) {
        const auto it = last.find(row.ledger);
        if (row.kind == LedgerRow::Totals && row.ledger != 0 && row.version != LedgerRow::Tombstone && it != last.end()
            && it->second < cut)
            closing.append(&row);
    }
    if (closing.isEmpty())
        return {};
    std::stable_sort(
        closing.begin(), closing.end(), [](const LedgerRow* a, const LedgerRow* b) { return a->ledger < b->ledger; });
    QList<LedgerRow> rows;
    std::set<SeriesKey> touched;
    for (const LedgerRow* row : std::as_const(closing)) {
        auto& target = folded[{ row->token, row->key }];
        target.token = row->token;
        target.key = row->key;
        target.add(*row);
        touched.insert({ row->token, row->key });
        rows.append(tombstone(*row));
    }
    for (const auto& id : touched) {
        LedgerRow row = folded.at(id);
        row.kind = LedgerRow::Totals;
        row.ledger = 0;
        row.version = version;
        rows.append(row);
    }
    return rows;
}

Status run(ClickHouseClient& client)
{
    const auto& config = client.config();
    if (!config.cluster.isEmpty()) {
        auto ready = caughtUp(client);
        if (!ready)
            return ready.failure();
        if (!*ready)
            return Ok {};
    }
    auto cut = serverCut(client);
    if (!cut)
        return cut.failure();
    auto current = readLedger(client);
    if (!current)
        return current.failure();
    const QList<LedgerRow> rows = plan(*current, *cut);
    if (rows.isEmpty())
        return Ok {};
    // Every server folds its own copy of the ledger (all copies hold the same rows, so they fold alike).
    const QByteArray sql = "INSERT INTO " + ClickHouseSql::localTable(config, "series") + " (" + LedgerColumns
        + ", copy) FORMAT RowBinary";
    // One block, so one part: the server would cut a bigger body into several inserts.
    auto answer = client.insert(sql, encodeLedgerRows(rows, 0),
        { { QByteArrayLiteral("max_insert_block_size"), QByteArray::number(rows.size() + 1) } });
    if (!answer)
        return answer.failure().withMessage(QStringLiteral("cannot fold the series ledger: %1").arg(answer.error()));
    qCDebug(lcStorage) << "folded" << rows.size() << "ledger rows";
    return Ok {};
}

} // namespace Kodemon::ClickHouseFold
