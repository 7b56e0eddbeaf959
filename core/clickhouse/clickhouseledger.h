// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "clickhouse/clickhousecopies.h"

#include <limits>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>

namespace Kodemon {

class ClickHouseClient;
struct SampleBatch;

// One row of the `series` table (docs/CLICKHOUSE.md, "The series ledger").
struct LedgerRow
{
    enum Kind : quint8 { Totals = 0, Counted = 1 };
    static constexpr quint64 Tombstone = std::numeric_limits<quint64>::max(); // the version of a folded ledger's row

    quint8 kind = Totals;
    QString token;
    QString key;
    quint64 ledger = 0; // Totals: the ledger (0: the folded ledgers); Counted: the samples' origin
    quint64 version = 0; // Counted: the origin's last sequence number counted
    quint64 calls = 0;
    quint64 failed = 0;
    double first = std::numeric_limits<double>::infinity();
    double last = -std::numeric_limits<double>::infinity();
    double total = 0;
    quint32 written = 0; // server time of the write (read back only; the server sets it)

    void add(const LedgerRow& other);
};

// Counts every stored sample exactly once into per-series totals, in the writer, so that the key list reads one
// row per series and writer instead of aggregating every sample, and stays exact whatever copies of a resent
// batch the samples table holds: a sample counts when the writer first learns that it is stored, judged by its
// id against the highest sequence number counted for its origin (the samples of one origin are stored in order).
// Each write is one INSERT of the changed rows (a copy for every shard): one part per shard, all or nothing there.
class ClickHouseLedger final
{
public:
    explicit ClickHouseLedger(ClickHouseClient& client);
    Q_DISABLE_COPY_MOVE(ClickHouseLedger)

    // Learns how far `origin` is counted already (by an earlier run that stored part of a spool), once per origin.
    Status track(quint64 origin);
    // An origin this process just made up: nothing of it can be counted yet.
    void trackFresh(quint64 origin);
    bool tracks(quint64 origin) const { return m_counted.contains(origin); }

    // Adds the samples of a stored batch that are not counted yet.
    void count(const SampleBatch& batch);
    // Writes every total changed since the last write that succeeded; on failure they go with the next one.
    Status write();
    bool hasUnwritten() const { return !m_dirty.isEmpty() || !m_dirtyOrigins.isEmpty(); }

    // Folds the ledgers nobody writes any more into one row per series (at most every FoldIntervalMs).
    Status foldWhenDue();

    // Counts the samples that an older Kodemon stored before this table existed (their origins were never
    // counted), and marks their time as possibly holding copies. Run once, when the table is made.
    static Status countExisting(ClickHouseClient& client);

    // A writer starts a new ledger after this long, so that a ledger older than FoldAfterSeconds is closed for good.
    static constexpr qint64 LedgerLifetimeMs = 15 * 60 * 1000;
    static constexpr qint64 FoldIntervalMs = 10 * 60 * 1000;

private:
    void rotateWhenOld();
    QList<LedgerRow> changes() const;

    ClickHouseClient& m_client;
    ClickHouseCopies m_copies;
    quint64 m_ledger = 0;
    quint64 m_version = 0;
    qint64 m_startedAt = 0; // wall clock, ms: counts suspended time too
    QElapsedTimer m_started; // monotonic: immune to clock changes
    QElapsedTimer m_sinceFold;
    QHash<KeyId, LedgerRow> m_totals;
    QSet<KeyId> m_dirty;
    QHash<quint64, quint64> m_counted; // origin -> highest sequence number counted
    QSet<quint64> m_dirtyOrigins;
};

// Encodes ledger rows for `INSERT INTO ... (LedgerColumns, copy) FORMAT RowBinary`.
QByteArray encodeLedgerRows(const QList<LedgerRow>& rows, quint32 copy);
inline constexpr const char* LedgerColumns = "kind, token, key, ledger, version, calls, failed, first, last, total";

// Whether a call failed: its extra fields have an `error` member that is neither false nor null (CONVENTIONS.md),
// judged by isFailedCall (calltags.h) as every store and reader judges it: the key list reads the ledger's count
// of failed calls as each series' errors.
bool callFailed(const QByteArray& extra);

} // namespace Kodemon
