// SPDX-License-Identifier: MIT
// Folding the series ledger: which ledgers are closed and folded (data-driven), the sums and tombstones a fold
// writes, the same fold from any input order, and on a real server: the key list is the same before and after,
// and folding again changes nothing.
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousefold.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "store/query.h"

#include <algorithm>
#include <QtTest>

using namespace Kodemon;

Q_DECLARE_METATYPE(Kodemon::LedgerRow)

class tst_ClickHouseFold : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closedLedgers_data();
    void closedLedgers();
    void foldAddsAndBuriesTheLedgers();
    void sameFoldWhateverTheOrder();
    void foldKeepsTheKeyListOnAServer();
};

namespace {

constexpr quint32 Cut = 1800000000;

LedgerRow row(const QString& key, quint64 ledger, quint32 written, quint64 calls, double total, quint64 version = 3)
{
    LedgerRow r;
    r.token = QStringLiteral("t");
    r.key = key;
    r.ledger = ledger;
    r.version = version;
    r.calls = calls;
    r.first = 100.0 * double(ledger);
    r.last = 100.0 * double(ledger) + double(calls);
    r.total = total;
    r.written = written;
    return r;
}

const LedgerRow* find(const QList<LedgerRow>& rows, const QString& key, quint64 ledger)
{
    const auto it = std::find_if(
        rows.begin(), rows.end(), [&](const LedgerRow& r) { return r.key == key && r.ledger == ledger; });
    return it == rows.end() ? nullptr : &*it;
}

} // namespace

void tst_ClickHouseFold::closedLedgers_data()
{
    QTest::addColumn<QList<LedgerRow>>("current");
    QTest::addColumn<QList<quint64>>("buried"); // the ledgers the fold closes
    const QString k = QStringLiteral("k");
    QTest::newRow("nothing") << QList<LedgerRow> {} << QList<quint64> {};
    QTest::newRow("open ledger") << QList<LedgerRow> { row(k, 5, Cut, 1, 1) } << QList<quint64> {};
    QTest::newRow("closed ledger") << QList<LedgerRow> { row(k, 5, Cut - 1, 1, 1) } << QList<quint64> { 5 };
    // A ledger is open while any of its rows was written at or after the cut.
    QTest::newRow("one row recent") << QList<LedgerRow> { row(k, 5, Cut - 100, 1, 1),
        row(QStringLiteral("j"), 5, Cut + 5, 1, 1) }
                                    << QList<quint64> {};
    QTest::newRow("closed and open") << QList<LedgerRow> { row(k, 5, Cut - 100, 1, 1), row(k, 6, Cut + 5, 1, 1) }
                                     << QList<quint64> { 5 };
    LedgerRow tombstone = row(k, 5, Cut - 100, 0, 0, LedgerRow::Tombstone);
    QTest::newRow("already folded") << QList<LedgerRow> { tombstone } << QList<quint64> {};
    QTest::newRow("only the folded rows") << QList<LedgerRow> { row(k, 0, Cut - 100, 9, 9, 50) } << QList<quint64> {};
}

void tst_ClickHouseFold::closedLedgers()
{
    QFETCH(QList<LedgerRow>, current);
    QFETCH(QList<quint64>, buried);
    const auto rows = ClickHouseFold::plan(current, Cut);
    QList<quint64> tombstones;
    for (const auto& r : rows) {
        if (r.version == LedgerRow::Tombstone)
            tombstones.append(r.ledger);
    }
    QCOMPARE(tombstones, buried);
    QCOMPARE(rows.isEmpty(), buried.isEmpty());
}

void tst_ClickHouseFold::foldAddsAndBuriesTheLedgers()
{
    const QString k = QStringLiteral("k");
    const QString j = QStringLiteral("j");
    const QList<LedgerRow> current { row(k, 0, Cut - 9000, 10, 100, Cut - 600), row(k, 4, Cut - 10, 3, 30),
        row(j, 4, Cut - 50, 2, 20), row(k, 9, Cut - 5, 1, 1.5), row(k, 12, Cut + 1, 7, 7) };
    const auto rows = ClickHouseFold::plan(current, Cut);
    // Tombstones for ledgers 4 (both series) and 9, new folded rows for k and j; ledger 12 stays open.
    QCOMPARE(rows.size(), 5);
    const LedgerRow* folded = find(rows, k, 0);
    QVERIFY(folded);
    QCOMPARE(folded->calls, 14u);
    QCOMPARE(folded->total, 131.5);
    QCOMPARE(folded->first, 0.0);
    QCOMPARE(folded->last, 901.0);
    QCOMPARE(folded->version, quint64(Cut)); // newer than the folded row it replaces
    QCOMPARE(find(rows, j, 0)->calls, 2u);
    const LedgerRow* buried = find(rows, k, 4);
    QVERIFY(buried);
    QCOMPARE(buried->version, LedgerRow::Tombstone);
    QCOMPARE(buried->calls, 0u);
    // A tombstone adds nothing to the key list's sums, minima and maxima.
    QVERIFY(std::isinf(buried->first) && buried->first > 0);
    QVERIFY(std::isinf(buried->last) && buried->last < 0);
    QVERIFY(!find(rows, k, 12));
}

void tst_ClickHouseFold::sameFoldWhateverTheOrder()
{
    QList<LedgerRow> current;
    for (quint64 ledger = 1; ledger <= 30; ++ledger)
        current.append(row(QStringLiteral("k"), ledger, Cut - 1, ledger, 0.1 * double(ledger)));
    const auto expected = ClickHouseFold::plan(current, Cut);
    std::reverse(current.begin(), current.end());
    const auto reversed = ClickHouseFold::plan(current, Cut);
    QCOMPARE(find(reversed, QStringLiteral("k"), 0)->total, find(expected, QStringLiteral("k"), 0)->total);
    QCOMPARE(find(reversed, QStringLiteral("k"), 0)->calls, 465u);
}

void tst_ClickHouseFold::foldKeepsTheKeyListOnAServer()
{
    Kodemon::Test::ClickHouseServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const auto config = server.config(QStringLiteral("fold"));
    auto store = std::make_shared<ClickHouseStore>(config);
    QVERIFY(store->open().ok());
    QList<Sample> batch;
    for (int i = 0; i < 300; ++i)
        batch.append({ QStringLiteral("t"), QStringLiteral("k%1").arg(i % 3), 1795600000.0 + i, 0.5 + i, 0, {} });
    // Two writers, two ledgers; then their rows are made an hour old, as if both had closed.
    QVERIFY(store->createWriter()->write(batch.first(200)).ok());
    QVERIFY(store->createWriter()->write(batch.mid(200)).ok());
    ClickHouseClient client(config);
    QVERIFY(client
                .query("INSERT INTO fold.series SELECT kind, token, key, ledger, version, calls, failed, first, last, "
                       "total, now() - 3600, copy FROM fold.series FINAL")
                .ok());
    Query query(store->createReader());
    const auto before = query.keys();
    QVERIFY(before.ok());
    QCOMPARE(before->size(), 3);

    QVERIFY(ClickHouseFold::run(client).ok());
    auto answer
        = client.query("SELECT toUInt64(countIf(ledger = 0)), toUInt64(countIf(version = 18446744073709551615)) "
                       "FROM fold.series FINAL WHERE kind = 0 FORMAT RowBinary");
    QVERIFY(answer.ok());
    RowBinaryReader reader(*answer);
    QCOMPARE(reader.readUInt64(), 3u); // a folded row per series
    QCOMPARE(reader.readUInt64(), 6u); // two ledgers' rows buried, three series each
    const auto after = query.keys();
    QVERIFY(after.ok());
    QCOMPARE(after->size(), before->size());
    for (qsizetype i = 0; i < after->size(); ++i) {
        QCOMPARE(after->at(i).id, before->at(i).id);
        QCOMPARE(after->at(i).count, before->at(i).count);
        QCOMPARE(after->at(i).first, before->at(i).first);
        QCOMPARE(after->at(i).last, before->at(i).last);
        QCOMPARE(after->at(i).totalExecutionTime, before->at(i).totalExecutionTime);
    }
    // Nothing is left to fold; a new writer's ledger is open and counts on top.
    QVERIFY(ClickHouseFold::plan({}, Cut).isEmpty());
    QVERIFY(ClickHouseFold::run(client).ok());
    QVERIFY(store->createWriter()->write(batch.first(3)).ok());
    QCOMPARE(query.keys()->first().count, before->first().count + 1);
}

QTEST_GUILESS_MAIN(tst_ClickHouseFold)
#include "tst_clickhousefold.moc"
