// SPDX-License-Identifier: MIT
// The SQLite writer on real files: every call is stored exactly once whatever the batches and their order,
// recent calls are compacted into series chunks, small chunks are merged into few, a later writer merges what an
// earlier one left, a failed transaction leaves nothing behind, and a damaged chunk never stops the writer.
#include "sqlite/chunktable.h"
#include "sqlite/chunkview.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"
#include "sqlite/tagdictionary.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SqliteWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void everyCallIsStoredOnce_data();
    void everyCallIsStoredOnce();
    void recentCallsAreCompactedAtTheThreshold();
    void smallChunksAreMergedIntoFewChunks();
    void seriesInStepDoNotAllMergeAtOnce();
    void aLaterWriterMergesWhatAnEarlierOneLeftOpen();
    void aFailedBatchLeavesNothingBehind();
    void damagedChunksAreLeftAlone();
    void groupingInPlaceKeepsArrivalOrder();
    void aCompactionOfRecentAndNewCallsKeepsEveryCall();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("writer.sqlite")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteStore> m_store;
};

namespace {

using Policy = ChunkPolicy::Compaction;

// What the file holds, decoded: every row of every chunk with its series, and how many blobs hold them.
struct FileContents
{
    QList<ChunkRow> rows;
    int seriesChunks = 0;
    int recentChunks = 0;
    int damaged = 0;
};

FileContents contents(const QString& path)
{
    FileContents out;
    auto connection = SqliteConnection::open(path);
    if (!connection)
        return out;
    auto select = SqliteStatement::prepare(SqliteStatement::handle((*connection)->database()),
        "SELECT series_id, data, 0 FROM chunks UNION ALL SELECT 0, data, 1 FROM recent");
    while (select && select->step()) {
        const bool recent = select->columnInt(2) == 1;
        ++(recent ? out.recentChunks : out.seriesChunks);
        auto view = ChunkView::parse(select->columnBlob(1));
        const qsizetype before = out.rows.size();
        if (!view || !view->appendAllRows(out.rows)) {
            ++out.damaged;
            continue;
        }
        for (qsizetype i = before; i < out.rows.size(); ++i) {
            auto& row = out.rows[i];
            row.series = recent ? row.series : select->columnInt(0);
            // Extra fields that are only tags are kept as the tags' ids: rebuilt as a reader does.
            if (row.extraFromTags)
                row.extra = SeriesTags::load(SqliteStatement::handle((*connection)->database()), row.series)->json(row.tagIds);
        }
    }
    return out;
}

// A row as the comparisons see it: series, time, milliseconds, sequence, extra.
using Call = std::tuple<qint64, double, double, qint64, QByteArray>;

QList<Call> calls(const QList<ChunkRow>& rows)
{
    QList<Call> out;
    for (const auto& row : rows)
        out.append({ row.series, row.timestamp, row.executionTime, row.sequence, row.extra });
    std::sort(out.begin(), out.end());
    return out;
}

qint64 seriesId(const QString& path, const QString& key, const QString& token)
{
    auto connection = SqliteConnection::open(path);
    QSqlQuery query((*connection)->database());
    query.prepare(QStringLiteral("SELECT id FROM series WHERE key = ? AND token = ?"));
    query.addBindValue(key);
    query.addBindValue(sqlText(token)); // the empty token is '', never NULL
    return query.exec() && query.next() ? query.value(0).toLongLong() : -1;
}

Sample call(const QString& key, double timestamp, double ms, const QString& token = QStringLiteral("t"))
{
    return Sample { token, key, timestamp, ms, qint64(timestamp) + 1, {} };
}

} // namespace

void tst_SqliteWriter::init()
{
    m_store.reset(); // before its folder goes: it holds a lock file there
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<SqliteStore>(path());
    QVERIFY(m_store->open().ok());
}

void tst_SqliteWriter::everyCallIsStoredOnce_data()
{
    QTest::addColumn<qsizetype>("compactAt");
    QTest::newRow("every batch compacted") << qsizetype(1);
    QTest::newRow("compacted now and then") << qsizetype(500);
    QTest::newRow("compacted rarely") << qsizetype(20000);
    QTest::newRow("never compacted") << std::numeric_limits<qsizetype>::max();
}

void tst_SqliteWriter::everyCallIsStoredOnce()
{
    QFETCH(qsizetype, compactAt);
    SqliteWriter writer(path(), {}, Policy { compactAt, std::numeric_limits<qint64>::max() });
    QRandomGenerator random(42);
    QHash<std::pair<QString, QString>, QList<Sample>> sent;
    int total = 0;
    while (total < 30000) {
        QList<Sample> batch;
        for (int n = int(random.bounded(400)); n >= 0; --n) {
            const QString key = QStringLiteral("/srv/app/m.py-f%1").arg(random.bounded(20));
            const QString token = random.bounded(4) == 0 ? QString() : QStringLiteral("shop");
            // Mostly rising seconds, some from the past, some fractional, some overrides to 0.
            double t = 1795608000 + total / 100 - (random.bounded(10) == 0 ? random.bounded(5000) : 0);
            if (random.bounded(20) == 0)
                t += random.generateDouble();
            if (random.bounded(200) == 0)
                t = 0;
            Sample sample = call(key, t, random.generateDouble() * 100, token);
            if (random.bounded(10) == 0)
                sample.extra = QByteArray(R"({"n":)") + QByteArray::number(total) + '}';
            batch.append(sample);
            sent[{ token, key }].append(sample);
            ++total;
        }
        QVERIFY(writer.write(batch).ok());
    }

    QList<Call> expected;
    for (auto it = sent.cbegin(); it != sent.cend(); ++it) {
        const qint64 id = seriesId(path(), it.key().second, it.key().first);
        qint64 sequence = 0;
        for (const auto& sample : it.value()) // sequences follow arrival within a series
            expected.append({ id, sample.timestamp, sample.executionTime, ++sequence, sample.extra });
    }
    std::sort(expected.begin(), expected.end());
    const FileContents file = contents(path());
    QCOMPARE(file.damaged, 0);
    QCOMPARE(file.rows.size(), qsizetype(total));
    QVERIFY(calls(file.rows) == expected);
    if (compactAt == 1)
        QCOMPARE(file.recentChunks, 0);
    if (compactAt == std::numeric_limits<qsizetype>::max())
        QCOMPARE(file.seriesChunks, 0);

    // The series' totals agree with what they hold.
    const auto series = m_store->createReader()->listSeries(std::nullopt);
    QVERIFY(series.ok());
    QCOMPARE(series->size(), sent.size());
    for (const auto& info : *series) {
        const auto& mine = sent.value({ info.id.token, info.id.key });
        QCOMPARE(info.count, mine.size());
        double sum = 0, first = mine.first().timestamp, last = first;
        for (const auto& sample : mine) {
            sum += sample.executionTime;
            first = std::min(first, sample.timestamp);
            last = std::max(last, sample.timestamp);
        }
        QCOMPARE(info.first, first);
        QCOMPARE(info.last, last);
        QVERIFY(qAbs(info.totalExecutionTime - sum) < 1e-6 * sum);
    }
}

void tst_SqliteWriter::recentCallsAreCompactedAtTheThreshold()
{
    SqliteWriter writer(path(), {}, Policy { 100, std::numeric_limits<qint64>::max() });
    auto batch = [](int start) {
        QList<Sample> out;
        for (int i = start; i < start + 30; ++i)
            out.append(call(QStringLiteral("k%1").arg(i % 10), 1000 + i, i));
        return out;
    };
    for (int b = 0; b < 3; ++b)
        QVERIFY(writer.write(batch(b * 30)).ok());
    FileContents file = contents(path());
    QCOMPARE(file.recentChunks, 3); // one mixed chunk per batch, whatever the number of series
    QCOMPARE(file.seriesChunks, 0);
    QVERIFY(writer.write(batch(90)).ok()); // 120 >= 100: compacted, this batch included
    file = contents(path());
    QCOMPARE(file.recentChunks, 0);
    QCOMPARE(file.seriesChunks, 10); // one per series
    QCOMPARE(file.rows.size(), 120);
}

void tst_SqliteWriter::smallChunksAreMergedIntoFewChunks()
{
    // Every batch compacted at once, one call each: the worst case for the number of chunks.
    SqliteWriter writer(path(), {}, Policy { 1, 0 });
    constexpr int Calls = 3000;
    for (int i = 0; i < Calls; ++i)
        QVERIFY(writer.write({ call(QStringLiteral("k"), 1795608000 + i, i) }).ok());
    const FileContents file = contents(path());
    QCOMPARE(file.rows.size(), Calls);
    // Full chunks plus at most FanIn - 1 open ones per size class.
    const int bound = Calls / int(ChunkPolicy::ChunkFull)
        + (ChunkPolicy::FanIn - 1) * (ChunkPolicy::sizeClass(ChunkPolicy::ChunkFull - 1) + 1);
    QVERIFY2(file.seriesChunks <= bound, qPrintable(QString::number(file.seriesChunks)));
    QVERIFY(file.seriesChunks >= Calls / int(ChunkPolicy::ChunkFull)); // nothing beyond a chunk's size
}

void tst_SqliteWriter::seriesInStepDoNotAllMergeAtOnce()
{
    // 300 series growing in step, 100 calls each per compaction: without a budget, all of them would merge their
    // size classes in the same compactions (300 x 8 x 800 rows at once).
    constexpr int Series = 300;
    constexpr int PerCompaction = 100;
    SqliteWriter writer(path(), {}, Policy { Series * PerCompaction, std::numeric_limits<qint64>::max() });
    qsizetype largest = 0;
    qsizetype total = 0;
    for (int round = 0; round < 80; ++round) {
        QList<Sample> batch;
        for (int i = 0; i < PerCompaction; ++i) {
            for (int s = 0; s < Series; ++s)
                batch.append(call(QStringLiteral("k%1").arg(s), 1795608000 + round * PerCompaction + i, i));
        }
        QVERIFY(writer.write(batch).ok());
        QCOMPARE(writer.lastCompaction().calls, qsizetype(Series * PerCompaction));
        largest = std::max(largest, writer.lastCompaction().merged);
        total += writer.lastCompaction().merged;
    }
    QVERIFY2(largest <= 3 * Series * PerCompaction, qPrintable(QString::number(largest)));
    QVERIFY(total >= Series * PerCompaction * 80); // merging still happens: about twice per call
    const FileContents file = contents(path());
    QCOMPARE(file.rows.size(), qsizetype(Series * PerCompaction * 80));
    // And no series' small chunks pile up: at most MaxWaitingFanIns x FanIn per size class.
    QVERIFY2(file.seriesChunks <= Series * (80 * PerCompaction / int(ChunkPolicy::ChunkFull) + 4 * 8 * 4),
        qPrintable(QString::number(file.seriesChunks)));
}

void tst_SqliteWriter::aLaterWriterMergesWhatAnEarlierOneLeftOpen()
{
    const Policy everyBatch { 1, 0 };
    {
        SqliteWriter first(path(), {}, everyBatch);
        for (int i = 0; i < ChunkPolicy::FanIn - 1; ++i)
            QVERIFY(first.write({ call(QStringLiteral("k"), 100 + i, i) }).ok());
    }
    QCOMPARE(contents(path()).seriesChunks, ChunkPolicy::FanIn - 1);
    SqliteWriter second(path(), {}, everyBatch);
    QVERIFY(second.write({ call(QStringLiteral("k"), 200, 1) }).ok());
    const FileContents file = contents(path());
    QCOMPARE(file.seriesChunks, 1); // FanIn small chunks became one
    QCOMPARE(file.rows.size(), ChunkPolicy::FanIn);
    QCOMPARE(file.rows.last().sequence, qint64(ChunkPolicy::FanIn)); // sequences continued across writers
}

void tst_SqliteWriter::aFailedBatchLeavesNothingBehind()
{
    auto limit = std::make_shared<std::atomic<qint64>>(0);
    SqliteWriter writer(path(), limit, Policy { 1000, std::numeric_limits<qint64>::max() });
    QList<Sample> small;
    for (int i = 0; i < 1500; ++i)
        small.append(call(QStringLiteral("k%1").arg(i % 3), 100 + i, i));
    QVERIFY(writer.write(small).ok()); // compacted: series chunks
    QList<Sample> big;
    for (int i = 0; i < 20000; ++i) {
        big.append(call(QStringLiteral("k%1").arg(i % 3), 5000 + i, i));
        big.last().extra = QByteArray(300, 'x').prepend("{\"p\":\"").append("\"}");
    }
    limit->store(QFileInfo(path()).size() + 64 * 1024);
    const auto failed = writer.write(big);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().contains(QLatin1String("full")), qPrintable(failed.error()));
    QCOMPARE(failed.errorKind(), ErrorKind::StorageFull); // the kind, not the words, tells the writer what to say
    QCOMPARE(contents(path()).rows.size(), 1500); // nothing of the failed batch, nothing lost

    limit->store(0);
    QVERIFY(writer.write(big).ok());
    const FileContents file = contents(path());
    QCOMPARE(file.rows.size(), 21500);
    // Sequence numbers of the rolled-back batch were not used up: each series counts 1..n without a gap.
    QHash<qint64, QList<qint64>> sequences;
    for (const auto& row : file.rows)
        sequences[row.series].append(row.sequence);
    for (auto& list : sequences) {
        std::sort(list.begin(), list.end());
        for (qsizetype i = 0; i < list.size(); ++i)
            QCOMPARE(list.at(i), qint64(i + 1));
    }
}

void tst_SqliteWriter::damagedChunksAreLeftAlone()
{
    SqliteWriter writer(path(), {}, Policy { 1, 0 });
    for (int i = 0; i < 3; ++i)
        QVERIFY(writer.write({ call(QStringLiteral("k"), 100 + i, i) }).ok());
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(
            (*connection)
                ->execute(QStringLiteral("UPDATE chunks SET data = x'01ff' WHERE id = (SELECT min(id) FROM chunks)"))
                .ok());
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("is damaged")));
    for (int i = 3; i < 40; ++i) // merges pass by the damaged chunk
        QVERIFY(writer.write({ call(QStringLiteral("k"), 100 + i, i) }).ok());
    const FileContents file = contents(path());
    QCOMPARE(file.damaged, 1);
    QCOMPARE(file.rows.size(), 39); // every other call is there
}

// The compaction groups the batch's rows and the recent ones, appended after them, in place: each series' rows end
// up together in the order they arrived (the recent calls first), the series in the order they first appear, exactly
// as the copy into a second list grouped them. Up to 5,000 series, with ids of every sign and size: the index of runs
// grows past its first 1,024 slots.
void tst_SqliteWriter::groupingInPlaceKeepsArrivalOrder()
{
    QRandomGenerator random(7);
    for (const qsizetype size : { 0, 1, 2, 17, 1000, 20000 }) {
        for (const qsizetype rotate : { qsizetype(0), size / 3, size - 1, size }) {
            for (const int spread : { 3, 300, 5000 }) {
                if (spread > size && spread > 3)
                    continue;
                QList<ChunkRow> rows;
                for (qsizetype i = 0; i < size; ++i) {
                    ChunkRow row;
                    row.sequence = i; // identifies the row
                    const qint64 id = random.bounded(spread);
                    row.series = spread < 5000 ? id + 1 : id % 3 == 0 ? -id : id * 1099511628211LL;
                    if (i % 7 == 0)
                        row.extra = QByteArray::number(i);
                    rows.append(row);
                }
                // The reference: arrival order (rotated), then a stable grouping by first appearance, into a copy.
                QList<ChunkRow> arrived = rows.mid(rotate % std::max<qsizetype>(size, 1));
                arrived.append(rows.first(rotate % std::max<qsizetype>(size, 1)));
                QList<qint64> order;
                QHash<qint64, QList<ChunkRow>> bySeries;
                for (const auto& row : std::as_const(arrived)) {
                    if (!bySeries.contains(row.series))
                        order.append(row.series);
                    bySeries[row.series].append(row);
                }
                const auto runs = SqliteWriter::groupBySeries(rows, rotate);
                QCOMPARE(runs.size(), order.size());
                qsizetype at = 0;
                for (qsizetype r = 0; r < runs.size(); ++r) {
                    QCOMPARE(runs[r].series, order[r]);
                    QCOMPARE(runs[r].begin, at);
                    const auto& expected = bySeries[order[r]];
                    QCOMPARE(runs[r].count, expected.size());
                    for (qsizetype i = 0; i < expected.size(); ++i) {
                        QCOMPARE(rows[at + i].sequence, expected[i].sequence);
                        QCOMPARE(rows[at + i].series, expected[i].series);
                        QCOMPARE(rows[at + i].extra, expected[i].extra);
                    }
                    at += expected.size();
                }
                QCOMPARE(at, size);
            }
        }
    }
}

// On a real file: recent calls from two batches, then a batch that compacts them with its own, over and over;
// every call is in exactly one series chunk, each chunk in chunk order, and nothing stays recent.
void tst_SqliteWriter::aCompactionOfRecentAndNewCallsKeepsEveryCall()
{
    SqliteWriter writer(path(), {}, Policy { 2500, std::numeric_limits<qint64>::max() });
    QRandomGenerator random(11);
    QHash<QString, QList<Sample>> sent;
    int total = 0;
    for (int b = 0; b < 39; ++b) { // every third batch compacts the two before it with itself
        QList<Sample> batch;
        for (int n = 0; n < 1000; ++n, ++total) {
            const QString key = QStringLiteral("k%1").arg(random.bounded(50));
            Sample sample = call(key, 1795608000 + total / 10 - random.bounded(3), random.generateDouble() * 10);
            if (n % 9 == 0)
                sample.extra = QByteArray(R"({"i":)") + QByteArray::number(total) + '}';
            batch.append(sample);
            sent[key].append(sample);
        }
        QVERIFY(writer.write(batch).ok());
    }
    QList<Call> expected;
    for (auto it = sent.cbegin(); it != sent.cend(); ++it) {
        const qint64 id = seriesId(path(), it.key(), QStringLiteral("t"));
        qint64 sequence = 0;
        for (const auto& sample : it.value())
            expected.append({ id, sample.timestamp, sample.executionTime, ++sequence, sample.extra });
    }
    std::sort(expected.begin(), expected.end());
    const FileContents file = contents(path());
    QCOMPARE(file.damaged, 0);
    QCOMPARE(file.recentChunks, 0);
    QCOMPARE(file.rows.size(), qsizetype(total));
    QVERIFY(calls(file.rows) == expected);
    // Each chunk's rows are in chunk order: contents() appends chunk after chunk, each of one series.
    qsizetype sortedBreaks = 0;
    for (qsizetype i = 1; i < file.rows.size(); ++i) {
        if (file.rows[i].series == file.rows[i - 1].series && chunkOrder(file.rows[i], file.rows[i - 1]))
            ++sortedBreaks; // only where one chunk of a series follows another
    }
    QVERIFY2(sortedBreaks <= file.seriesChunks, qPrintable(QString::number(sortedBreaks)));
}

QTEST_GUILESS_MAIN(tst_SqliteWriter)
#include "tst_sqlitewriter.moc"
