// SPDX-License-Identifier: MIT
// The ClickHouse reader's dedup: the FROM clause for no windows, some windows and too many (data-driven), and on a
// real server that reads merge copies only inside the resent windows: a copy outside them is read twice (the
// proof that no FINAL is paid there), the same copy inside one is read once by every query.
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousereader.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "store/query.h"

#include <QtTest>

using namespace Kodemon;

class tst_ClickHouseReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void samplesFrom_data();
    void samplesFrom();
    void copiesMergeOnlyInsideWindows();
    void readsStringArrays();
};

void tst_ClickHouseReader::samplesFrom_data()
{
    QTest::addColumn<ClickHouseWindows::Windows>("windows");
    QTest::addColumn<bool>("unites");
    QTest::addColumn<bool>("final");
    QTest::addColumn<int>("windowCount");
    QTest::newRow("none: the table as stored") << ClickHouseWindows::Windows {} << false << false << 0;
    QTest::newRow("one") << ClickHouseWindows::Windows { { 1, 2 } } << true << true << 1;
    QTest::newRow("overlapping ones become one")
        << ClickHouseWindows::Windows { { 5, 9 }, { 1, 6 }, { 9, 12 } } << true << true << 1;
    QTest::newRow("apart") << ClickHouseWindows::Windows { { 5, 9 }, { 1, 2 } } << true << true << 2;
    ClickHouseWindows::Windows many;
    for (int i = 0; i < 65; ++i)
        many.append({ i * 10.0, i * 10.0 + 1 });
    QTest::newRow("too many: all merged") << many << false << true << 0;
}

void tst_ClickHouseReader::samplesFrom()
{
    QFETCH(ClickHouseWindows::Windows, windows);
    QFETCH(bool, unites);
    QFETCH(bool, final);
    QFETCH(int, windowCount);
    const QByteArray sql = clickHouseSamplesFrom("db.samples", "ts, execution_time", "key = 'k'", windows);
    QCOMPARE(sql.contains("UNION ALL"), unites);
    QCOMPARE(sql.contains("FINAL"), final);
    // Each window appears twice: excluded from the plain read, included in the merged one.
    QCOMPARE(int(sql.count("(ts >= ")), 2 * windowCount);
}

void tst_ClickHouseReader::copiesMergeOnlyInsideWindows()
{
    Kodemon::Test::ClickHouseServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const auto config = server.config(QStringLiteral("windows"));
    ClickHouseStore store(config);
    QVERIFY(store.open().ok());
    QList<Sample> samples;
    for (int i = 0; i < 100; ++i)
        samples.append({ QStringLiteral("t"), QStringLiteral("k"), 1795600000.0 + i, 1.0 + i, 0, {} });
    QVERIFY(store.createWriter()->write(samples).ok());
    // A copy of the sample at +50 s that no writer announced (which a writer never does): it is read twice.
    ClickHouseClient client(config);
    QVERIFY(client.query("INSERT INTO windows.samples SELECT * FROM windows.samples WHERE ts = 1795600050").ok());
    Query query(store.createReader());
    const SeriesSelector all { QStringLiteral("k"), std::nullopt, {} };
    QCOMPARE(query.stats(all)->count, 101);
    // Announced, as a writer does before it sends a batch again: every query sees it once.
    QVERIFY(client
                .query("INSERT INTO windows.resent (token, key, first, last, origin, seq_first, seq_last, copy) "
                       "VALUES ('t', 'k', 1795600040, 1795600060, 0, 0, 0, 0)")
                .ok());
    QCOMPARE(query.stats(all)->count, 100);
    QCOMPARE(query.stats(all)->p50, 50.0);
    QCOMPARE(query.executions(all)->samples.size(), 100);
    QCOMPARE(query.values(all)->size(), 100);
    qint64 counted = 0;
    const auto series = query.buckets(all, 7);
    QVERIFY(series.ok());
    for (const auto& bucket : series->buckets)
        counted += bucket.count;
    QCOMPARE(counted, 100);
    QCOMPARE(query.summaries({})->first().count, 100);
    // Pages cut across the window boundary, in order, each sample once.
    QList<double> paged;
    QString cursor;
    do {
        const auto page = query.executions(all, cursor, 7);
        QVERIFY(page.ok());
        for (const auto& sample : page->samples)
            paged.append(sample.timestamp);
        cursor = page->next.value_or(QString());
    } while (!cursor.isEmpty());
    QCOMPARE(paged.size(), 100);
    QVERIFY(std::is_sorted(paged.begin(), paged.end()));
}

// An aggregate's failed-call candidates come as Array(String): every element in order, then the next column; a
// count or length beyond the answer marks the reader failed instead of reading past it.
void tst_ClickHouseReader::readsStringArrays()
{
    RowBinaryWriter out;
    out.addUInt8(3); // the array's length, a one-byte LEB128
    for (const QByteArray& element : { QByteArray(R"({"error":"E"})"), QByteArray(), QByteArray("x") })
        out.addString(element);
    out.addUInt64(7);
    QList<QByteArray> elements;
    RowBinaryReader reader(out.data());
    reader.readStringArray([&elements](QByteArrayView element) { elements.append(element.toByteArray()); });
    QCOMPARE(elements, (QList<QByteArray> { R"({"error":"E"})", "", "x" }));
    QCOMPARE(reader.readUInt64(), quint64(7));
    QVERIFY(reader.atEnd() && !reader.failed());

    for (const qsizetype cut : { 1, 5, 16 }) {
        const QByteArray truncated = out.data().left(cut);
        RowBinaryReader shortReader(truncated);
        int visited = 0;
        shortReader.readStringArray([&visited](QByteArrayView) { ++visited; });
        QVERIFY2(shortReader.failed(), qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QVERIFY(visited < 3);
    }
    RowBinaryWriter huge;
    huge.addUInt8(0x7f); // 127 elements in a 1-byte answer
    RowBinaryReader hugeReader(huge.data());
    hugeReader.readStringArray([](QByteArrayView) { QFAIL("no element to read"); });
    QVERIFY(hugeReader.failed());
}

QTEST_GUILESS_MAIN(tst_ClickHouseReader)
#include "tst_clickhousereader.moc"
