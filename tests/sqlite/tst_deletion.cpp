// SPDX-License-Identifier: MIT
// Deleting on real SQLite files: a function, a token or a range of either goes, from calls, recent calls and
// per-minute summaries alike; totals, summaries and tag counts follow; everything else stays exactly; a
// request that cannot be done changes nothing.
#include "storagestatuscheck.h"
#include "sqlite/rollup.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"
#include "store/query.h"

#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_Deletion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void deletes_data();
    void deletes();
    void unknownSeriesIsNotFound();
    void aRequestWithoutKeyOrTokenIsRefused();
    void tagCountsFollow();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("delete.sqlite")); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<SqliteWriter> m_writer;
    QList<Sample> m_written;
};

Q_DECLARE_METATYPE(std::optional<QString>)

namespace {

constexpr qint64 Day = 86400;
const qint64 Now = 1796600000;
const QString A = QStringLiteral("/srv/app.py-a");
const QString B = QStringLiteral("/srv/my shop/app.py-b ü");

qint64 countOf(Query& query, const QString& key, const std::optional<QString>& token)
{
    const auto stats = query.stats({ key, token, {} });
    return stats ? stats->count : 0;
}

} // namespace

void tst_Deletion::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<SqliteStore>(path());
    QVERIFY(m_store->open().ok());
    RetentionPolicy policy;
    policy.raw = 40 * Day;
    policy.summaries = 0;
    m_writer = std::make_unique<SqliteWriter>(path(), nullptr, ChunkPolicy::Compaction { 700, 3600000 }, policy);
    // 60 days: the older 20 become per-minute summaries, the rest stays calls, some still in the recent table.
    QRandomGenerator random(9);
    m_written.clear();
    for (qint64 t = Now - 60 * Day; t < Now; t += 1800) {
        for (const QString& key : { A, B }) {
            for (const QString& token : { QStringLiteral("shop"), QStringLiteral("blog") }) {
                const QByteArray extra = random.bounded(4) == 0 ? QByteArray(R"({"tier":"gold"})") : QByteArray();
                m_written.append({ token, key, double(t), 1 + random.bounded(100.0), t, extra });
            }
        }
    }
    QVERIFY(m_writer->write(m_written).ok());
    while (*m_writer->maintain(Now, 100)) { }
    QVERIFY(m_writer->write({ Sample { QStringLiteral("shop"), A, double(Now - 10), 7.0, Now, {} } }).ok());
    m_written.append(Sample { QStringLiteral("shop"), A, double(Now - 10), 7.0, Now, {} });
}

void tst_Deletion::deletes_data()
{
    QTest::addColumn<std::optional<QString>>("key");
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<TimeRange>("range");
    const std::optional<QString> none;
    const std::optional<QString> shop = QStringLiteral("shop");
    QTest::newRow("a function, every token") << std::optional<QString>(A) << none << TimeRange {};
    QTest::newRow("a function of one token") << std::optional<QString>(B) << shop << TimeRange {};
    QTest::newRow("a token (a project)") << none << shop << TimeRange {};
    QTest::newRow("a range of summaries") << std::optional<QString>(A) << none
                                          << TimeRange { double(Now - 55 * Day), double(Now - 45 * Day) };
    QTest::newRow("a range across summaries and calls") << none << shop
                                                        << TimeRange { double(Now - 45 * Day), double(Now - 30 * Day) };
    QTest::newRow("the recent calls") << std::optional<QString>(A) << shop << TimeRange { double(Now - 60), std::nullopt };
}

void tst_Deletion::deletes()
{
    QFETCH(std::optional<QString>, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    Query before(m_store->createReader());
    const auto keysBefore = before.keys();
    const auto deleted = m_writer->remove({ key, token, range });
    QVERIFY2(deleted.ok(), deleted.ok() ? "" : qPrintable(deleted.error()));
    // What was asked for went, and nothing else.
    qint64 expectedGone = 0;
    for (const auto& sample : std::as_const(m_written)) {
        const bool inMinute = range.contains(double(Rollup::minuteOf(sample.timestamp)));
        const bool summarized = sample.receivedAt < Now - 40 * Day;
        const bool matches = (!key || *key == sample.key) && (!token || *token == sample.token)
            && (summarized ? inMinute : range.contains(sample.timestamp));
        expectedGone += matches ? 1 : 0;
    }
    QCOMPARE(*deleted, expectedGone);
    Query after(m_store->createReader());
    const auto keysAfter = after.keys();
    qint64 totalBefore = 0, totalAfter = 0;
    for (const auto& info : *keysBefore)
        totalBefore += info.count;
    for (const auto& info : *keysAfter) {
        totalAfter += info.count;
        // Totals, the all-time summary and a chart of everything agree.
        QCOMPARE(after.stats({ info.id.key, info.id.token, {} })->count, info.count);
        qint64 inChart = 0;
        const auto chart = after.buckets({ info.id.key, info.id.token, {} }, 50);
        for (const auto& bucket : chart->buckets)
            inChart += bucket.count;
        QCOMPARE(inChart, info.count);
    }
    QCOMPARE(totalBefore - totalAfter, expectedGone);
    QCOMPARE(wrongStorageStatus(path()), QString()); // what each tier weighs follows a deletion
    if (range.from || range.to) {
        SeriesSelector inRange { key.value_or(A), token, range };
        const auto stats = after.stats(inRange);
        QVERIFY(!stats.ok() || stats->count == 0);
    }
    // The file is sound and the writer goes on.
    QVERIFY(m_writer->write({ Sample { QStringLiteral("shop"), A, double(Now), 3.0, Now, {} } }).ok());
    auto connection = SqliteConnection::open(path());
    QSqlQuery check((*connection)->database());
    QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
}

void tst_Deletion::unknownSeriesIsNotFound()
{
    const auto deleted = m_writer->remove({ QStringLiteral("/nope.py-f"), std::nullopt, {} });
    QCOMPARE(deleted.errorKind(), ErrorKind::NotFound);
    Query query(m_store->createReader());
    QCOMPARE(countOf(query, A, std::nullopt), std::count_if(m_written.begin(), m_written.end(), [](const Sample& s) { return s.key == A; }));
}

void tst_Deletion::aRequestWithoutKeyOrTokenIsRefused()
{
    QCOMPARE(m_writer->remove({ std::nullopt, std::nullopt, {} }).errorKind(), ErrorKind::Invalid);
    QCOMPARE(m_writer->remove({ A, std::nullopt, { 5.0, 1.0 } }).errorKind(), ErrorKind::Invalid);
}

void tst_Deletion::tagCountsFollow()
{
    Query query(m_store->createReader());
    const SeriesSelector all { B, QStringLiteral("blog"), {} };
    const auto before = query.tags(all, 10);
    QVERIFY(m_writer->remove({ B, QStringLiteral("blog"), { double(Now - 40 * Day), std::nullopt } }).ok());
    const auto after = query.tags(all, 10);
    // Every call that could be filtered by its tag is gone: the index counts none.
    QVERIFY(before->size() == 1 && before->first().calls > 0);
    QVERIFY(after->isEmpty());
}

QTEST_GUILESS_MAIN(tst_Deletion)
#include "tst_deletion.moc"
