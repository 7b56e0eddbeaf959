// SPDX-License-Identifier: MIT
// Paging over rows that come in any order: every page equals the brute-force answer (sort everything, cut after
// the cursor), paging to the end returns every row exactly once, and cursors survive their text form.
#include "sqlite/pagecandidates.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_PageCandidates : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pagesEqualTheSortedRows_data();
    void pagesEqualTheSortedRows();
    void excludesOnlyWhatCannotBeOnThePage();
    void cursorRoundTrip_data();
    void cursorRoundTrip();
    void foreignCursorsAreInvalid_data();
    void foreignCursorsAreInvalid();
};

namespace {

struct Row
{
    qint64 series;
    ChunkRow row;
};

PagePosition positionOf(const Row& r)
{
    return { r.row.timestamp, r.series, r.row.sequence };
}

QList<Row> randomRows(int count, int distinctTimes, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Row> rows;
    QHash<qint64, qint64> sequences;
    for (int i = 0; i < count; ++i) {
        const qint64 series = 1 + random.bounded(3);
        rows.append({ series,
            ChunkRow { double(random.bounded(distinctTimes)), double(i), ++sequences[series], 0, QByteArray::number(i),
                series } });
    }
    return rows;
}

// One page the way the reader makes it: rows offered in the given order, a chunk of `chunkRows` at a time, with
// the early stop the reader applies to chunks that start after the page's end.
SamplePage pageOf(const QList<Row>& rows, int limit, const QString& cursor, int chunkRows)
{
    auto after = decodeCursor(cursor);
    PageCandidates candidates(limit, *after);
    for (qsizetype start = 0; start < rows.size(); start += chunkRows) {
        const auto chunk = rows.mid(start, chunkRows);
        double first = chunk.first().row.timestamp;
        for (const auto& r : chunk)
            first = std::min(first, r.row.timestamp);
        if (candidates.excludesFrom(first))
            continue; // (the reader stops, since its chunks come by start time; here they need not)
        for (auto r : chunk)
            candidates.add(r.series, std::move(r.row));
    }
    return candidates.page([](qint64 series) { return QStringLiteral("token-%1").arg(series); });
}

} // namespace

void tst_PageCandidates::pagesEqualTheSortedRows_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("distinctTimes");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("chunkRows");
    QTest::newRow("many ties, small pages") << 2000 << 10 << 7 << 100;
    QTest::newRow("few ties, one row per page") << 300 << 100000 << 1 << 30;
    QTest::newRow("page larger than the rows") << 500 << 50 << 10000 << 64;
    QTest::newRow("page of exactly the rows") << 500 << 50 << 500 << 500;
    QTest::newRow("one chunk") << 5000 << 1000 << 999 << 5000;
    QTest::newRow("every row its own chunk") << 400 << 20 << 33 << 1;
}

void tst_PageCandidates::pagesEqualTheSortedRows()
{
    QFETCH(int, count);
    QFETCH(int, distinctTimes);
    QFETCH(int, limit);
    QFETCH(int, chunkRows);
    const QList<Row> rows = randomRows(count, distinctTimes, quint32(count + limit));
    QList<Row> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), [](const Row& a, const Row& b) { return positionOf(a) < positionOf(b); });

    QString cursor;
    qsizetype seen = 0;
    int pages = 0;
    do {
        const SamplePage page = pageOf(rows, limit, cursor, chunkRows);
        QVERIFY(page.samples.size() <= limit);
        for (const auto& sample : page.samples) {
            const Row& expected = sorted.at(seen++);
            QCOMPARE(sample.timestamp, expected.row.timestamp);
            QCOMPARE(sample.sequence, expected.row.sequence);
            QCOMPARE(sample.executionTime, expected.row.executionTime);
            QCOMPARE(sample.extra, expected.row.extra);
            QCOMPARE(sample.token, QStringLiteral("token-%1").arg(expected.series));
        }
        QCOMPARE(page.next.has_value(), seen < sorted.size()); // a next page exactly when rows remain
        cursor = page.next.value_or(QString());
        QVERIFY(++pages <= count + 1);
    } while (!cursor.isEmpty());
    QCOMPARE(seen, sorted.size());
}

void tst_PageCandidates::excludesOnlyWhatCannotBeOnThePage()
{
    PageCandidates candidates(2, std::nullopt);
    QVERIFY(!candidates.excludesFrom(1e300)); // nothing seen: anything may come
    candidates.add(1, ChunkRow { 10, 1, 1, 0, {}, 1 });
    candidates.add(1, ChunkRow { 20, 1, 2, 0, {}, 1 });
    QVERIFY(!candidates.excludesFrom(30)); // two rows for a page of two: the third decides whether a next exists
    candidates.add(1, ChunkRow { 30, 1, 3, 0, {}, 1 });
    QVERIFY(!candidates.excludesFrom(30)); // a tie at 30 from another series could still come before it
    QVERIFY(candidates.excludesFrom(30.5));
    candidates.add(2, ChunkRow { 15, 1, 1, 0, {}, 2 }); // now 10, 15, 20 are the three earliest
    candidates.add(2, ChunkRow { 31, 1, 2, 0, {}, 2 }); // beyond the bound: ignored
    const auto page = candidates.page([](qint64) { return QString(); });
    QCOMPARE(page.samples.size(), 2);
    QCOMPARE(page.samples.at(0).timestamp, 10.0);
    QCOMPARE(page.samples.at(1).timestamp, 15.0);
    QVERIFY(page.next.has_value());
    auto next = PageCandidates(2, *decodeCursor(*page.next));
    next.add(1, ChunkRow { 15, 1, 9, 0, {}, 1 }); // (15, series 1) sorts before (15, series 2): already passed
    next.add(1, ChunkRow { 20, 1, 2, 0, {}, 1 });
    QCOMPARE(next.page([](qint64) { return QString(); }).samples.size(), 1);
}

void tst_PageCandidates::cursorRoundTrip_data()
{
    QTest::addColumn<double>("timestamp");
    QTest::addColumn<qint64>("series");
    QTest::addColumn<qint64>("sequence");
    QTest::newRow("decorator") << 1413404125.0 << qint64(3) << qint64(17);
    QTest::newRow("fraction") << 1413404125.123456789 << qint64(1) << qint64(1);
    QTest::newRow("zero") << 0.0 << qint64(1) << qint64(1);
    QTest::newRow("negative") << -1e300 << qint64(9) << qint64(1);
    QTest::newRow("large numbers") << 1.7976931348623157e308 << std::numeric_limits<qint64>::max()
                                   << std::numeric_limits<qint64>::max();
}

void tst_PageCandidates::cursorRoundTrip()
{
    QFETCH(double, timestamp);
    QFETCH(qint64, series);
    QFETCH(qint64, sequence);
    const QString cursor = encodeCursor({ timestamp, series, sequence });
    QVERIFY(!cursor.contains(QLatin1Char('/')) && !cursor.contains(QLatin1Char('+'))); // safe in a URL
    const auto decoded = decodeCursor(cursor);
    QVERIFY(decoded.ok() && decoded->has_value());
    QCOMPARE((*decoded)->timestamp, timestamp);
    QCOMPARE((*decoded)->seriesId, series);
    QCOMPARE((*decoded)->sequence, sequence);
}

void tst_PageCandidates::foreignCursorsAreInvalid_data()
{
    QTest::addColumn<QString>("cursor");
    QTest::newRow("not base64") << "***";
    QTest::newRow("two parts") << QString::fromLatin1(QByteArray("1|2").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("not numbers") << QString::fromLatin1(QByteArray("a|b|c").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("sql") << "' OR 1=1 --";
}

void tst_PageCandidates::foreignCursorsAreInvalid()
{
    QFETCH(QString, cursor);
    const auto decoded = decodeCursor(cursor);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.errorKind(), ErrorKind::Invalid);
}

QTEST_GUILESS_MAIN(tst_PageCandidates)
#include "tst_pagecandidates.moc"
