// SPDX-License-Identifier: MIT
// The SQLite store on real files: round trips, reopening, migrations, and files it must refuse untouched.
#include "sqlite/chunkview.h"
#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/sqlitestore.h"

#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SqliteStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTrip();
    void reopenKeepsDataAndContinuesSequences();
    void twoTokensWithTheSameKeyAreTwoSeries();
    void seriesTotalsFollowWrites();
    void migrationFromVersion1();
    void migrationFromVersion3KeepsEveryCall();
    void arrivalIsStoredAsADelay();
    void refusesUnusableFiles_data();
    void refusesUnusableFiles();
    void secondStoreOnTheSameFileIsRefused();
    void createsMissingFolders();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("kodemon.sqlite")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

Sample sample(const QString& key, double timestamp, double ms, const QString& token = QStringLiteral("t"),
    const QByteArray& extra = {})
{
    return Sample { token, key, timestamp, ms, 1795608120, extra };
}

QList<StoredSample> everything(StoreReader& reader, const QString& key, std::optional<QString> token = {})
{
    auto page = reader.samples(SeriesSelector { key, std::move(token), {} }, {}, 1000000);
    if (!page)
        qWarning() << page.error();
    return page ? page->samples : QList<StoredSample>();
}

// Every row of every chunk in the file (series and recent ones), in time order.
QList<ChunkRow> storedRows(const QString& path)
{
    auto connection = SqliteConnection::open(path);
    if (!connection)
        return {};
    auto select = SqliteStatement::prepare(SqliteStatement::handle((*connection)->database()),
        "SELECT data FROM chunks UNION ALL SELECT data FROM recent");
    QList<ChunkRow> rows;
    while (select && select->step()) {
        auto view = ChunkView::parse(select->columnBlob(0));
        if (!view || !view->appendAllRows(rows))
            qWarning() << "a damaged chunk";
    }
    std::sort(rows.begin(), rows.end(), chunkOrder);
    return rows;
}

QStringList delays(const QList<ChunkRow>& rows)
{
    QStringList out;
    for (const auto& row : rows)
        out.append(QString::number(row.receivedDelay));
    return out;
}

QByteArray fileBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

void tst_SqliteStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_SqliteStore::roundTrip()
{
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    const QString key = QString::fromUtf8("/srv/my app/caf\xc3\xa9/../views.py-fetch_latest");
    const QByteArray extra = R"({"project":"demo","tags":["a","b"]})";
    auto writer = store.createWriter();
    QVERIFY(writer
                ->write({ sample(key, 1413404125, 31.9, QStringLiteral("test-token"), extra),
                    sample(key, 1413404125, 0.00095367431640625, QStringLiteral("test-token")),
                    sample(key, 0, 2.5, QStringLiteral("test-token")) })
                .ok());

    auto reader = store.createReader();
    const auto samples = everything(*reader, key);
    QCOMPARE(samples.size(), 3);
    QCOMPARE(samples.at(0).timestamp, 0.0); // ordered by timestamp, not arrival
    QCOMPARE(samples.at(1).timestamp, 1413404125.0);
    QCOMPARE(samples.at(1).executionTime, 31.9);
    QCOMPARE(samples.at(1).extra, extra);
    QCOMPARE(samples.at(1).token, QStringLiteral("test-token"));
    QCOMPARE(samples.at(2).executionTime, 0.00095367431640625);
    QVERIFY(samples.at(2).extra.isEmpty());

    const auto series = reader->listSeries(std::nullopt);
    QVERIFY(series.ok());
    QCOMPARE(series->size(), 1);
    QCOMPARE(series->first().id.key, key);
    QCOMPARE(series->first().count, 3);
    QCOMPARE(series->first().first, 0.0);
    QCOMPARE(series->first().last, 1413404125.0);
    QVERIFY(store.sizeOnDisk() > 0);
}

void tst_SqliteStore::reopenKeepsDataAndContinuesSequences()
{
    {
        SqliteStore store(path());
        QVERIFY(store.open().ok());
        QVERIFY(store.createWriter()
                    ->write({ sample(QStringLiteral("k"), 100, 1), sample(QStringLiteral("k"), 100, 2) })
                    .ok());
    }
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    // Same key, same second: sequence numbers must continue, not collide with the stored ones.
    QVERIFY(store.createWriter()->write({ sample(QStringLiteral("k"), 100, 3) }).ok());
    auto reader = store.createReader();
    const auto samples = everything(*reader, QStringLiteral("k"));
    QCOMPARE(samples.size(), 3);
    QCOMPARE(samples.at(2).executionTime, 3.0);
    QCOMPARE(reader->listSeries(std::nullopt)->first().count, 3);
}

void tst_SqliteStore::twoTokensWithTheSameKeyAreTwoSeries()
{
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    QVERIFY(store.createWriter()
                ->write({ sample(QStringLiteral("k"), 1, 1, QStringLiteral("shop")),
                    sample(QStringLiteral("k"), 2, 2, QStringLiteral("blog")),
                    sample(QStringLiteral("k"), 3, 3, QStringLiteral("shop")),
                    sample(QStringLiteral("k"), 4, 4, QString()) })
                .ok());
    auto reader = store.createReader();
    const auto series = reader->listSeries(std::nullopt);
    QCOMPARE(series->size(), 3);
    QCOMPARE(series->at(0).id.token, QString()); // sorted by key, then token
    QCOMPARE(series->at(1).id.token, QStringLiteral("blog"));
    QCOMPARE(series->at(2).id.token, QStringLiteral("shop"));
    QCOMPARE(series->at(2).count, 2);
    QCOMPARE(reader->listSeries(QStringLiteral("shop"))->size(), 1);
    QCOMPARE(everything(*reader, QStringLiteral("k"), QStringLiteral("shop")).size(), 2);
    QCOMPARE(everything(*reader, QStringLiteral("k"), QString()).size(), 1);
    QCOMPARE(everything(*reader, QStringLiteral("k")).size(), 4);
}

void tst_SqliteStore::seriesTotalsFollowWrites()
{
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    auto writer = store.createWriter();
    QVERIFY(writer->write({ sample(QStringLiteral("k"), 50, 10), sample(QStringLiteral("k"), 20, 30) }).ok());
    QVERIFY(writer->write({ sample(QStringLiteral("k"), 70, 20), sample(QStringLiteral("k"), 10, 40) }).ok());
    const auto info = store.createReader()->listSeries(std::nullopt)->first();
    QCOMPARE(info.count, 4);
    QCOMPARE(info.first, 10.0);
    QCOMPARE(info.last, 70.0);
    QCOMPARE(info.mean(), 25.0);
}

void tst_SqliteStore::migrationFromVersion1()
{
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(connection.ok());
        QVERIFY(Schema::migrateTo(**connection, 1).ok());
        QVERIFY((*connection)
                    ->execute(
                        QStringLiteral("INSERT INTO series (id, token, key, sample_count, first_ts, last_ts, last_seq) "
                                       "VALUES (1, 't', 'old-key', 2, 5, 6, 2)"))
                    .ok());
        QVERIFY((*connection)
                    ->execute(
                        QStringLiteral("INSERT INTO samples VALUES (1, 5, 1, 10.5, 7, NULL), (1, 6, 2, 1.5, 7, NULL)"))
                    .ok());
        QCOMPARE((*connection)->scalar(QStringLiteral("PRAGMA user_version"))->toInt(), 1);
    }
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    auto reader = store.createReader();
    const auto info = reader->listSeries(std::nullopt)->first();
    QCOMPARE(info.id.key, QStringLiteral("old-key"));
    QCOMPARE(info.mean(), 6.0); // total_ms was backfilled from the stored samples
    QCOMPARE(everything(*reader, QStringLiteral("old-key")).size(), 2);
    auto connection = SqliteConnection::open(path());
    QCOMPARE((*connection)->scalar(QStringLiteral("PRAGMA user_version"))->toInt(), Schema::CurrentVersion);
    // Version 3 keeps arrival as a delay after the call's start: received at 7, started at 5 and 6; version 4
    // carries it into the chunks.
    QCOMPARE(delays(storedRows(path())), QStringList({ QStringLiteral("2"), QStringLiteral("1") }));
}

void tst_SqliteStore::migrationFromVersion3KeepsEveryCall()
{
    constexpr int Calls = 5000; // more than one chunk's worth for the first series
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(connection.ok());
        QVERIFY(Schema::migrateTo(**connection, 3).ok());
        QVERIFY((*connection)
                    ->execute(QStringLiteral("INSERT INTO series (id, token, key, sample_count, first_ts, last_ts, "
                                             "last_seq, total_ms) VALUES (1, 't', 'a', %1, 0, %2, %1, 0), "
                                             "(2, '', 'b', 1, 7.25, 7.25, 1, 3)")
                                  .arg(Calls)
                                  .arg(Calls - 1))
                    .ok());
        QVERIFY((*connection)->execute(QStringLiteral("BEGIN")).ok());
        for (int i = 0; i < Calls; ++i) {
            // Written in reverse: the conversion must order by time, not by insertion.
            const int t = Calls - 1 - i;
            QVERIFY((*connection)
                        ->execute(QStringLiteral("INSERT INTO samples VALUES (1, %1, %2, %3, 1, %4)")
                                      .arg(t)
                                      .arg(t + 1)
                                      .arg(t * 0.5)
                                      .arg(t == 42 ? QStringLiteral("'{\"a\":1}'") : QStringLiteral("NULL")))
                        .ok());
        }
        QVERIFY((*connection)->execute(QStringLiteral("INSERT INTO samples VALUES (2, 7.25, 1, 3, 0, NULL)")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("COMMIT")).ok());
    }
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    auto reader = store.createReader();
    const auto a = everything(*reader, QStringLiteral("a"));
    QCOMPARE(a.size(), Calls);
    for (int t = 0; t < Calls; ++t) {
        QCOMPARE(a.at(t).timestamp, double(t));
        QCOMPARE(a.at(t).executionTime, t * 0.5);
        QCOMPARE(a.at(t).sequence, qint64(t + 1));
        QCOMPARE(a.at(t).extra, t == 42 ? QByteArray(R"({"a":1})") : QByteArray());
    }
    const auto b = everything(*reader, QStringLiteral("b"));
    QCOMPARE(b.size(), 1);
    QCOMPARE(b.first().timestamp, 7.25);
    auto connection = SqliteConnection::open(path());
    QVERIFY(!(*connection)->scalar(QStringLiteral("SELECT count(*) FROM samples")).ok()); // the old table is gone
    QCOMPARE((*connection)->scalar(QStringLiteral("SELECT count(*) FROM chunks"))->toInt(), 3); // 4096 + 904, 1
    // A new call continues the series' sequence after the converted ones.
    QVERIFY(store.createWriter()->write({ sample(QStringLiteral("a"), Calls, 1) }).ok());
    QCOMPARE(everything(*reader, QStringLiteral("a")).last().sequence, qint64(Calls + 1));
}

void tst_SqliteStore::arrivalIsStoredAsADelay()
{
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    QVERIFY(store.createWriter()
                ->write({ Sample { QStringLiteral("t"), QStringLiteral("k"), 1795608119.75, 1, 1795608120, {} },
                    Sample { QStringLiteral("t"), QStringLiteral("k"), 0, 1, 1795608120, {} },
                    Sample { QStringLiteral("t"), QStringLiteral("k"), 1e300, 1, 1795608120, {} } })
                .ok());
    // In chunk order, by time: 0, 1795608119.75, 1e300.
    QCOMPARE(delays(storedRows(path())),
        QStringList({ QStringLiteral("1795608120"), QStringLiteral("1"),
            QString::number(1795608120 - 4611686018427387904LL) }));
}

void tst_SqliteStore::refusesUnusableFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message");
    QTest::newRow("not sqlite") << "text"
                                << "not a usable SQLite database";
    QTest::newRow("newer schema") << "newer"
                                  << "newer Kodemon";
    QTest::newRow("another program's sqlite") << "foreign"
                                              << "belongs to another program";
    QTest::newRow("read-only file") << "readonly"
                                    << "read-only";
    QTest::newRow("a folder") << "folder"
                              << "is not a file";
}

void tst_SqliteStore::refusesUnusableFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    if (kind == QLatin1String("text")) {
        QFile file(path());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("timestamp,key\n1,a\n" + QByteArray(5000, 'x'));
    } else if (kind == QLatin1String("newer") || kind == QLatin1String("foreign")
        || kind == QLatin1String("readonly")) {
        SqliteStore store(path());
        QVERIFY(store.open().ok());
        QVERIFY(store.createWriter()->write({ sample(QStringLiteral("k"), 1, 1) }).ok());
    }
    if (kind == QLatin1String("newer") || kind == QLatin1String("foreign")) {
        auto connection = SqliteConnection::open(path());
        const QString sql = kind == QLatin1String("newer") ? QStringLiteral("PRAGMA user_version = 99")
                                                           : QStringLiteral("PRAGMA user_version = 0");
        QVERIFY((*connection)->execute(sql).ok());
        QVERIFY((*connection)->execute(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());
    }
    if (kind == QLatin1String("readonly"))
        QVERIFY(QFile::setPermissions(path(), QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    if (kind == QLatin1String("folder"))
        QVERIFY(QDir().mkpath(path()));

    const QByteArray before = fileBytes(path());
    SqliteStore store(path());
    const auto status = store.open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(message), qPrintable(status.error()));
    QCOMPARE(fileBytes(path()), before); // never overwritten, never truncated
}

void tst_SqliteStore::secondStoreOnTheSameFileIsRefused()
{
    SqliteStore first(path());
    QVERIFY(first.open().ok());
    SqliteStore second(path());
    const auto status = second.open();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QLatin1String("another Kodemon")), qPrintable(status.error()));
}

void tst_SqliteStore::createsMissingFolders()
{
    SqliteStore store(m_dir->filePath(QStringLiteral("a/b/c/kodemon.sqlite")));
    QVERIFY(store.open().ok());
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral("a/b/c/kodemon.sqlite"))));
}

QTEST_GUILESS_MAIN(tst_SqliteStore)
#include "tst_sqlitestore.moc"
