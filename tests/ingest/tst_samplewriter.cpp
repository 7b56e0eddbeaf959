// SPDX-License-Identifier: MIT
// The writer under a full disk (SQLite's quota standing in for it): a visible error, counted samples, nothing
// stored earlier lost, and storing that resumes by itself once there is room again.
#include "base/workerthread.h"
#include "ingest/ingestcounters.h"
#include "ingest/samplewriter.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <atomic>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace Kodemon;

class tst_SampleWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void commitsWithinTheFlushInterval();
    void fullDiskIsReportedAndRecovers();
    void retentionIsBoundedWhileFailing();
    void deliveriesFromAnotherThreadAreCommittedInFewBatches();
    void batchesStayWithinTheirBytes();
    void deliveredListsAreNotCopied();
    void aFailedSplitBatchIsRetriedFirst();
};

namespace {

QList<Sample> samples(int count, int first = 0, const QString& key = QStringLiteral("/srv/app/disk.py-fill"))
{
    QList<Sample> list;
    for (int i = first; i < first + count; ++i)
        list.append({ QStringLiteral("t"), key, 1795608000.0 + i, 1.5, 1795608000,
            QByteArray(200, 'x').prepend("{\"pad\":\"").append("\"}") });
    return list;
}

qint64 storedCount(SqliteStore& store, const QString& key = QStringLiteral("/srv/app/disk.py-fill"))
{
    Query query(store.createReader());
    const auto stats = query.stats({ key, std::nullopt, {} });
    return stats.ok() ? stats->count : 0;
}

} // namespace

void tst_SampleWriter::commitsWithinTheFlushInterval()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter writer(store, counters, {});
    QSignalSpy stored(&writer, &SampleWriter::stored);
    writer.append(samples(10));
    QCOMPARE(counters->snapshot().pending, 10);
    QVERIFY(stored.wait(1000)); // the 100 ms timer, not a full batch, commits them
    QCOMPARE(counters->snapshot().stored, 10);
    QCOMPARE(storedCount(*store), 10);
}

void tst_SampleWriter::fullDiskIsReportedAndRecovers()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter::Options options;
    options.retryIntervalMs = 100;
    SampleWriter writer(store, counters, options);
    QSignalSpy failed(&writer, &SampleWriter::failed);
    QSignalSpy recovered(&writer, &SampleWriter::recovered);

    QVERIFY(writer.flush());
    writer.append(samples(1000));
    QVERIFY(writer.flush());
    QCOMPARE(storedCount(*store), 1000);

    // The quota is now the current size: the next batches cannot fit.
    store->setSizeLimit(store->sizeOnDisk() / 4);
    writer.append(samples(20000, 1000));
    QVERIFY(!writer.flush());
    QCOMPARE(failed.size(), 1);
    const auto snapshot = counters->snapshot();
    QVERIFY2(snapshot.storeError.contains(QLatin1String("full")), qPrintable(snapshot.storeError));
    QVERIFY2(snapshot.storeError.contains(QLatin1String("raise --db-max-size")), qPrintable(snapshot.storeError));
    QCOMPARE(snapshot.pending, 20000);
    QCOMPARE(snapshot.stored, 1000);
    QCOMPARE(storedCount(*store), 1000); // nothing stored earlier was lost

    // Room again: the retry timer stores the kept samples without anyone asking.
    store->setSizeLimit(0);
    QVERIFY(recovered.wait(5000));
    QTRY_COMPARE(counters->snapshot().pending, 0);
    QCOMPARE(counters->snapshot().stored, 21000);
    QVERIFY(counters->snapshot().storeError.isEmpty());
    QCOMPARE(storedCount(*store), 21000);
}

void tst_SampleWriter::retentionIsBoundedWhileFailing()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter::Options options;
    options.maxRetained = 5000;
    options.retryIntervalMs = 60000;
    SampleWriter writer(store, counters, options);
    writer.append(samples(100));
    QVERIFY(writer.flush());
    store->setSizeLimit(1);
    writer.append(samples(4000, 100));
    QVERIFY(!writer.flush());
    writer.append(samples(4000, 4100));
    const auto snapshot = counters->snapshot();
    QCOMPARE(snapshot.pending, 5000); // memory stays bounded
    QCOMPARE(snapshot.unstored, 3000); // and what was given up on is counted
    QCOMPARE(storedCount(*store), 100);
}

void tst_SampleWriter::deliveriesFromAnotherThreadAreCommittedInFewBatches()
{
    // The receiver's way: many small deliveries from its own thread to a writer on another. All of them are
    // stored, none waits for a later delivery to be noticed, and they are committed a flush at a time.
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    WorkerThread thread(QStringLiteral("test-writer"));
    auto* writer = thread.adopt(new SampleWriter(store, counters, {}));
    std::atomic<int> commits { 0 };
    connect(
        writer, &SampleWriter::stored, writer, [&commits] { ++commits; }, Qt::DirectConnection);
    constexpr int Deliveries = 2000;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < Deliveries; ++i) {
        writer->deliver(samples(5, i * 5));
        if (i % 100 == 0)
            QThread::msleep(10); // bursts over about 200 ms, as from a socket
    }
    QTRY_COMPARE_WITH_TIMEOUT(counters->snapshot().stored, qint64(Deliveries * 5), 5000);
    QVERIFY2(commits.load() <= 10, qPrintable(QString::number(commits.load()))); // about one per 100 ms flush
    QCOMPARE(storedCount(*store), Deliveries * 5);

    // A last delivery after everything was committed is stored too, within the flush interval.
    const int before = commits.load();
    writer->deliver(samples(1, 99999999));
    QTRY_COMPARE_WITH_TIMEOUT(counters->snapshot().stored, qint64(Deliveries * 5 + 1), 2000);
    QCOMPARE(commits.load(), before + 1);
}

// A bound in bytes cuts what is pending into batches of at most that many bytes (heldBytes), each committed in
// order; the held bytes the receivers counted are released batch by batch and end at zero.
void tst_SampleWriter::batchesStayWithinTheirBytes()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter::Options options;
    const QList<Sample> pending = samples(1000);
    const qint64 perCall = heldBytes(pending.first());
    options.maxBatchBytes = 100 * perCall + perCall / 2; // 100 calls a batch
    SampleWriter writer(store, counters, options);
    QSignalSpy stored(&writer, &SampleWriter::stored);
    counters->addAccepted(pending.size());
    counters->addMemoryBytes(heldBytes(pending));
    QCOMPARE(counters->memoryBytes(), 1000 * perCall);
    writer.append(pending);
    QVERIFY(writer.flush());
    QCOMPARE(stored.size(), 10);
    double next = 1795608000.0;
    for (const auto& batch : std::as_const(stored)) {
        const auto calls = batch.at(0).value<QList<Sample>>();
        QCOMPARE(calls.size(), 100);
        QVERIFY(heldBytes(calls) <= options.maxBatchBytes);
        QCOMPARE(calls.first().timestamp, next); // in order, none skipped
        next += 100;
    }
    QCOMPARE(counters->memoryBytes(), 0);
    QCOMPARE(counters->snapshot().stored, 1000);
    QCOMPARE(storedCount(*store), 1000);
}

// What the receivers deliver waits as they delivered it: a list that is a whole batch is stored as it is (the same
// array), and one split between batches is copied only as far as each batch needs (the pending list was a copy of
// every delivery, grown by doubling: the writer's largest allocation at the sender's maximum).
void tst_SampleWriter::deliveredListsAreNotCopied()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter::Options options;
    const QList<QList<Sample>> delivered { samples(100), samples(100, 100), samples(100, 200), samples(150, 300) };
    const qint64 perCall = heldBytes(delivered.first().first());
    options.maxBatchBytes = 100 * perCall; // 100 calls a batch
    SampleWriter writer(store, counters, options);
    QSignalSpy stored(&writer, &SampleWriter::stored);
    for (const auto& list : delivered) {
        counters->addAccepted(list.size());
        counters->addMemoryBytes(heldBytes(list));
        writer.deliver(list);
    }
    QVERIFY(writer.flush());
    QCOMPARE(stored.size(), 5);
    double next = 1795608000.0;
    for (qsizetype i = 0; i < stored.size(); ++i) {
        const auto calls = stored.at(i).at(0).value<QList<Sample>>();
        if (i < 3)
            QCOMPARE(calls.constData(), delivered.at(i).constData()); // shared, not copied
        QCOMPARE(calls.size(), i < 4 ? 100 : 50);
        for (const auto& call : calls) {
            QCOMPARE(call.timestamp, next); // in order, none skipped nor repeated
            next += 1;
        }
    }
    QCOMPARE(counters->memoryBytes(), 0);
    QCOMPARE(counters->snapshot().pending, 0);
    QCOMPARE(storedCount(*store), 450);
}

// A batch cut out of several deliveries that the store refuses goes back in front of the rest: once the store works
// again every call is stored once, in order.
void tst_SampleWriter::aFailedSplitBatchIsRetriedFirst()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("w.sqlite")));
    QVERIFY(store->open().ok());
    auto counters = std::make_shared<IngestCounters>();
    SampleWriter::Options options;
    options.retryIntervalMs = 60000;
    const qint64 perCall = heldBytes(samples(1).first());
    options.maxBatchBytes = 3500 * perCall;
    SampleWriter writer(store, counters, options);
    writer.append(samples(10));
    QVERIFY(writer.flush());
    store->setSizeLimit(1);
    for (int i = 0; i < 5; ++i)
        writer.append(samples(2000, 10 + 2000 * i));
    QVERIFY(!writer.flush());
    QCOMPARE(counters->snapshot().pending, 10000);
    store->setSizeLimit(0);
    QSignalSpy stored(&writer, &SampleWriter::stored);
    QVERIFY(writer.flush());
    double next = 1795608010.0;
    for (const auto& batch : std::as_const(stored)) {
        for (const auto& call : batch.at(0).value<QList<Sample>>()) {
            QCOMPARE(call.timestamp, next);
            next += 1;
        }
    }
    QCOMPARE(next, 1795618010.0);
    QCOMPARE(counters->snapshot().pending, 0);
    QCOMPARE(storedCount(*store), 10010);
}

QTEST_GUILESS_MAIN(tst_SampleWriter)
#include "tst_samplewriter.moc"
