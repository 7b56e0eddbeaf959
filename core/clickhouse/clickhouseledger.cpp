// SPDX-License-Identifier: MIT
#include "clickhouse/clickhouseledger.h"

#include "base/calltags.h"
#include "base/logging.h"
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousefold.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"
#include "store/store.h"

#include <algorithm>
#include <QDateTime>
#include <QRandomGenerator>

namespace Kodemon {

void LedgerRow::add(const LedgerRow& other)
{
    calls += other.calls;
    failed += other.failed;
    first = std::min(first, other.first);
    last = std::max(last, other.last);
    total += other.total;
}

bool callFailed(const QByteArray& extra)
{
    return isFailedCall(extra);
}

QByteArray encodeLedgerRows(const QList<LedgerRow>& rows, quint32 copy)
{
    RowBinaryWriter out;
    out.reserve(rows.size() * 96);
    for (const auto& row : rows) {
        out.addUInt8(row.kind);
        out.addString(row.token.toUtf8());
        out.addString(row.key.toUtf8());
        out.addUInt64(row.ledger);
        out.addUInt64(row.version);
        out.addUInt64(row.calls);
        out.addUInt64(row.failed);
        out.addFloat64(row.first);
        out.addFloat64(row.last);
        out.addFloat64(row.total);
        out.addUInt32(copy);
    }
    return out.data();
}

ClickHouseLedger::ClickHouseLedger(ClickHouseClient& client)
    : m_client(client)
    , m_copies(client)
{
    m_ledger = QRandomGenerator::system()->generate64() | 1; // never 0, the folded ledgers' id
    m_startedAt = QDateTime::currentMSecsSinceEpoch();
    m_started.start();
}

void ClickHouseLedger::trackFresh(quint64 origin)
{
    m_counted.insert(origin, 0);
}

Status ClickHouseLedger::track(quint64 origin)
{
    if (m_counted.contains(origin))
        return Ok {};
    // Every writer that counted samples of this origin wrote how far; the highest such mark counts.
    auto answer
        = m_client.query("SELECT toUInt64(max(version)) FROM " + ClickHouseSql::localTable(m_client.config(), "series")
            + " WHERE kind = 1 AND token = '' AND key = '' AND ledger = " + QByteArray::number(origin)
            + " FORMAT RowBinary");
    if (!answer)
        return answer.failure().withMessage(
            QStringLiteral("cannot read how far the samples of a spool were counted: %1").arg(answer.error()));
    RowBinaryReader reader(*answer);
    const quint64 counted = reader.readUInt64();
    if (reader.failed())
        return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (the series ledger)") };
    m_counted.insert(origin, counted);
    return Ok {};
}

void ClickHouseLedger::count(const SampleBatch& batch)
{
    rotateWhenOld();
    quint64& counted = m_counted[batch.origin];
    const quint64 first = batch.firstSequence;
    const quint64 end = first + quint64(batch.samples.size()); // one past the last
    if (end <= counted + 1)
        return; // stored before and counted then: this was a resend
    // A retry may carry the samples of a failed attempt and more: count from the first one not counted yet.
    const qsizetype from = counted >= first ? qsizetype(counted - first + 1) : 0;
    for (qsizetype i = from; i < batch.samples.size(); ++i) {
        const Sample& sample = batch.samples.at(i);
        const KeyId id { sample.token, sample.key };
        auto it = m_totals.find(id);
        if (it == m_totals.end()) {
            it = m_totals.insert(id, LedgerRow {});
            it->token = sample.token;
            it->key = sample.key;
            it->ledger = m_ledger;
        }
        it->calls += 1;
        it->first = std::min(it->first, sample.timestamp);
        it->last = std::max(it->last, sample.timestamp);
        it->total += sample.executionTime;
        if (!sample.extra.isEmpty() && callFailed(sample.extra))
            it->failed += 1;
        m_dirty.insert(id);
    }
    counted = end - 1;
    m_dirtyOrigins.insert(batch.origin);
}

void ClickHouseLedger::rotateWhenOld()
{
    // Only a ledger whose every total is written may be closed: otherwise those totals would be lost.
    if (hasUnwritten())
        return;
    const qint64 wall = QDateTime::currentMSecsSinceEpoch() - m_startedAt;
    if (m_started.elapsed() < LedgerLifetimeMs && wall < LedgerLifetimeMs && wall >= 0)
        return;
    m_ledger = QRandomGenerator::system()->generate64() | 1;
    m_version = 0;
    m_totals.clear();
    m_startedAt = QDateTime::currentMSecsSinceEpoch();
    m_started.start();
}

QList<LedgerRow> ClickHouseLedger::changes() const
{
    QList<LedgerRow> rows;
    rows.reserve(m_dirty.size() + m_dirtyOrigins.size());
    for (const auto& id : m_dirty) {
        LedgerRow row = m_totals.value(id);
        row.version = m_version;
        rows.append(row);
    }
    for (const quint64 origin : m_dirtyOrigins) {
        LedgerRow row;
        row.kind = LedgerRow::Counted;
        row.ledger = origin;
        row.version = m_counted.value(origin);
        row.first = row.last = 0;
        rows.append(row);
    }
    return rows;
}

Status ClickHouseLedger::write()
{
    if (!hasUnwritten())
        return Ok {};
    ++m_version;
    const QList<LedgerRow> rows = changes();
    auto written
        = m_copies.insert("series", LedgerColumns, [&rows](quint32 copy) { return encodeLedgerRows(rows, copy); });
    if (!written)
        return written.failure().withMessage(QStringLiteral("cannot write the series totals: %1").arg(written.error()));
    m_dirty.clear();
    m_dirtyOrigins.clear();
    return Ok {};
}

Status ClickHouseLedger::foldWhenDue()
{
    if (m_sinceFold.isValid() && m_sinceFold.elapsed() < FoldIntervalMs)
        return Ok {};
    m_sinceFold.start();
    return ClickHouseFold::run(m_client);
}

Status ClickHouseLedger::countExisting(ClickHouseClient& client)
{
    const auto& config = client.config();
    const QByteArray samples = ClickHouseSql::localTable(config, "samples");
    // Origins with a counted mark were counted by their writers; every other sample is from before the ledger.
    const QByteArray uncounted = " WHERE origin NOT IN (SELECT ledger FROM "
        + ClickHouseSql::localTable(config, "series") + " WHERE kind = 1)";
    // The failed calls are judged here (ClickHouse 18.16 cannot tell a top-level member from a nested one): the
    // extra fields of the calls that mention "error" come with each series' totals.
    auto answer = client.query("SELECT token, key, toUInt64(count()), min(ts), max(ts), sum(execution_time), "
                               "groupArrayIf(extra, position(extra, '\"error\":') > 0) FROM "
        + samples + " FINAL" + uncounted + " GROUP BY token, key ORDER BY key, token FORMAT RowBinary");
    if (!answer)
        return answer.failure();
    // A ledger of its own per shard (every shard counts its samples), closed from the start: folds take it.
    auto shard = client.query(config.cluster.isEmpty()
            ? QByteArray("SELECT toUInt32(0) FORMAT RowBinary")
            : "SELECT toUInt32(any(shard_num)) FROM system.clusters WHERE is_local AND cluster = "
                + ClickHouseSql::string(config.cluster) + " FORMAT RowBinary");
    if (!shard)
        return shard.failure();
    const quint64 ledger = 0x4b6f64656d6f6e00ULL + RowBinaryReader(*shard).readUInt32(); // "Kodemon" and the shard
    QList<LedgerRow> rows;
    RowBinaryReader reader(*answer);
    while (!reader.atEnd() && !reader.failed()) {
        LedgerRow row;
        row.token = reader.readString();
        row.key = reader.readString();
        row.calls = reader.readUInt64();
        row.first = reader.readFloat64();
        row.last = reader.readFloat64();
        row.total = reader.readFloat64();
        reader.readStringArray([&row](QByteArrayView extra) { row.failed += callFailed(extra.toByteArray()) ? 1 : 0; });
        row.ledger = ledger;
        row.version = 1;
        rows.append(row);
    }
    if (reader.failed())
        return Error { QStringLiteral("ClickHouse sent an answer Kodemon cannot read (counting existing samples)") };
    if (rows.isEmpty())
        return Ok {};
    qCInfo(lcStorage).noquote() << "counting" << rows.size() << "series stored by an older Kodemon into the ledger";
    ClickHouseCopies copies(client);
    // Stored before resends were recorded: copies of a sample may be anywhere in its series' time.
    auto marked
        = copies.insert("resent", "token, key, first, last, origin, seq_first, seq_last", [&rows](quint32 copy) {
              RowBinaryWriter windows;
              for (const auto& row : rows) {
                  windows.addString(row.token.toUtf8());
                  windows.addString(row.key.toUtf8());
                  windows.addFloat64(row.first);
                  windows.addFloat64(row.last);
                  windows.addUInt64(0);
                  windows.addUInt64(0);
                  windows.addUInt64(0);
                  windows.addUInt32(copy);
              }
              return windows.data();
          });
    if (!marked)
        return marked.failure();
    return copies.insert("series", LedgerColumns, [&rows](quint32 copy) { return encodeLedgerRows(rows, copy); });
}

} // namespace Kodemon
