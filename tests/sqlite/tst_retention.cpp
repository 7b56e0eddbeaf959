// SPDX-License-Identifier: MIT
// Retention on real SQLite files: a year of calls with a 30-day raw retention ends with exactly the calls that
// arrived in the last 30 days and per-minute summaries equal to what the other calls were; expired summaries
// leave the series' totals; a size limit summarizes the oldest first; every answer over old ranges still comes.
#include "sqlite/retention.h"
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

class tst_Retention : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void aYearWithThirtyDaysOfCalls();
    void expiredSummariesLeaveTheTotals();
    void aSizeLimitSummarizesTheOldestFirst();
    void callsSentNowWithOldTimestampsAreKept();
    void anUpgradedFileWaitsADay();
    void keepingEverythingDoesNothing();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("retention.sqlite")); }
    // Runs maintenance until it has nothing left to do; returns the steps taken.
    int maintainFully(SqliteWriter& writer, qint64 now);
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

constexpr qint64 Day = 86400;
const qint64 Now = 1796600000; // fixed: the test's "now"
const QString A = QStringLiteral("/srv/app.py-a");
const QString B = QStringLiteral("/srv/app.py-b");

// `perDay` calls per day and key for `days` days before Now, each arriving when it started.
QList<Sample> aYear(int days, int perDay, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Sample> samples;
    for (qint64 t = Now - days * Day; t < Now; t += Day / perDay) {
        for (const QString& key : { A, B }) {
            const double ms = std::round(random.generateDouble() * 10000) / 100 + 0.01;
            const bool failed = random.bounded(10) == 0;
            samples.append({ QStringLiteral("t"), key, double(t), ms, t, failed ? QByteArray(R"({"error":"E"})") : QByteArray() });
        }
    }
    return samples;
}

struct Expected
{
    QMap<std::pair<QString, qint64>, CallSummary> minutes; // (key, minute)
    QList<Sample> raw;
};

Expected split(const QList<Sample>& samples, qint64 cutoff)
{
    Expected expected;
    for (const auto& sample : samples) {
        if (sample.receivedAt >= cutoff)
            expected.raw.append(sample);
        else
            expected.minutes[{ sample.key, Rollup::minuteOf(sample.timestamp) }].add(sample.executionTime, !sample.extra.isEmpty());
    }
    return expected;
}

QMap<std::pair<QString, qint64>, CallSummary> storedMinutes(const QString& path)
{
    QMap<std::pair<QString, qint64>, CallSummary> out;
    auto connection = SqliteConnection::open(path);
    QSqlQuery query((*connection)->database());
    query.exec(QStringLiteral("SELECT s.key, r.day, r.data FROM rollups r JOIN series s ON s.id = r.series_id"));
    while (query.next()) {
        const auto minutes = Rollup::decode(query.value(2).toByteArray(), query.value(1).toLongLong());
        if (!minutes)
            qWarning() << "damaged rollup";
        for (const auto& minute : minutes.value_or(QList<MinuteSummary> {}))
            out[{ query.value(0).toString(), minute.minute }] = minute.summary;
    }
    return out;
}

} // namespace

void tst_Retention::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

int tst_Retention::maintainFully(SqliteWriter& writer, qint64 now)
{
    int steps = 0;
    while (true) {
        const auto more = writer.maintain(now, 50);
        if (!more) {
            qWarning() << more.error();
            return -1;
        }
        ++steps;
        if (!*more || steps > 100000)
            return steps;
    }
}

void tst_Retention::aYearWithThirtyDaysOfCalls()
{
    const QList<Sample> samples = aYear(365, 200, 1);
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0; // forever
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 5000, 0 }, policy);
    for (qsizetype at = 0; at < samples.size(); at += 10000)
        QVERIFY(writer.write(samples.mid(at, 10000)).ok());
    QVERIFY(writer.write({}).ok());
    // Compact what is recent: an empty batch does not, one more call does (it arrives now: kept).
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(Now), 1.0, Now, {} } }).ok());
    const int steps = maintainFully(writer, Now);
    QVERIFY(steps > 0);
    qInfo() << samples.size() << "calls of a year, retention in" << steps << "steps";

    QList<Sample> all = samples;
    all.append(Sample { QStringLiteral("t"), A, double(Now), 1.0, Now, {} });
    const Expected expected = split(all, Now - 30 * Day);
    Query query(std::make_unique<SqliteReader>(path()));
    // Exactly the calls that arrived in the last 30 days are kept as calls.
    for (const QString& key : { A, B }) {
        const auto page = query.executions({ key, std::nullopt, {} }, {}, Query::MaxPageSize);
        QVERIFY(page.ok());
        const qint64 want = std::count_if(expected.raw.begin(), expected.raw.end(), [&](const Sample& s) { return s.key == key; });
        QCOMPARE(page->samples.size(), want);
        for (const auto& sample : page->samples)
            QVERIFY(sample.timestamp >= double(Now - 30 * Day));
    }
    // The others are per-minute summaries whose counts, sums, extremes and errors are exactly theirs.
    const auto minutes = storedMinutes(path());
    QCOMPARE(minutes.size(), expected.minutes.size());
    for (auto it = expected.minutes.cbegin(); it != expected.minutes.cend(); ++it) {
        const CallSummary& got = minutes.value(it.key());
        QCOMPARE(got.count, it->count);
        QCOMPARE(got.min, it->min);
        QCOMPARE(got.max, it->max);
        QCOMPARE(got.errors, it->errors);
        QVERIFY(qFuzzyCompare(got.sum, it->sum));
    }
    // The series' totals still count every call, and questions over the whole year still get answers.
    const auto keys = query.keys();
    QCOMPARE(keys->size(), 2);
    qint64 total = 0;
    for (const auto& info : *keys)
        total += info.count;
    QCOMPARE(total, all.size());
    const auto year = query.stats({ A, std::nullopt, {} });
    QVERIFY(year.ok());
    QVERIFY(!year->exact); // old calls exist only as summaries
    QCOMPARE(year->count, std::count_if(all.begin(), all.end(), [](const Sample& s) { return s.key == A; }));
    const auto old = query.stats({ B, std::nullopt, { double(Now - 300 * Day), double(Now - 200 * Day) } });
    QVERIFY(old.ok() && old->count > 0 && !old->exact);
    const auto chart = query.buckets({ B, std::nullopt, {} }, 365);
    QVERIFY(chart.ok());
    qint64 inChart = 0;
    for (const auto& bucket : chart->buckets)
        inChart += bucket.count;
    QCOMPARE(inChart, keys->at(1).count);
    // Nothing is left to do, and doing it again changes nothing.
    QCOMPARE(maintainFully(writer, Now), 1);
}

void tst_Retention::expiredSummariesLeaveTheTotals()
{
    const QList<Sample> samples = aYear(100, 100, 2);
    RetentionPolicy policy;
    policy.raw = 10 * Day;
    policy.summaries = 60 * Day;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 1000, 0 }, policy);
    QVERIFY(writer.write(samples).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(Now), 2.0, Now, {} } }).ok());
    QVERIFY(maintainFully(writer, Now) > 0);
    Query query(std::make_unique<SqliteReader>(path()));
    // A day of summaries goes once the last of its calls arrived more than 60 days ago, and leaves the totals.
    QHash<std::pair<QString, qint64>, qint64> lastArrival; // (key, day)
    for (const auto& sample : samples) {
        auto& last = lastArrival[{ sample.key, Rollup::dayOf(Rollup::minuteOf(sample.timestamp)) }];
        last = std::max(last, sample.receivedAt);
    }
    qint64 kept = 1;
    qint64 keptErrors = 0;
    for (const auto& sample : samples) {
        const bool dayKept = lastArrival.value({ sample.key, Rollup::dayOf(Rollup::minuteOf(sample.timestamp)) }) >= Now - 60 * Day;
        const bool minuteKept = sample.receivedAt >= Now - 10 * Day || dayKept;
        kept += minuteKept ? 1 : 0;
        keptErrors += minuteKept && !sample.extra.isEmpty() ? 1 : 0;
    }
    const auto keys = query.keys();
    qint64 total = 0;
    qint64 errors = 0;
    for (const auto& info : *keys) {
        total += info.count;
        errors += info.errors;
        QVERIFY2(info.first >= double(Rollup::dayOf(Rollup::minuteOf(double(Now - 62 * Day)))),
            qPrintable(QString::number(info.first, 'f', 0)));
    }
    QCOMPARE(total, kept);
    QCOMPARE(errors, keptErrors);
    const auto summary = query.stats({ A, std::nullopt, {} });
    QCOMPARE(summary->count, keys->at(0).count);
}

void tst_Retention::aSizeLimitSummarizesTheOldestFirst()
{
    const QList<Sample> samples = aYear(200, 400, 3);
    RetentionPolicy policy;
    policy.raw = 0;
    policy.summaries = 0;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    {
        SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 2000, 0 }, policy);
        QVERIFY(writer.write(samples).ok());
        QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(Now), 1.0, Now, {} } }).ok());
    }
    auto connection = SqliteConnection::open(path());
    const qint64 before = *Retention::usedBytes(SqliteStatement::handle((*connection)->database()));
    policy.maxBytes = before / 2;
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 2000, 0 }, policy);
    QVERIFY(maintainFully(writer, Now) > 0);
    const qint64 after = *Retention::usedBytes(SqliteStatement::handle((*connection)->database()));
    qInfo() << "used" << before << "bytes, limit" << policy.maxBytes << ", now" << after;
    QVERIFY(after <= policy.maxBytes);
    // The oldest became summaries first: every call still kept raw is newer than every summarized minute. (Here a
    // call a minute summarizes into about as many bytes, so even the newest may have had to become summaries.)
    Query query(std::make_unique<SqliteReader>(path()));
    const auto raw = query.executions({ A, std::nullopt, {} });
    QVERIFY(raw.ok());
    if (!raw->samples.isEmpty()) {
        const auto lastSummarized = (*connection)->scalar(QStringLiteral("SELECT max(max_ts) FROM rollups"));
        QVERIFY(lastSummarized.ok());
        QVERIFY(raw->samples.constFirst().timestamp >= lastSummarized->toDouble());
    }
    const auto oldest = query.executions({ A, std::nullopt, { std::nullopt, double(Now - 150 * Day) } });
    QVERIFY(oldest.ok() && oldest->samples.isEmpty());
    // A call a minute summarizes into about as many bytes: here the oldest summaries had to go too, oldest first.
    const auto keys = query.keys();
    const auto stats = query.stats({ A, std::nullopt, {} });
    QCOMPARE(stats->count, keys->at(0).count);
    QVERIFY(keys->at(0).first > double(Now - 200 * Day));
    const auto chart = query.buckets({ A, std::nullopt, {} }, 10);
    qint64 inChart = 0;
    for (const auto& bucket : chart->buckets)
        inChart += bucket.count;
    QCOMPARE(inChart, stats->count);
}

void tst_Retention::callsSentNowWithOldTimestampsAreKept()
{
    // A decorator's keyword arguments may set timestamp: 0. Such calls arrived now: they stay calls.
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 1, 0 }, policy);
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, 0.0, 5.0, Now, {} }, Sample { QStringLiteral("t"), A, double(Now - 400 * Day), 6.0, Now, {} } }).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(Now), 1.0, Now, {} } }).ok());
    maintainFully(writer, Now);
    Query query(std::make_unique<SqliteReader>(path()));
    QCOMPARE(query.executions({ A, std::nullopt, {} })->samples.size(), 2);
    QVERIFY(storedMinutes(path()).isEmpty());
}

void tst_Retention::anUpgradedFileWaitsADay()
{
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    auto connection = SqliteConnection::open(path());
    sqlite3* db = SqliteStatement::handle((*connection)->database());
    QVERIFY(Retention::setStartsAt(db, Now + Day).ok());
    RetentionPolicy policy;
    policy.raw = Day;
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 1, 0 }, policy);
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(Now - 10 * Day), 5.0, Now - 10 * Day, {} } }).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(Now), 1.0, Now, {} } }).ok());
    QCOMPARE(*writer.maintain(Now, 50), false);
    QVERIFY(storedMinutes(path()).isEmpty());
    QVERIFY(maintainFully(writer, Now + Day) > 0);
    QCOMPARE(storedMinutes(path()).size(), 1);
}

void tst_Retention::keepingEverythingDoesNothing()
{
    RetentionPolicy policy { 0, 0, 0 };
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 1, 0 }, policy);
    QVERIFY(writer.write(aYear(20, 10, 4)).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(Now), 1.0, Now, {} } }).ok());
    QCOMPARE(*writer.maintain(Now, 50), false);
    Query query(std::make_unique<SqliteReader>(path()));
    QVERIFY(query.stats({ A, std::nullopt, {} })->exact);
}

QTEST_GUILESS_MAIN(tst_Retention)
#include "tst_retention.moc"
