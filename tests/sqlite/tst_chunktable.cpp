// SPDX-License-Identifier: MIT
// The chunk policy's arithmetic, and the chunk table's statements on a real file.
#include "sqlite/chunktable.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_ChunkTable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sizeClasses_data();
    void sizeClasses();
    void pieces_data();
    void pieces();
    void insertTakeAndOpenChunks();
    void recentChunks();
};

namespace {

struct File
{
    QTemporaryDir dir;
    std::unique_ptr<SqliteStore> store;
    std::unique_ptr<SqliteConnection> connection;
    sqlite3* handle = nullptr;

    File()
    {
        store = std::make_unique<SqliteStore>(dir.filePath(QStringLiteral("t.sqlite")));
        if (!store->open().ok())
            return;
        auto opened = SqliteConnection::open(store->location());
        if (opened)
            connection = std::move(opened).value();
        handle = connection ? SqliteStatement::handle(connection->database()) : nullptr;
    }
    ~File()
    {
        connection.reset();
        store.reset(); // before the folder goes
    }
};

QList<ChunkRow> rows(int count, double from, qint64 series = 0)
{
    QList<ChunkRow> out;
    for (int i = 0; i < count; ++i)
        out.append({ from + i, double(i), i + 1, 0, {}, series });
    return out;
}

} // namespace

void tst_ChunkTable::sizeClasses_data()
{
    QTest::addColumn<qsizetype>("rows");
    QTest::addColumn<int>("sizeClass");
    QTest::newRow("1") << qsizetype(1) << 0;
    QTest::newRow("7") << qsizetype(7) << 0;
    QTest::newRow("8") << qsizetype(8) << 1;
    QTest::newRow("63") << qsizetype(63) << 1;
    QTest::newRow("64") << qsizetype(64) << 2;
    QTest::newRow("511") << qsizetype(511) << 2;
    QTest::newRow("512") << qsizetype(512) << 3;
    QTest::newRow("1023") << qsizetype(1023) << 3;
}

void tst_ChunkTable::sizeClasses()
{
    QFETCH(qsizetype, rows);
    QFETCH(int, sizeClass);
    QCOMPARE(ChunkPolicy::sizeClass(rows), sizeClass);
}

void tst_ChunkTable::pieces_data()
{
    QTest::addColumn<qsizetype>("rows");
    QTest::addColumn<QList<qsizetype>>("lengths");
    QTest::newRow("none") << qsizetype(0) << QList<qsizetype> {};
    QTest::newRow("one") << qsizetype(1) << QList<qsizetype> { 1 };
    QTest::newRow("a full chunk") << ChunkPolicy::MaxRows << QList<qsizetype> { ChunkPolicy::MaxRows };
    QTest::newRow("one more") << ChunkPolicy::MaxRows + 1
                              << QList<qsizetype> { ChunkPolicy::MaxRows / 2 + 1, ChunkPolicy::MaxRows / 2 };
    QTest::newRow("three") << 3 * ChunkPolicy::MaxRows - 1
                           << QList<qsizetype> { ChunkPolicy::MaxRows, ChunkPolicy::MaxRows, ChunkPolicy::MaxRows - 1 };
}

void tst_ChunkTable::pieces()
{
    QFETCH(qsizetype, rows);
    QFETCH(QList<qsizetype>, lengths);
    QCOMPARE(ChunkPolicy::pieces(rows), lengths);
}

void tst_ChunkTable::insertTakeAndOpenChunks()
{
    File file;
    QVERIFY(file.handle);
    auto table = ChunkTable::prepare(file.handle);
    QVERIFY(table.ok());
    const auto small = rows(10, 100);
    const auto full = rows(int(ChunkPolicy::ChunkFull), 1000);
    auto first = table->insert(1, small.constData(), small.size());
    auto second = table->insert(1, full.constData(), full.size());
    auto other = table->insert(2, small.constData(), small.size());
    QVERIFY(first.ok() && second.ok() && other.ok());
    QCOMPARE(
        file.connection->scalar(QStringLiteral("SELECT min_ts || ',' || max_ts FROM chunks WHERE id = %1").arg(*second))
            ->toString(),
        QStringLiteral("1000.0,2023.0"));

    const auto open = table->openChunks(1);
    QVERIFY(open.ok());
    QCOMPARE(open->size(), 1); // the full chunk is closed
    QCOMPARE(open->first().id, *first);
    QCOMPARE(open->first().rows, 10);

    QList<ChunkRow> taken;
    auto took = table->take(*first, taken);
    QVERIFY(took.ok() && *took);
    QCOMPARE(taken.size(), 10);
    QCOMPARE(taken.at(3).timestamp, 103.0);
    QVERIFY(table->openChunks(1)->isEmpty()); // taken means deleted
    QVERIFY(!table->take(*first, taken).ok()); // and gone

    QVERIFY(file.connection->execute(QStringLiteral("UPDATE chunks SET data = x'00' WHERE id = %1").arg(*other)).ok());
    took = table->take(*other, taken);
    QVERIFY(took.ok() && !*took); // damaged: refused, left in place
    QCOMPARE(table->openChunks(2)->size(), 1);
    QCOMPARE(taken.size(), 10);
}

void tst_ChunkTable::recentChunks()
{
    File file;
    QVERIFY(file.handle);
    auto table = ChunkTable::prepare(file.handle);
    QVERIFY(table.ok());
    QCOMPARE(*table->recentCalls(), 0);
    QList<ChunkRow> mixed = rows(5, 10, 1) + rows(3, 5, 2);
    QVERIFY(table->insertRecent(mixed.constData(), mixed.size()).ok());
    QVERIFY(table->insertRecent(mixed.constData(), 2).ok());
    QCOMPARE(*table->recentCalls(), 10);
    QList<ChunkRow> taken;
    QVERIFY(table->takeRecent(taken).ok());
    QCOMPARE(taken.size(), 10);
    QCOMPARE(taken.at(6).series, qint64(2)); // each row keeps its series
    QCOMPARE(taken.at(9).series, qint64(1));
    QCOMPARE(*table->recentCalls(), 0);
}

QTEST_GUILESS_MAIN(tst_ChunkTable)
#include "tst_chunktable.moc"
