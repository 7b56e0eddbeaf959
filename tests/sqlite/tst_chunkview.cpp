// SPDX-License-Identifier: MIT
// The chunk codec: every value comes back bit for bit, mixed chunks keep each row's series, and a damaged blob
// (truncated, flipped, forged) gives an error instead of a crash or a read outside the blob.
#include "sqlite/chunkview.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_ChunkView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void mixedChunksKeepEachRowsSeries();
    void readersAgree();
    void wholeSecondsTakeAboutTwelveBytes();
    void tagColumnListsOnlyTaggedRows();
    void formatsBeforeTagsAreRead();
    void damagedTagColumnsAreRefused_data();
    void damagedTagColumnsAreRefused();
    void emptyChunk();
    void truncatedBlobsAreRefused();
    void corruptedBlobsNeverCrash();
    void forgedHeadersAreRefused_data();
    void forgedHeadersAreRefused();
};

namespace {

using Rows = QList<ChunkRow>;

ChunkRow row(double timestamp, double ms, qint64 sequence, qint64 delay = 0, QByteArray extra = {})
{
    return ChunkRow { timestamp, ms, sequence, delay, std::move(extra), 0 };
}

quint64 bits(double value)
{
    quint64 out = 0;
    std::memcpy(&out, &value, sizeof out);
    return out;
}

// Bit-for-bit equality: -0.0 is not 0.0 here.
bool identical(const ChunkRow& a, const ChunkRow& b)
{
    return bits(a.timestamp) == bits(b.timestamp) && bits(a.executionTime) == bits(b.executionTime)
        && a.sequence == b.sequence && a.receivedDelay == b.receivedDelay && a.extra == b.extra && a.series == b.series
        && a.tagIds == b.tagIds && a.failed == b.failed && a.extraFromTags == b.extraFromTags;
}

ChunkRow tagged(double timestamp, QList<quint32> ids, bool failed, bool extraFromTags, QByteArray extra = {})
{
    ChunkRow r = row(timestamp, 1.5, qint64(timestamp), 0, std::move(extra));
    r.tagIds = std::move(ids);
    r.failed = failed;
    r.extraFromTags = extraFromTags;
    return r;
}

void varint(QByteArray& out, quint64 value)
{
    while (value >= 0x80) {
        out += char(value | 0x80);
        value >>= 7;
    }
    out += char(value);
}

// A chunk as Kodemon wrote it before tags (format 1: no tag column): whole seconds, sequences 1, 2, ..., no
// delays, no extras.
QByteArray formatOne(const QList<std::pair<qint64, double>>& rows)
{
    QByteArray timestamps, times, sequences, delays, extras;
    qint64 previous = 0;
    for (const auto& [t, ms] : rows) {
        const qint64 difference = t - previous;
        varint(timestamps, quint64((difference << 1) ^ (difference >> 63)) << 1);
        previous = t;
        times += QByteArray(reinterpret_cast<const char*>(&ms), 8);
        varint(sequences, 2); // zigzag(+1)
        varint(delays, 0);
        varint(extras, 0);
    }
    QByteArray blob;
    varint(blob, 1);
    varint(blob, quint64(rows.size()));
    for (const auto* column : { &timestamps, &sequences, &delays, &extras })
        varint(blob, quint64(column->size()));
    return blob + timestamps + times + sequences + delays + extras;
}

Rows decode(const QByteArray& blob)
{
    auto view = ChunkView::parse(blob);
    Rows rows;
    if (!view || !view->appendAllRows(rows))
        qWarning() << "undecodable";
    return rows;
}

Rows randomRows(QRandomGenerator& random, int count, bool mixed)
{
    Rows rows;
    double t = 1795608000;
    for (int i = 0; i < count; ++i) {
        t += random.bounded(3);
        const bool fraction = random.bounded(10) == 0;
        rows.append({ fraction ? t + random.generateDouble() : t, std::exp(random.generateDouble() * 10),
            qint64(i + 1 + random.bounded(3)), qint64(random.bounded(3)),
            random.bounded(5) == 0 ? QByteArray(R"({"n":)") + QByteArray::number(i) + '}' : QByteArray(),
            mixed ? qint64(1 + random.bounded(20)) : 0 });
    }
    return rows;
}

} // namespace

void tst_ChunkView::roundTrip_data()
{
    QTest::addColumn<Rows>("rows");
    const double max = std::numeric_limits<double>::max();
    const double tiny = std::numeric_limits<double>::denorm_min();
    QTest::newRow("decorator seconds") << Rows { row(1413404125, 31.9, 1), row(1413404125, 0.0019073486328125, 2),
        row(1413404126, 10.226964950561523, 3, 1) };
    QTest::newRow("timestamp 0 override") << Rows { row(0, 2.5, 7), row(1795608118, 1, 8) };
    QTest::newRow("fractions") << Rows { row(1413404125.75, 1, 1), row(1413404125.000001, 2, 2), row(0.1, 3, 3) };
    QTest::newRow("negative and minus zero") << Rows { row(-5, 0, 1), row(-0.0, 0, 2), row(-1e300, 1, 3) };
    QTest::newRow("beyond 2^53") << Rows { row(9007199254740992.0, 1, 1), row(9007199254740994.0, 1, 2),
        row(-9007199254740992.0, 1, 3), row(max, max, 4), row(-max, tiny, 5) };
    QTest::newRow("unsorted times") << Rows { row(100, 1, 1), row(5, 1, 2), row(1e15, 1, 3), row(-1e15, 1, 4) };
    QTest::newRow("extreme sequences") << Rows { row(1, 1, std::numeric_limits<qint64>::max()),
        row(1, 1, std::numeric_limits<qint64>::min()), row(1, 1, 0), row(1, 1, -1) };
    QTest::newRow("extreme delays") << Rows { row(1, 1, 1, std::numeric_limits<qint64>::max()),
        row(1, 1, 2, std::numeric_limits<qint64>::min()), row(0, 1, 3, 1795608120) };
    QTest::newRow("extras") << Rows { row(1, 1, 1, 0, R"({"project":"demo","tags":["a","b"]})"), row(2, 2, 2),
        row(3, 3, 3, 0, QByteArray(70000, 'x')) };
    QTest::newRow("one row") << Rows { row(1795608118, 0.00095367431640625, 1) };
    QTest::newRow("tags and failures") << Rows { tagged(1, { 1, 2 }, false, true), row(2, 2, 2),
        tagged(3, {}, true, false, R"({"error":{"type":"E"}})"), tagged(4, { 300000, 1 }, true, false, R"({"a":[1]})"),
        tagged(5, { 4294967295u }, false, true), row(6, 6, 6, 0, R"({"n":null})") };
}

void tst_ChunkView::roundTrip()
{
    QFETCH(Rows, rows);
    const Rows back = decode(SampleChunk::encode(SampleChunk::Kind::Series, rows));
    QCOMPARE(back.size(), rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        QVERIFY2(identical(back.at(i), rows.at(i)), qPrintable(QString::number(i)));
}

void tst_ChunkView::mixedChunksKeepEachRowsSeries()
{
    QRandomGenerator random(7);
    const Rows rows = randomRows(random, 3000, true);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Mixed, rows);
    auto view = ChunkView::parse(blob);
    QVERIFY(view.ok());
    QCOMPARE(view->kind(), SampleChunk::Kind::Mixed);
    const Rows all = decode(blob);
    QCOMPARE(all.size(), rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        QVERIFY(identical(all.at(i), rows.at(i)));

    // Each reader that takes a series gives that series' rows only, in row order.
    for (qint64 series = 1; series <= 20; ++series) {
        Rows expected;
        for (const auto& r : rows) {
            if (r.series == series)
                expected.append(r);
        }
        Rows mine;
        QList<double> times;
        QList<TimedValue> values;
        QVERIFY(view->appendRows(series, mine) && view->appendExecutionTimes(series, times)
            && view->appendTimedValues(series, values));
        QCOMPARE(mine.size(), expected.size());
        QCOMPARE(times.size(), expected.size());
        QCOMPARE(values.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QVERIFY(identical(mine.at(i), expected.at(i)));
            QCOMPARE(times.at(i), expected.at(i).executionTime);
            QCOMPARE(values.at(i).timestamp, expected.at(i).timestamp);
        }
    }
    QList<double> none;
    QVERIFY(view->appendExecutionTimes(99, none));
    QVERIFY(none.isEmpty());

    qsizetype visited = 0;
    QVERIFY(view->visitTimedValues([&](qint64 series, const TimedValue& value) {
        QCOMPARE(series, rows.at(visited).series);
        QCOMPARE(value.timestamp, rows.at(visited).timestamp);
        QCOMPARE(value.value, rows.at(visited).executionTime);
        ++visited;
    }));
    QCOMPARE(visited, rows.size());
}

void tst_ChunkView::readersAgree()
{
    // A series chunk's rows all belong to the series asked for, whatever its id.
    QRandomGenerator random(3);
    const Rows rows = randomRows(random, 1000, false);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Series, rows); // a view does not own its bytes
    auto view = ChunkView::parse(blob);
    QVERIFY(view.ok());
    QList<double> times { 42.0 }; // readers append
    QList<TimedValue> values;
    QVERIFY(view->appendExecutionTimes(5, times));
    QVERIFY(view->appendTimedValues(5, values));
    QCOMPARE(times.size(), rows.size() + 1);
    QCOMPARE(times.first(), 42.0);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        QCOMPARE(times.at(i + 1), rows.at(i).executionTime);
        QCOMPARE(values.at(i).timestamp, rows.at(i).timestamp);
        QCOMPARE(values.at(i).value, rows.at(i).executionTime);
    }
}

void tst_ChunkView::wholeSecondsTakeAboutTwelveBytes()
{
    // The decorator's shape: whole seconds, consecutive sequences, arrival within a second, no extras.
    Rows rows;
    for (int i = 0; i < 1024; ++i)
        rows.append(row(1795608000 + i / 10, 1.0 / (i + 1), i + 1, i % 2));
    const auto size = SampleChunk::encode(SampleChunk::Kind::Series, rows).size();
    // 8 bytes of milliseconds and one byte per other column, plus the header and the first full timestamp.
    QVERIFY2(size <= 12 * 1024 + 32, qPrintable(QString::number(size)));
    QVERIFY(size >= 12 * 1024);
}

void tst_ChunkView::tagColumnListsOnlyTaggedRows()
{
    Rows rows;
    for (int i = 0; i < 1000; ++i)
        rows.append(i % 100 == 7 ? tagged(i, { quint32(i % 3 + 1) }, i % 200 == 7, true) : row(i, 1, i));
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Series, rows);
    auto view = ChunkView::parse(blob);
    QVERIFY(view.ok());
    QVERIFY(view->hasTagColumn());
    QVERIFY(!view->hasStoredExtras()); // tags rebuild the extras: no JSON stored
    TagColumn column;
    QVERIFY(view->readTagColumn(column));
    QCOMPARE(column.entries.size(), 10);
    for (qsizetype i = 0; i < column.entries.size(); ++i) {
        const auto& entry = column.entries[i];
        QCOMPARE(entry.row, i * 100 + 7);
        QCOMPARE(entry.failed, (i * 100 + 7) % 200 == 7);
        QVERIFY(entry.extraFromTags);
        QCOMPARE(entry.idCount, 1);
        QCOMPARE(column.ids[entry.firstId], quint32((i * 100 + 7) % 3 + 1));
    }
    // Ten tagged rows of a thousand cost a few bytes each, not a byte per row.
    Rows plain = rows;
    for (auto& r : plain)
        r = row(r.timestamp, r.executionTime, r.sequence);
    const auto untagged = SampleChunk::encode(SampleChunk::Kind::Series, plain).size();
    QVERIFY2(blob.size() - untagged <= 10 * 4 + 2,
        qPrintable(QStringLiteral("%1 vs %2 bytes").arg(blob.size()).arg(untagged)));
}

void tst_ChunkView::formatsBeforeTagsAreRead()
{
    const QByteArray blob = formatOne({ { 1413404125, 31.9 }, { 1413404126, 2.5 } });
    auto view = ChunkView::parse(blob);
    QVERIFY2(view.ok(), view.ok() ? "" : qPrintable(view.error()));
    QVERIFY(!view->hasTagColumn());
    QCOMPARE(view->kind(), SampleChunk::Kind::Series);
    Rows rows;
    QVERIFY(view->appendAllRows(rows));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].timestamp, 1413404125.0);
    QCOMPARE(rows[1].executionTime, 2.5);
    QCOMPARE(rows[1].sequence, 2);
    QVERIFY(!rows[0].failed && rows[0].tagIds.isEmpty());
    TagColumn column;
    QVERIFY(view->readTagColumn(column));
    QVERIFY(column.entries.isEmpty());
    // Rewritten, it becomes format 3 with the same rows.
    const Rows again = decode(SampleChunk::encode(SampleChunk::Kind::Series, rows));
    QCOMPARE(again.size(), 2);
    QVERIFY(identical(again[1], rows[1]));
}

void tst_ChunkView::damagedTagColumnsAreRefused_data()
{
    QTest::addColumn<QByteArray>("column");
    QByteArray past;
    varint(past, 5); // skips past the last of 3 rows
    varint(past, 1 << 2);
    varint(past, 1);
    QByteArray truncated;
    varint(truncated, 0);
    varint(truncated, 3 << 2); // three ids announced, one present
    varint(truncated, 1);
    QByteArray huge;
    varint(huge, 0);
    varint(huge, quint64(1) << 62);
    QTest::newRow("row past the end") << past;
    QTest::newRow("ids missing") << truncated;
    QTest::newRow("absurd id count") << huge;
}

void tst_ChunkView::damagedTagColumnsAreRefused()
{
    QFETCH(QByteArray, column);
    // Three plain rows, then the tag column replaced by a damaged one (its size in the header fixed up).
    const Rows rows { row(1, 1, 1), row(2, 2, 2), row(3, 3, 3) };
    QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Series, rows);
    QCOMPARE(blob.back(), char(0)); // ...| extras | (empty tag column), header's last size is 0
    QCOMPARE(blob.at(6), char(0));
    blob[6] = char(column.size());
    blob += column;
    auto view = ChunkView::parse(blob);
    QVERIFY(view.ok());
    TagColumn read;
    QVERIFY(!view->readTagColumn(read));
    Rows out;
    QVERIFY(!view->appendAllRows(out));
    QVERIFY(out.isEmpty());
}

void tst_ChunkView::emptyChunk()
{
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Mixed, Rows {});
    auto view = ChunkView::parse(blob);
    QVERIFY(view.ok());
    QCOMPARE(view->size(), 0);
    Rows rows;
    QVERIFY(view->appendAllRows(rows));
    QVERIFY(rows.isEmpty());
}

void tst_ChunkView::truncatedBlobsAreRefused()
{
    QRandomGenerator random(11);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Mixed, randomRows(random, 50, true));
    for (qsizetype length = 0; length < blob.size(); ++length) {
        const QByteArray cut = blob.left(length);
        QVERIFY2(!ChunkView::parse(cut).ok(), qPrintable(QString::number(length)));
    }
    QVERIFY(!ChunkView::parse(QByteArray(blob + 'x')).ok()); // trailing bytes are damage too
}

void tst_ChunkView::corruptedBlobsNeverCrash()
{
    // Flipped bytes either fail to parse, fail to decode (leaving the output as it was), or decode to some rows;
    // never more rows than the header claims, never a read outside the blob (the asan preset checks that).
    QRandomGenerator random(5);
    const QByteArray blob = SampleChunk::encode(SampleChunk::Kind::Mixed, randomRows(random, 200, true));
    int refused = 0;
    for (int round = 0; round < 5000; ++round) {
        QByteArray damaged = blob;
        for (int flips = 1 + random.bounded(3); flips > 0; --flips)
            damaged[random.bounded(int(damaged.size()))] = char(random.bounded(256));
        auto view = ChunkView::parse(damaged);
        if (!view) {
            ++refused;
            continue;
        }
        Rows rows { row(1, 1, 1) };
        QList<TimedValue> values;
        QList<double> times;
        if (!view->appendAllRows(rows))
            QCOMPARE(rows.size(), 1);
        else
            QCOMPARE(rows.size(), view->size() + 1);
        view->appendTimedValues(3, values);
        view->appendExecutionTimes(3, times);
        QVERIFY(values.size() <= view->size() && times.size() <= view->size());
    }
    QVERIFY(refused > 0);
}

void tst_ChunkView::forgedHeadersAreRefused_data()
{
    QTest::addColumn<QByteArray>("blob");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("unknown format") << QByteArray("\x03\x00\x00\x00\x00\x00", 6);
    QTest::newRow("count beyond the blob") << QByteArray("\x01\x7f\x00\x00\x00\x00", 6);
    QTest::newRow("huge count") << QByteArray("\x01\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00\x00\x00\x00", 14);
    QTest::newRow("varint over 64 bits") << QByteArray("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02\x00", 12);
    QTest::newRow("column beyond the blob") << QByteArray("\x01\x01\x09\x00\x00\x00\x00\x00", 8);
}

void tst_ChunkView::forgedHeadersAreRefused()
{
    QFETCH(QByteArray, blob);
    QVERIFY(!ChunkView::parse(blob).ok());
}

QTEST_GUILESS_MAIN(tst_ChunkView)
#include "tst_chunkview.moc"
