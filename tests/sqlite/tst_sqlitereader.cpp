// SPDX-License-Identifier: MIT
// The SQLite reader against a model: calls written in many batches (so that they sit in recent mixed chunks, in
// small and merged series chunks, with times out of order so that chunks overlap) must come back exactly as the
// brute-force answer over the same calls: values, pages, statistics, buckets and summaries, for any range.
#include "base/stats.h"
#include "sqlite/chunktable.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SqliteReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void valuesAndStatistics_data();
    void valuesAndStatistics();
    void pagesWalkEveryCallOnce_data();
    void pagesWalkEveryCallOnce();
    void summariesOfEverySeries();
    void damagedChunksAreSkipped();

private:
    void addRanges();
    QTemporaryDir m_dir;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<SqliteReader> m_reader;
};

namespace {

const QString Key = QStringLiteral("/srv/my app/../views.py-fetch_latest");
const QString Other = QStringLiteral("/srv/app/tasks.py-sync");

struct Written
{
    QString token;
    QString key;
    double timestamp;
    double ms;
    qint64 sequence;
    QByteArray extra;
};
QList<Written> g_written;

QList<Written> selected(const QString& key, const std::optional<QString>& token, const TimeRange& range)
{
    QList<Written> out;
    for (const auto& call : std::as_const(g_written)) {
        if (call.key == key && (!token || call.token == *token) && range.contains(call.timestamp))
            out.append(call);
    }
    return out;
}

QList<double> times(const QList<Written>& calls)
{
    QList<double> out;
    for (const auto& call : calls)
        out.append(call.ms);
    return out;
}

} // namespace

void tst_SqliteReader::initTestCase()
{
    m_store = std::make_unique<SqliteStore>(m_dir.filePath(QStringLiteral("reader.sqlite")));
    QVERIFY(m_store->open().ok());
    // Compacted every 3,000 calls: the last ones stay in the recent table.
    SqliteWriter writer(m_store->location(), {}, ChunkPolicy::Compaction { 3000, std::numeric_limits<qint64>::max() });
    QRandomGenerator random(2024);
    QHash<QString, qint64> sequences;
    for (int batch = 0; batch < 400; ++batch) {
        QList<Sample> samples;
        for (int n = 0; n < 50 + int(random.bounded(100)); ++n) {
            const QString key = random.bounded(3) == 0 ? Other : Key;
            const QString token = random.bounded(2) == 0 ? QStringLiteral("shop") : QString();
            double t = 1795608000.0 + batch * 10 + random.bounded(10);
            if (random.bounded(30) == 0)
                t -= random.bounded(4000); // late: overlaps older chunks
            if (random.bounded(10) == 0)
                t += 0.5;
            if (random.bounded(500) == 0)
                t = 0; // the timestamp: 0 override spans a chunk over everything
            const double ms = random.bounded(1000) == 0 ? 9000.0 : std::exp(random.generateDouble() * 5);
            const QByteArray extra = random.bounded(7) == 0 ? QByteArray(R"({"attempt":2})") : QByteArray();
            samples.append({ token, key, t, ms, qint64(t), extra });
            g_written.append({ token, key, t, ms, ++sequences[token + QLatin1Char('|') + key], extra });
        }
        QVERIFY(writer.write(samples).ok());
    }
    m_reader = std::make_unique<SqliteReader>(m_store->location());
    // The layouts this test is about are all there.
    auto connection = SqliteConnection::open(m_store->location());
    QVERIFY((*connection)->scalar(QStringLiteral("SELECT count(*) FROM recent"))->toInt() > 1);
    QVERIFY(
        (*connection)->scalar(QStringLiteral("SELECT count(*) FROM chunks WHERE sample_count >= 1024"))->toInt() > 0);
    QVERIFY(
        (*connection)->scalar(QStringLiteral("SELECT count(*) FROM chunks WHERE sample_count < 1024"))->toInt() > 0);
    QVERIFY((*connection)
                ->scalar(QStringLiteral("SELECT count(*) FROM chunks a JOIN chunks b ON a.series_id = b.series_id "
                                        "AND a.id < b.id AND a.min_ts <= b.max_ts AND b.min_ts <= a.max_ts"))
                ->toInt()
        > 0);
}

void tst_SqliteReader::addRanges()
{
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<TimeRange>("range");
    const auto any = std::optional<QString>();
    const auto shop = std::optional<QString>(QStringLiteral("shop"));
    const auto none = std::optional<QString>(QString());
    QTest::newRow("all") << any << TimeRange {};
    QTest::newRow("one token") << shop << TimeRange {};
    QTest::newRow("no token") << none << TimeRange {};
    QTest::newRow("recent calls only") << any << TimeRange { 1795608000.0 + 3900, std::nullopt };
    QTest::newRow("an hour in the middle") << shop << TimeRange { 1795609000.0, 1795609000.0 + 600 };
    QTest::newRow("a single second") << any << TimeRange { 1795609500.0, 1795609500.0 };
    QTest::newRow("half seconds") << any << TimeRange { 1795609000.5, 1795609100.5 };
    QTest::newRow("up to zero") << any << TimeRange { std::nullopt, 0.0 };
    QTest::newRow("nothing") << any << TimeRange { 10.0, 20.0 };
}

void tst_SqliteReader::valuesAndStatistics_data()
{
    addRanges();
}

void tst_SqliteReader::valuesAndStatistics()
{
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    const SeriesSelector selector { Key, token, range };
    QList<Written> expected = selected(Key, token, range);

    const auto values = m_reader->values(selector);
    QVERIFY(values.ok());
    QCOMPARE(values->size(), expected.size());
    QList<std::pair<double, double>> got, want;
    for (qsizetype i = 0; i < values->size(); ++i) {
        if (i > 0)
            QVERIFY(values->at(i - 1).timestamp <= values->at(i).timestamp); // in time order
        got.append({ values->at(i).timestamp, values->at(i).value });
        want.append({ expected.at(i).timestamp, expected.at(i).ms });
    }
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    QVERIFY(got == want);

    const auto stats = m_reader->stats(selector);
    QVERIFY(stats.ok());
    const KeyStats reference = computeStats(times(expected));
    QCOMPARE(stats->count, reference.count);
    QCOMPARE(stats->min, reference.min);
    QCOMPARE(stats->max, reference.max);
    QCOMPARE(stats->p50, reference.p50);
    QCOMPARE(stats->p95, reference.p95);
    QCOMPARE(stats->p999, reference.p999);

    const auto buckets = m_reader->buckets(selector, 200);
    QVERIFY(buckets.ok());
    if (expected.isEmpty())
        return;
    QList<TimedValue> points;
    double first = expected.first().timestamp, last = first;
    for (const auto& call : std::as_const(expected))
        points.append({ call.timestamp, call.ms });
    for (const auto& call : selected(Key, token, {})) { // an open end spans the series' data
        first = std::min(first, call.timestamp);
        last = std::max(last, call.timestamp);
    }
    const BucketedSeries model = bucketize(points, range.from.value_or(first), range.to.value_or(last), 200);
    QCOMPARE(buckets->buckets.size(), model.buckets.size());
    for (qsizetype i = 0; i < model.buckets.size(); ++i) {
        QCOMPARE(buckets->buckets.at(i).count, model.buckets.at(i).count);
        QCOMPARE(buckets->buckets.at(i).max, model.buckets.at(i).max);
        QCOMPARE(buckets->buckets.at(i).p95, model.buckets.at(i).p95);
    }
}

void tst_SqliteReader::pagesWalkEveryCallOnce_data()
{
    addRanges();
}

void tst_SqliteReader::pagesWalkEveryCallOnce()
{
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    QList<Written> expected = selected(Key, token, range);
    // Pages order by time, then series (by id), then arrival.
    auto connection = SqliteConnection::open(m_store->location());
    QVERIFY(connection.ok());
    const qint64 shopId
        = (*connection)
              ->scalar(QStringLiteral("SELECT id FROM series WHERE key = '%1' AND token = 'shop'").arg(Key))
              ->toLongLong();
    const qint64 noneId = (*connection)
                              ->scalar(QStringLiteral("SELECT id FROM series WHERE key = '%1' AND token = ''").arg(Key))
                              ->toLongLong();
    const auto idOf = [&](const Written& call) { return call.token.isEmpty() ? noneId : shopId; };
    std::sort(expected.begin(), expected.end(), [&](const Written& a, const Written& b) {
        return std::tuple(a.timestamp, idOf(a), a.sequence) < std::tuple(b.timestamp, idOf(b), b.sequence);
    });
    for (const int limit : { 1000, 37 }) {
        QString cursor;
        qsizetype seen = 0;
        do {
            const auto page = m_reader->samples({ Key, token, range }, cursor, limit);
            QVERIFY(page.ok());
            for (const auto& sample : page->samples) {
                QVERIFY(seen < expected.size());
                const Written& want = expected.at(seen++);
                QCOMPARE(sample.timestamp, want.timestamp);
                QCOMPARE(sample.token, want.token);
                QCOMPARE(sample.executionTime, want.ms);
                QCOMPARE(sample.sequence, want.sequence);
                QCOMPARE(sample.extra, want.extra);
            }
            cursor = page->next.value_or(QString());
        } while (!cursor.isEmpty());
        QCOMPARE(seen, expected.size());
    }
}

void tst_SqliteReader::summariesOfEverySeries()
{
    const TimeRange range { 1795608000.0 + 1000, 1795608000.0 + 3000 };
    const auto rows = m_reader->summaries(SummaryRequest { range, std::nullopt });
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 4); // two keys, two tokens each
    for (const auto& row : *rows) {
        QList<double> mine = times(selected(row.info.id.key, row.info.id.token, range));
        const SeriesSummary model = summarize(row.info, mine);
        QCOMPARE(row.count, model.count);
        QCOMPARE(row.p95, model.p95);
        QVERIFY(qFuzzyCompare(row.mean, model.mean));
        QCOMPARE(row.info.count, qint64(selected(row.info.id.key, row.info.id.token, {}).size()));
    }
}

void tst_SqliteReader::damagedChunksAreSkipped()
{
    // Runs last: it damages the file. One chunk of the other key is overwritten with garbage.
    const qsizetype before = selected(Other, std::nullopt, {}).size();
    qint64 lost = 0;
    {
        auto connection = SqliteConnection::open(m_store->location());
        QVERIFY(connection.ok());
        const auto id = (*connection)
                            ->scalar(QStringLiteral("SELECT min(c.id) FROM chunks c JOIN series s ON s.id = "
                                                    "c.series_id WHERE s.key = '%1'")
                                         .arg(Other));
        lost = (*connection)
                   ->scalar(QStringLiteral("SELECT sample_count FROM chunks WHERE id = %1").arg(id->toLongLong()))
                   ->toLongLong();
        QVERIFY(lost > 0);
        QVERIFY(
            (*connection)
                ->execute(QStringLiteral("UPDATE chunks SET data = x'0105ffffff' WHERE id = %1").arg(id->toLongLong()))
                .ok());
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("skipping chunk")));
    const auto values = m_reader->values({ Other, std::nullopt, {} });
    QVERIFY(values.ok());
    QCOMPARE(values->size(), before - lost); // the rest is all there
    QVERIFY(m_reader->values({ Key, std::nullopt, {} })->size() == selected(Key, std::nullopt, {}).size());
}

QTEST_GUILESS_MAIN(tst_SqliteReader)
#include "tst_sqlitereader.moc"
