// SPDX-License-Identifier: MIT
// Retention on real SQLite files: a year of calls with a 30-day raw retention ends with exactly the calls that
// arrived in the last 30 days and per-minute summaries equal to what the other calls were; expired summaries
// leave the series' totals; a size limit summarizes the oldest first; every answer over old ranges still comes.
// The summaries are kept an hour of a series per row (schema 9): rows that many steps add to, rows a deletion
// cuts, and the day rows of a schema 8 file cut into hours all hold exactly what the calls were.
#include "sqlite/retention.h"
#include "sqlite/rollup.h"
#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"
#include "storagestatuscheck.h"
#include "store/query.h"

#include <cmath>
#include <ctime>
#include <QRandomGenerator>
#include <QSqlError>
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
    void aStepWritesABoundedNumberOfHours();
    void expiredSummariesLeaveTheTotals();
    void aSizeLimitSummarizesTheOldestFirst();
    void callsSentNowWithOldTimestampsAreKept();
    void anUpgradedFileWaitsADay();
    void keepingEverythingDoesNothing();
    void summariesCrossingHoursInSmallSteps();
    void deletingARangeCutsHourRows();
    void anUpgradeCutsDaysIntoHours();
    void anUpgradeMovesHoursApartInBatchesAndResumes();
    void summarizedBucketsAreWholeHours_data();
    void summarizedBucketsAreWholeHours();
    void aRangeReadBeforeRetentionKeepsItsFirstMinute_data();
    void aRangeReadBeforeRetentionKeepsItsFirstMinute();
    void theStatusReadsNoTableWhole();
    void theStatusWeighsWhatTheFileHolds_data();
    void theStatusWeighsWhatTheFileHolds();

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
    query.exec(QStringLiteral("SELECT s.key, r.hour, r.data FROM rollups r JOIN series s ON s.id = r.series_id"));
    while (query.next()) {
        const auto minutes = Rollup::decode(query.value(2).toByteArray(), query.value(1).toLongLong());
        if (!minutes)
            qWarning() << "damaged rollup";
        for (const auto& minute : minutes.value_or(QList<MinuteSummary> {}))
            out[{ query.value(0).toString(), minute.minute }] = minute.summary;
    }
    return out;
}

// Every row of `rollup_hours` is an hour of one series with its minutes in `rollups`, and the other way round: its
// minutes lie in [hour, hour + 1 h), min_ts and max_ts are its first and last minute, and its own columns are the
// total of its minutes. Returns what is wrong, or nothing.
QString badRollupRow(const QString& path, qint64* rows = nullptr)
{
    auto connection = SqliteConnection::open(path);
    QSqlQuery query((*connection)->database());
    const auto unpaired = (*connection)->scalar(QStringLiteral(
        "SELECT (SELECT count(*) FROM rollup_hours h WHERE NOT EXISTS (SELECT 1 FROM rollups m "
        "WHERE m.series_id = h.series_id AND m.hour = h.hour)) + (SELECT count(*) FROM rollups m WHERE NOT EXISTS "
        "(SELECT 1 FROM rollup_hours h WHERE h.series_id = m.series_id AND h.hour = m.hour))"));
    if (!unpaired || unpaired->toLongLong() != 0)
        return QStringLiteral("an hour's summary without its minutes, or minutes without their hour");
    if (!query.exec(QStringLiteral("SELECT h.series_id, h.hour, h.min_ts, h.max_ts, h.sample_count, h.sum_ms, h.min_ms, "
                                   "h.max_ms, h.errors, m.data FROM rollup_hours h JOIN rollups m "
                                   "ON m.series_id = h.series_id AND m.hour = h.hour")))
        return QStringLiteral("cannot read rollups");
    qint64 count = 0;
    while (query.next()) {
        ++count;
        const qint64 hour = query.value(1).toLongLong();
        const QString where = QStringLiteral("series %1, hour %2: ").arg(query.value(0).toLongLong()).arg(hour);
        if (hour != Rollup::hourOf(hour))
            return where + QStringLiteral("not the start of an hour");
        const auto minutes = Rollup::decode(query.value(9).toByteArray(), hour);
        if (!minutes || minutes->isEmpty())
            return where + QStringLiteral("damaged or empty");
        if (minutes->first().minute < hour || minutes->last().minute >= hour + Rollup::Hour)
            return where + QStringLiteral("minutes outside the hour");
        if (query.value(2).toDouble() != double(minutes->first().minute)
            || query.value(3).toDouble() != double(minutes->last().minute))
            return where + QStringLiteral("min_ts/max_ts are not its first and last minute");
        const CallSummary total = Rollup::total(*minutes);
        if (query.value(4).toLongLong() != total.count || !qFuzzyCompare(query.value(5).toDouble(), total.sum)
            || query.value(6).toDouble() != total.min || query.value(7).toDouble() != total.max
            || query.value(8).toLongLong() != total.errors)
            return where + QStringLiteral("its totals are not those of its minutes");
    }
    if (rows)
        *rows = count;
    return {};
}

// Compares the summaries stored per minute with those expected; returns what differs, or nothing.
QString differingMinute(
    const QMap<std::pair<QString, qint64>, CallSummary>& got, const QMap<std::pair<QString, qint64>, CallSummary>& want)
{
    if (got.size() != want.size())
        return QStringLiteral("%1 minutes stored, %2 expected").arg(got.size()).arg(want.size());
    for (auto it = want.cbegin(); it != want.cend(); ++it) {
        const CallSummary& g = got.value(it.key());
        if (g.count != it->count || g.min != it->min || g.max != it->max || g.errors != it->errors
            || !qFuzzyCompare(g.sum, it->sum))
            return QStringLiteral("minute %1 of %2: %3 calls, %4 ms (expected %5, %6)")
                .arg(it.key().second)
                .arg(it.key().first)
                .arg(g.count)
                .arg(g.sum)
                .arg(it->count)
                .arg(it->sum);
    }
    return {};
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
    QCOMPARE(wrongStorageStatus(path()), QString()); // what each tier weighs followed every step

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
    // The same from the series' first call to its last, as the window's "All" asks: the first call's minute
    // starts before it, and was left out (a chart of a year drew 90,599 of 90,600 calls).
    for (const auto& info : *keys) {
        QVERIFY(std::fmod(info.first, 60) != 0); // the first call is inside its minute
        const SeriesSelector all { info.id.key, info.id.token, { info.first, info.last } };
        const auto closed = query.buckets(all, 300);
        QVERIFY(closed.ok() && !closed->exact);
        qint64 drawn = 0;
        for (const auto& bucket : closed->buckets)
            drawn += bucket.count;
        QCOMPARE(drawn, info.count);
        const auto stats = query.stats(all);
        QVERIFY(stats.ok());
        QCOMPARE(stats->count, info.count);
    }
    // Nothing is left to do, and doing it again changes nothing.
    QCOMPARE(maintainFully(writer, Now), 1);
}

void tst_Retention::aStepWritesABoundedNumberOfHours()
{
    // Functions called a few times a day: each chunk of 1,000 calls spans about a year, every call its own hour.
    // Taken whole, one chunk was hundreds of hour rows to write in one step: a 20 ms step took 0.1-1.4 s and
    // stalled the writer. A step now writes at most 8 hour rows per millisecond of its budget and leaves the rest
    // of the chunk for the next; in the end every call is summarized exactly once.
    const QList<Sample> samples = aYear(365, 3, 7);
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 1000, 0 }, policy);
    QVERIFY(writer.write(samples).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(Now), 1.0, Now, {} } }).ok());
    const auto hours = [&] {
        auto connection = SqliteConnection::open(path());
        return (*connection)->scalar(QStringLiteral("SELECT count(*) FROM rollup_hours"))->toLongLong();
    };
    for (const int budget : { 20, 50 }) {
        const qint64 before = hours();
        const auto more = writer.maintain(Now, budget);
        QVERIFY(more.ok());
        QVERIFY(*more); // the year is far from done
        const qint64 written = hours() - before;
        QVERIFY2(written > 0 && written <= 8 * budget, qPrintable(QString::number(written)));
    }
    QVERIFY(maintainFully(writer, Now) > 0);
    QList<Sample> all = samples;
    all.append(Sample { QStringLiteral("t"), A, double(Now), 1.0, Now, {} });
    const Expected expected = split(all, Now - 30 * Day);
    QCOMPARE(differingMinute(storedMinutes(path()), expected.minutes), QString());
    Query query(std::make_unique<SqliteReader>(path()));
    for (const QString& key : { A, B }) {
        const auto page = query.executions({ key, std::nullopt, {} }, {}, Query::MaxPageSize);
        QVERIFY(page.ok());
        const qint64 want = std::count_if(expected.raw.begin(), expected.raw.end(), [&](const Sample& s) { return s.key == key; });
        QCOMPARE(page->samples.size(), want);
    }
    QCOMPARE(wrongStorageStatus(path()), QString());
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
    QCOMPARE(wrongStorageStatus(path()), QString()); // expired hours left tier_use too
    Query query(std::make_unique<SqliteReader>(path()));
    // An hour of summaries goes once the last of its calls arrived more than 60 days ago, and leaves the totals.
    QHash<std::pair<QString, qint64>, qint64> lastArrival; // (key, hour)
    for (const auto& sample : samples) {
        auto& last = lastArrival[{ sample.key, Rollup::hourOf(Rollup::minuteOf(sample.timestamp)) }];
        last = std::max(last, sample.receivedAt);
    }
    qint64 kept = 1;
    qint64 keptErrors = 0;
    for (const auto& sample : samples) {
        const bool hourKept = lastArrival.value({ sample.key, Rollup::hourOf(Rollup::minuteOf(sample.timestamp)) }) >= Now - 60 * Day;
        const bool minuteKept = sample.receivedAt >= Now - 10 * Day || hourKept;
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
        const auto lastSummarized = (*connection)->scalar(QStringLiteral("SELECT max(max_ts) FROM rollup_hours"));
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

namespace {

// Five hours of two functions, a call every 3 s each (lognormal-like times, one in ten failed), starting 20 minutes
// into an hour, each arriving 0-2 s after it started.
QList<Sample> fiveHours(qint64 start, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Sample> samples;
    for (qint64 t = start; t < start + 5 * Rollup::Hour; t += 3) {
        for (const QString& key : { A, B }) {
            const double ms = std::round(std::exp(random.generateDouble() * 6) * 100) / 100;
            const bool failed = random.bounded(10) == 0;
            samples.append({ QStringLiteral("t"), key, double(t) + random.generateDouble(), ms,
                t + random.bounded(3), failed ? QByteArray(R"({"error":"E"})") : QByteArray() });
        }
    }
    return samples;
}

// What retention leaves of `samples` in the minutes of the calls that arrived before `cutoff`, and the stats of a
// range as summaries answer it (a summarized minute is in the range when its start is).
CallSummary expectedIn(const QList<Sample>& samples, const QString& key, const TimeRange& range, qint64 cutoff)
{
    CallSummary out;
    for (const auto& sample : samples) {
        const double at = sample.receivedAt < cutoff ? double(Rollup::minuteOf(sample.timestamp)) : sample.timestamp;
        if (sample.key == key && range.contains(at))
            out.add(sample.executionTime, !sample.extra.isEmpty());
    }
    return out;
}

} // namespace

void tst_Retention::summariesCrossingHoursInSmallSteps()
{
    // A collector's retention: every 10 minutes of arrivals, a step summarizes the calls that just became older
    // than --retention-raw (10 minutes here), so each hour row is written by several steps, and the minutes cross
    // six hours. The rows, the minutes and the answers are exactly those of the calls.
    const qint64 start = Rollup::hourOf(Now - 7 * Rollup::Hour) + 20 * Rollup::Minute;
    const QList<Sample> samples = fiveHours(start, 11);
    RetentionPolicy policy;
    policy.raw = 600;
    policy.summaries = 0;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 100, 0 }, policy);
    const qint64 end = start + 5 * Rollup::Hour + 5;
    int steps = 0;
    for (qint64 now = start + 600; now < end + 600; now += 600) {
        QList<Sample> batch;
        for (const auto& sample : samples) {
            if (sample.receivedAt >= now - 600 && sample.receivedAt < now)
                batch.append(sample);
        }
        QVERIFY(writer.write(batch).ok());
        const int taken = maintainFully(writer, now);
        QVERIFY(taken > 0);
        steps += taken;
        QCOMPARE(badRollupRow(path()), QString());
        QCOMPARE(wrongStorageStatus(path()), QString()); // hour rows rewritten in place (upserts)
    }
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(end + 600), 1.0, end + 600, {} } }).ok());
    steps += maintainFully(writer, end + 600);
    qInfo() << samples.size() << "calls of five hours summarized in" << steps << "steps";

    QList<Sample> all = samples;
    all.append(Sample { QStringLiteral("t"), A, double(end + 600), 1.0, end + 600, {} });
    const qint64 cutoff = end;
    QCOMPARE(differingMinute(storedMinutes(path()), split(all, cutoff).minutes), QString());
    qint64 rows = 0;
    QCOMPARE(badRollupRow(path(), &rows), QString());
    QCOMPARE(rows, qint64(2 * 6)); // two functions, six hours (20 minutes into the first, 20 into the sixth)

    Query query(std::make_unique<SqliteReader>(path()));
    // Ranges over whole rows, cutting rows, and everything: counts, sums, extremes and errors as the calls were.
    const TimeRange ranges[] = {
        {},
        { double(start + 40 * Rollup::Minute), double(start + 3 * Rollup::Hour + 17 * Rollup::Minute + 30) },
        { double(Rollup::hourOf(start) + Rollup::Hour), double(Rollup::hourOf(start) + 3 * Rollup::Hour) },
        { double(Rollup::hourOf(start) + 3 * Rollup::Hour - 2 * Rollup::Minute),
            double(Rollup::hourOf(start) + 3 * Rollup::Hour + 2 * Rollup::Minute + 30) },
    };
    for (const QString& key : { A, B }) {
        for (const auto& range : ranges) {
            const auto stats = query.stats({ key, std::nullopt, range });
            QVERIFY(stats.ok());
            const CallSummary want = expectedIn(all, key, range, cutoff);
            QCOMPARE(stats->count, want.count);
            QCOMPARE(stats->min, want.min);
            QCOMPARE(stats->max, want.max);
            QCOMPARE(stats->errors, want.errors);
            QVERIFY(qFuzzyCompare(stats->mean, want.sum / double(want.count)));
            qint64 inChart = 0;
            const auto chart = query.buckets({ key, std::nullopt, range }, 7);
            QVERIFY(chart.ok());
            for (const auto& bucket : chart->buckets)
                inChart += bucket.count;
            QCOMPARE(inChart, want.count);
        }
    }
    // The series' totals count every call, once.
    const auto keys = query.keys();
    for (const auto& info : *keys)
        QCOMPARE(info.count, expectedIn(all, info.id.key, {}, cutoff).count);
}

void tst_Retention::deletingARangeCutsHourRows()
{
    // A deleted range that starts and ends inside hour rows: the minutes in it go, the rest of those rows stays
    // with totals of what is left, the rows between go whole.
    const qint64 start = Rollup::hourOf(Now - 7 * Rollup::Hour) + 20 * Rollup::Minute;
    const QList<Sample> samples = fiveHours(start, 12);
    RetentionPolicy policy;
    policy.raw = 600;
    policy.summaries = 0;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 100, 0 }, policy);
    const qint64 end = start + 5 * Rollup::Hour + 5;
    QVERIFY(writer.write(samples).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(end + 600), 1.0, end + 600, {} } }).ok());
    QVERIFY(maintainFully(writer, end + 600) > 0);
    qint64 rowsBefore = 0;
    QCOMPARE(badRollupRow(path(), &rowsBefore), QString());

    const TimeRange cut { double(start + 70 * Rollup::Minute), double(start + 3 * Rollup::Hour + 10 * Rollup::Minute) };
    const auto deleted = writer.remove({ A, std::nullopt, cut });
    QVERIFY2(deleted.ok(), deleted.ok() ? "" : qPrintable(deleted.error()));
    QList<Sample> kept;
    for (const auto& sample : samples) {
        if (sample.key != A || !cut.contains(double(Rollup::minuteOf(sample.timestamp))))
            kept.append(sample);
    }
    QCOMPARE(*deleted, qint64(samples.size() - kept.size()));
    QCOMPARE(wrongStorageStatus(path()), QString()); // hour rows cut and deleted
    kept.append(Sample { QStringLiteral("t"), B, double(end + 600), 1.0, end + 600, {} });
    QCOMPARE(differingMinute(storedMinutes(path()), split(kept, end).minutes), QString());
    qint64 rowsAfter = 0;
    QCOMPARE(badRollupRow(path(), &rowsAfter), QString());
    QCOMPARE(rowsAfter, rowsBefore - 1); // hours 2 and 3 of A are cut, the one between them goes
    Query query(std::make_unique<SqliteReader>(path()));
    for (const QString& key : { A, B }) {
        const CallSummary want = expectedIn(kept, key, {}, end);
        const auto stats = query.stats({ key, std::nullopt, {} });
        QCOMPARE(stats->count, want.count);
        QCOMPARE(stats->min, want.min);
        QCOMPARE(stats->max, want.max);
        QCOMPARE(stats->errors, want.errors);
        const auto inCut = query.stats({ key, std::nullopt, cut });
        QCOMPARE(inCut.ok() ? inCut->count : 0, expectedIn(kept, key, cut, end).count);
    }
    const auto keys = query.keys();
    for (const auto& info : *keys)
        QCOMPARE(info.count, expectedIn(kept, info.id.key, {}, end).count);
}

void tst_Retention::aRangeReadBeforeRetentionKeepsItsFirstMinute_data()
{
    QTest::addColumn<qint64>("exactCallLimit"); // above it the reader answers from summaries
    QTest::addColumn<int>("summarized"); // the oldest calls retention summarizes after the range was read
    QTest::newRow("exact reads, a few calls of the first minute") << SqliteReader::DefaultExactCallLimit << 9;
    QTest::newRow("summaries, a few calls of the first minute") << qint64(100) << 9;
    QTest::newRow("exact reads, into the second minute") << SqliteReader::DefaultExactCallLimit << 20;
    QTest::newRow("summaries, into the second minute") << qint64(100) << 20;
}

void tst_Retention::aRangeReadBeforeRetentionKeepsItsFirstMinute()
{
    // The window takes a function's range from its first call to its last (the functions list), then draws it.
    // If retention summarizes the oldest calls in between, they now exist only in minute summaries that start
    // before the range's start. Found by make bench on the 10M database (the file spanned exactly the raw
    // retention): the chart of the 1M-call function drew 999,987-999,991 calls while the statistics said 1M.
    QFETCH(qint64, exactCallLimit);
    QFETCH(int, summarized);
    const double first = double(Rollup::minuteOf(double(Now - 40 * Day))) + 30.5; // inside its minute
    QList<Sample> samples;
    for (int i = 0; i < 2000; ++i) {
        const double t = first + 2.0 * i;
        samples.append({ QStringLiteral("t"), A, t, 1.0 + i % 97, qint64(std::floor(t)),
            i % 10 ? QByteArray() : QByteArray(R"({"error":"E"})") });
    }
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0;
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 500, 0 }, policy);
    QVERIFY(writer.write(samples).ok());
    Query query(std::make_unique<SqliteReader>(path(), ReadScope {}, exactCallLimit));
    const auto keys = query.keys();
    QVERIFY(keys.ok() && keys->size() == 1);
    const SeriesInfo before = keys->front();
    QCOMPARE(before.first, first);
    // Now retention summarizes the oldest calls: those that arrived before the cutoff.
    const qint64 cutoff = samples[summarized].receivedAt;
    QVERIFY(maintainFully(writer, cutoff + 30 * Day) > 0);
    QCOMPARE(storedMinutes(path()).size(), summarized > 15 ? 2 : 1);
    const SeriesSelector all { A, QStringLiteral("t"), { before.first, before.last } };
    const auto chart = query.buckets(all, 251);
    QVERIFY(chart.ok());
    qint64 drawn = 0;
    for (const auto& bucket : chart->buckets)
        drawn += bucket.count;
    QCOMPARE(drawn, qint64(samples.size()));
    const auto stats = query.stats(all);
    QVERIFY(stats.ok());
    QCOMPARE(stats->count, qint64(samples.size()));
    QCOMPARE(stats->errors, qint64(samples.size() / 10));
    const auto summary = query.summary(all);
    QVERIFY(summary.ok());
    QCOMPARE(summary->count, qint64(samples.size()));
    const auto table = query.summaries(all.range); // the functions table over the same range
    QVERIFY(table.ok() && table->size() == 1);
    QCOMPARE(table->front().count, qint64(samples.size()));
}

void tst_Retention::summarizedBucketsAreWholeHours_data()
{
    QTest::addColumn<qint64>("from"); // seconds before Now; 0 = the first call ("All")
    QTest::addColumn<qint64>("to"); // seconds before Now; 0 = the last call
    QTest::addColumn<int>("points");
    QTest::addColumn<double>("unit"); // what the step is a whole number of
    QTest::newRow("All, summaries and calls") << qint64(0) << qint64(0) << 1000 << 3600.0;
    QTest::newRow("summaries only, 3 points") << qint64(50 * Day + 1234) << qint64(40 * Day + 17) << 3 << 3600.0;
    QTest::newRow("six summarized hours, 1000 points") << qint64(45 * Day + 6 * 3600 + 7) << qint64(45 * Day + 13)
                                                       << 1000 << 60.0;
    QTest::newRow("across the raw retention") << qint64(35 * Day + 999) << qint64(25 * Day) << 240 << 3600.0;
}

void tst_Retention::summarizedBucketsAreWholeHours()
{
    // A range holding summaries is cut into whole hours (or minutes), so that no hour row (minute) is split
    // between buckets: each bucket's count, min, max and failed calls are then exactly those of the calls in it.
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, points);
    QFETCH(double, unit);
    QList<Sample> samples = aYear(60, 480, 11);
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0;
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 5000, 0 }, policy);
    for (qsizetype at = 0; at < samples.size(); at += 10000)
        QVERIFY(writer.write(samples.mid(at, 10000)).ok());
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), B, double(Now), 1.0, Now, {} } }).ok());
    QVERIFY(maintainFully(writer, Now) > 0);

    QList<Sample> ofA;
    std::copy_if(samples.begin(), samples.end(), std::back_inserter(ofA), [](const Sample& s) { return s.key == A; });
    const TimeRange range { from ? std::optional(double(Now - from)) : std::nullopt,
        to ? std::optional(double(Now - to)) : std::nullopt };
    Query query(std::make_unique<SqliteReader>(path()));
    const auto chart = query.buckets({ A, std::nullopt, range }, points);
    QVERIFY(chart.ok());
    QVERIFY(!chart->exact);
    QVERIFY(chart->origin);
    QCOMPARE(std::fmod(*chart->origin, unit), 0.0);
    QCOMPARE(std::fmod(chart->step, unit), 0.0);
    QVERIFY(chart->step >= unit);
    const double first = range.from.value_or(ofA.first().timestamp);
    const double last = range.to.value_or(ofA.last().timestamp);
    QVERIFY(*chart->origin <= first && *chart->origin > first - unit);
    QVERIFY((last - *chart->origin) / chart->step <= points); // at most the buckets asked for
    // The calls each bucket should hold: a call older than the raw retention is in the range when its minute's
    // start is (what a summary knows of it), and the last bucket takes a call at the range's end.
    const qint64 cutoff = Now - 30 * Day;
    const double origin = *chart->origin;
    const qint64 count = qint64(std::ceil((last - origin) / chart->step));
    QMap<qint64, CallSummary> want;
    qint64 inRange = 0;
    for (const auto& sample : std::as_const(ofA)) {
        const double at = sample.receivedAt < cutoff ? double(Rollup::minuteOf(sample.timestamp)) : sample.timestamp;
        if ((range.from && at < first) || (range.to && at > last))
            continue; // an open end takes every call
        want[std::min(qint64(std::floor((sample.timestamp - origin) / chart->step)), count - 1)].add(
            sample.executionTime, !sample.extra.isEmpty());
        ++inRange;
    }
    qint64 drawn = 0;
    for (const auto& bucket : chart->buckets) {
        const QByteArray where = QByteArray::number(bucket.start, 'f', 0);
        const qint64 index = qint64(std::round((bucket.start - origin) / chart->step));
        QVERIFY2(bucket.start == origin + double(index) * chart->step, where);
        const CallSummary expected = want.value(index);
        QVERIFY2(bucket.count == expected.count,
            QByteArray(where + ": " + QByteArray::number(bucket.count) + " calls, want " + QByteArray::number(expected.count))
                .constData());
        QCOMPARE(bucket.min, expected.min);
        QCOMPARE(bucket.max, expected.max);
        QCOMPARE(bucket.errors, expected.errors);
        drawn += bucket.count;
    }
    QCOMPARE(drawn, inRange);
}

void tst_Retention::anUpgradeCutsDaysIntoHours()
{
    // A schema 8 file: its rollups hold a day of a series per row, in the day format (Rollup::encodeDay), written
    // here as schema 8's retention wrote them. Opening it cuts them into hours; the minutes, totals and answers
    // stay, and retention goes on adding to the converted rows.
    const qint64 start = Rollup::dayOf(Now) - 3 * Rollup::Hour + 20 * Rollup::Minute; // 21:20: crosses midnight
    QList<Sample> samples = fiveHours(start, 13);
    for (const auto& sample : fiveHours(start + 8 * Rollup::Hour, 14))
        samples.append(sample);
    const qint64 cutoff = start + 12 * Rollup::Hour + 10;
    const QList<Sample> old = [&] {
        QList<Sample> out;
        for (const auto& sample : samples) {
            if (sample.receivedAt < cutoff)
                out.append(sample);
        }
        return out;
    }();
    const auto expected = split(old, cutoff).minutes;
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(connection.ok());
        QVERIFY(Schema::migrateTo(**connection, 8).ok());
        auto& db = **connection;
        QHash<QString, qint64> ids;
        QHash<std::pair<QString, qint64>, QList<MinuteSummary>> days;
        QHash<QString, CallSummary> totals;
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            days[{ it.key().first, Rollup::dayOf(it.key().second) }].append({ it.key().second, *it });
            totals[it.key().first].merge(*it);
        }
        for (const QString& key : { A, B }) {
            QSqlQuery insert(db.database());
            QVERIFY(insert.prepare(QStringLiteral("INSERT INTO series (token, key, sample_count, total_ms, first_ts, "
                                                  "last_ts, error_count) VALUES ('t', ?, ?, ?, ?, ?, ?)")));
            insert.addBindValue(key);
            insert.addBindValue(totals[key].count);
            insert.addBindValue(totals[key].sum);
            insert.addBindValue(double(start));
            insert.addBindValue(double(cutoff));
            insert.addBindValue(totals[key].errors);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
            ids[key] = insert.lastInsertId().toLongLong();
            QSqlQuery summary(db.database());
            QVERIFY(summary.prepare(QStringLiteral("INSERT INTO series_summary (series_id, count, sum_ms, sumsq_ms, "
                                                   "min_ms, max_ms, errors, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")));
            for (const QVariant& value : { QVariant(ids[key]), QVariant(totals[key].count), QVariant(totals[key].sum),
                     QVariant(totals[key].sumSquares), QVariant(totals[key].min), QVariant(totals[key].max),
                     QVariant(totals[key].errors), QVariant(totals[key].sketch.encode()) })
                summary.addBindValue(value);
            QVERIFY2(summary.exec(), qPrintable(summary.lastError().text()));
        }
        for (auto it = days.cbegin(); it != days.cend(); ++it) {
            const CallSummary total = Rollup::total(*it);
            QSqlQuery insert(db.database());
            QVERIFY(insert.prepare(QStringLiteral("INSERT INTO rollups (series_id, day, min_ts, max_ts, max_arrival, "
                                                  "sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch, "
                                                  "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
            for (const QVariant& value : { QVariant(ids[it.key().first]), QVariant(it.key().second),
                     QVariant(double(it->first().minute)), QVariant(double(it->last().minute)), QVariant(cutoff - 1),
                     QVariant(total.count), QVariant(total.sum), QVariant(total.sumSquares), QVariant(total.min),
                     QVariant(total.max), QVariant(total.errors), QVariant(total.sketch.encode()),
                     QVariant(Rollup::encodeDay(*it)) })
                insert.addBindValue(value);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
        QCOMPARE(days.size(), 4); // two functions, two days
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version"))->toInt(), 8);
    }
    SqliteStore store(path());
    QVERIFY(store.open().ok()); // the upgrade
    {
        auto connection = SqliteConnection::open(path());
        QCOMPARE((*connection)->scalar(QStringLiteral("PRAGMA user_version"))->toInt(), Schema::CurrentVersion);
    }
    QCOMPARE(wrongStorageStatus(path()), QString()); // version 10 summed what versions 8 and 9 left
    qint64 rows = 0;
    QCOMPARE(badRollupRow(path(), &rows), QString());
    QCOMPARE(rows, qint64(2 * 11)); // six hours, then five more from 8 hours later, until the cutoff
    QCOMPARE(differingMinute(storedMinutes(path()), expected), QString());
    {
        Query query(std::make_unique<SqliteReader>(path()));
        for (const QString& key : { A, B }) {
            const CallSummary want = expectedIn(old, key, {}, cutoff);
            const auto stats = query.stats({ key, std::nullopt, {} });
            QCOMPARE(stats->count, want.count);
            QCOMPARE(stats->min, want.min);
            QCOMPARE(stats->max, want.max);
            QCOMPARE(stats->errors, want.errors);
            const TimeRange acrossMidnight { double(Rollup::dayOf(start + Rollup::Day) - 30 * Rollup::Minute),
                double(Rollup::dayOf(start + Rollup::Day) + 30 * Rollup::Minute) };
            QCOMPARE(query.stats({ key, std::nullopt, acrossMidnight })->count,
                expectedIn(old, key, acrossMidnight, cutoff).count);
        }
    }
    // Retention goes on: the calls that arrived after the cutoff are added to the converted hour rows.
    RetentionPolicy policy;
    policy.raw = 600;
    policy.summaries = 0;
    SqliteWriter writer(path(), {}, ChunkPolicy::Compaction { 100, 0 }, policy);
    QList<Sample> rest;
    for (const auto& sample : samples) {
        if (sample.receivedAt >= cutoff)
            rest.append(sample);
    }
    QVERIFY(!rest.isEmpty());
    QVERIFY(writer.write(rest).ok());
    const qint64 later = start + 13 * Rollup::Hour + 1200; // the calls of the last hour arrived after the cutoff
    QVERIFY(writer.write({ Sample { QStringLiteral("t"), A, double(later), 1.0, later, {} } }).ok());
    QVERIFY(maintainFully(writer, later) > 0);
    samples.append(Sample { QStringLiteral("t"), A, double(later), 1.0, later, {} });
    QCOMPARE(differingMinute(storedMinutes(path()), split(samples, later - 600).minutes), QString());
    QCOMPARE(badRollupRow(path()), QString());
    QCOMPARE(wrongStorageStatus(path()), QString());
    Query query(std::make_unique<SqliteReader>(path()));
    const auto keys = query.keys();
    for (const auto& info : *keys)
        QCOMPARE(info.count, expectedIn(samples, info.id.key, {}, later - 600).count);
}

void tst_Retention::anUpgradeMovesHoursApartInBatchesAndResumes()
{
    // A schema 10 file with 250,000 hour rows (three batches of the move to schema 11). The move fails in its
    // third batch (a trigger refuses to let series 240's rows go, as a full disk would refuse the write), and
    // the file then holds two batches moved and the rest not; the next open resumes it. At the end every row is
    // once in the new layout, exactly as it was, with the same weights.
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(connection.ok());
        auto& db = **connection;
        QVERIFY(Schema::migrateTo(db, 10).ok());
        QVERIFY(db.execute(QStringLiteral("BEGIN")).ok());
        QVERIFY(db.execute(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) "
                                          "INSERT INTO series (token, key) SELECT 't', '/srv/app.py-f' || i FROM n"))
                    .ok());
        // Inserted out of (series, hour) order, as retention writes them: hour by hour across the series.
        QVERIFY(db.execute(QStringLiteral(
                               "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999) "
                               "INSERT INTO rollups (series_id, hour, min_ts, max_ts, max_arrival, sample_count, sum_ms, "
                               "sumsq_ms, min_ms, max_ms, errors, sketch, data) "
                               "SELECT s.id, 1700000000 - 1700000000 % 3600 + n.i * 3600, "
                               "1700000000 - 1700000000 % 3600 + n.i * 3600, "
                               "1700000000 - 1700000000 % 3600 + n.i * 3600 + 60 * (s.id % 60), 1700000000 + n.i, "
                               "1 + (n.i * s.id) % 97, n.i * 0.5, n.i * 0.25, 0.1 * s.id, 0.2 * s.id + n.i, n.i % 3, "
                               "randomblob(8 + (n.i + s.id) % 40), randomblob(16 + (n.i * 7 + s.id) % 300) FROM n, series s"))
                    .ok());
        QVERIFY(db.execute(QStringLiteral("CREATE TABLE expected AS SELECT * FROM rollups")).ok());
        QVERIFY(db.execute(QStringLiteral("CREATE TRIGGER refuse BEFORE DELETE ON rollups WHEN OLD.series_id = 240 "
                                          "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
                    .ok());
        QVERIFY(db.execute(QStringLiteral("COMMIT")).ok());
    }
    const auto count = [&](const QString& sql) {
        auto connection = SqliteConnection::open(path());
        const auto value = (*connection)->scalar(sql);
        return value ? value->toLongLong() : -1;
    };
    {
        auto connection = SqliteConnection::open(path());
        const auto moved = Schema::migrate(**connection);
        QVERIFY(!moved.ok());
        QVERIFY2(moved.error().contains(QLatin1String("disk full")), qPrintable(moved.error()));
    }
    // Every step is taken (a Kodemon of schema 10 refuses the file now); the move and the rows' weights (schema 12,
    // set once the move ends) are left for the next open.
    QCOMPARE(count(QStringLiteral("PRAGMA user_version")), qint64(Schema::CurrentVersion));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'moving_rollups'")), qint64(1));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'reweigh_rows'")), qint64(1));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rollup_hours")), qint64(200000)); // two batches
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rollup_minutes")), qint64(200000));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rollups")), qint64(50000));
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY((*connection)->execute(QStringLiteral("DROP TRIGGER refuse")).ok());
    }
    SqliteStore store(path());
    const auto opened = store.open(); // resumes the move
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'moving_rollups'")), qint64(0));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM meta WHERE name = 'reweigh_rows'")), qint64(0));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rollup_hours")), qint64(250000));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM rollups")), qint64(250000));
    const QString summaryColumns = QStringLiteral(
        "series_id, hour, min_ts, max_ts, max_arrival, sample_count, sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch");
    for (const QString& sql :
        { QStringLiteral("SELECT count(*) FROM (SELECT %1 FROM expected EXCEPT SELECT %1 FROM rollup_hours)"),
            QStringLiteral("SELECT count(*) FROM (SELECT %1 FROM rollup_hours EXCEPT SELECT %1 FROM expected)"),
            QStringLiteral("SELECT count(*) FROM (SELECT series_id, hour, data FROM expected "
                           "EXCEPT SELECT series_id, hour, data FROM rollups)") })
        QCOMPARE(count(QString(sql).replace(QLatin1String("%1"), summaryColumns)), qint64(0));
    QCOMPARE(wrongStorageStatus(path()), QString()); // the weights did not move with the rows
    // and they follow writes again: the triggers are back
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY((*connection)->execute(QStringLiteral("DELETE FROM rollup_hours WHERE series_id = 7")).ok());
        QVERIFY((*connection)->execute(QStringLiteral("DELETE FROM rollups WHERE series_id = 8")).ok());
    }
    QCOMPARE(wrongStorageStatus(path()), QString());
}

void tst_Retention::theStatusReadsNoTableWhole()
{
    // The status bar, the Settings dialog and GET /api/status ask what each tier holds. Summed over `rollups` it
    // took 9.3 s on a year of 100M calls (8M hour rows), on the HTTP thread the web page polls. Now a seek per
    // series and tier_use: against the same sums over 200,000 hour rows, a small fraction of the time, and equal.
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    {
        auto connection = SqliteConnection::open(path());
        QVERIFY(connection.ok());
        auto& db = **connection;
        QVERIFY(db.execute(QStringLiteral("BEGIN")).ok());
        QVERIFY(db.execute(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                                          "INSERT INTO series (token, key) SELECT 't', '/srv/app.py-f' || i FROM n"))
                    .ok());
        QVERIFY(db.execute(QStringLiteral(
                               "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999) "
                               "INSERT INTO rollup_hours (series_id, hour, min_ts, max_ts, max_arrival, sample_count, "
                               "sum_ms, sumsq_ms, min_ms, max_ms, errors, sketch) "
                               "SELECT s.id, 1700000000 - 1700000000 % 3600 + n.i * 3600 + s.id * 7200, "
                               "1700000000 - 1700000000 % 3600 + n.i * 3600 + s.id * 7200, "
                               "1700000000 - 1700000000 % 3600 + n.i * 3600 + s.id * 7200 + 60, 1700000000, 10 + n.i % 7, "
                               "1.0, 1.0, 0.1, 0.2, 0, randomblob(16 + n.i % 5) FROM series s, n"))
                    .ok());
        QVERIFY(db.execute(QStringLiteral("INSERT INTO rollups (series_id, hour, data) "
                                          "SELECT series_id, hour, randomblob(64) FROM rollup_hours"))
                    .ok());
        QVERIFY(db.execute(QStringLiteral("COMMIT")).ok());
    }
    QCOMPARE(wrongStorageStatus(path()), QString());
    const auto median = [](QList<qint64> times) {
        std::sort(times.begin(), times.end());
        return times.at(times.size() / 2);
    };
    SqliteReader reader(path());
    QList<qint64> status, scan;
    auto connection = SqliteConnection::open(path());
    // In the thread's CPU time (both read in this thread): a CI machine's wall clock once timed a 2 ms loop at
    // 34 ms, and a stall there would fall on one side only.
    const auto cpuNanoseconds = [] {
        timespec now {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    };
    for (int round = 0; round < 5; ++round) {
        qint64 started = cpuNanoseconds();
        QVERIFY(reader.storageStatus().ok());
        status.append(cpuNanoseconds() - started);
        started = cpuNanoseconds();
        QVERIFY((*connection)->scalar(QStringLiteral("SELECT (SELECT min(min_ts) FROM rollup_hours) + (SELECT sum(length(data)) "
                                                     "FROM rollups) + (SELECT sum(length(sketch)) FROM rollup_hours) "
                                                     "+ (SELECT sum(sample_count) FROM rollup_hours)"))
                    .ok());
        scan.append(cpuNanoseconds() - started);
    }
    qInfo() << "status" << median(status) / 1000 << "µs, the scans it replaced" << median(scan) / 1000 << "µs";
    QVERIFY2(median(status) * 10 < median(scan), "the status still reads the summaries row by row");
}

void tst_Retention::theStatusWeighsWhatTheFileHolds_data()
{
    QTest::addColumn<int>("functions");
    QTest::addColumn<int>("perHour");
    // 1 call an hour: each hour row and minute row holds one call (the sparse year's shape); 300: large sketches
    // and minute blobs of every minute.
    QTest::newRow("rarely called") << 300 << 1;
    QTest::newRow("busy") << 2 << 300;
}

// "On disk" in the Settings dialog and GET /api/status is what SQLite's pages hold (its dbstat table), not only the
// blobs: those were 5.7 MB of a sparse year's 39.6 MB of summary pages. Each tier within 30%.
void tst_Retention::theStatusWeighsWhatTheFileHolds()
{
    QFETCH(int, functions);
    QFETCH(int, perHour);
    constexpr int Days = 40;
    QRandomGenerator random(20261207);
    QList<Sample> samples;
    for (qint64 hour = Now - Days * Day; hour < Now; hour += Rollup::Hour) {
        for (int f = 0; f < functions; ++f) {
            for (int call = 0; call < perHour; ++call) {
                const qint64 t = hour + random.bounded(int(Rollup::Hour));
                samples.append({ QStringLiteral("t"), QStringLiteral("/srv/app/m%1.py-f").arg(f), double(t),
                    1.0 + std::exp(random.generateDouble() * 6), t, {} });
            }
        }
    }
    std::sort(
        samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.receivedAt < b.receivedAt; });
    RetentionPolicy policy;
    policy.raw = 30 * Day;
    policy.summaries = 0;
    SqliteStore store(path());
    QVERIFY(store.open().ok());
    {
        SqliteWriter writer(path(), {}, ChunkPolicy::Compaction {}, policy);
        for (qsizetype at = 0; at < samples.size(); at += 20000)
            QVERIFY(writer.write(samples.mid(at, 20000)).ok());
        QVERIFY(maintainFully(writer, Now) > 0);
    }
    SqliteReader reader(path());
    const auto status = reader.storageStatus();
    QVERIFY(status.ok());
    auto connection = SqliteConnection::open(path());
    const auto pages = [&](const char* like) {
        return (*connection)
            ->scalar(QStringLiteral("SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%1'").arg(QLatin1String(like)))
            ->toLongLong();
    };
    const qint64 callPages = pages("chunks%") + pages("recent%");
    const qint64 summaryPages = pages("rollup%");
    qInfo("%lld calls, %lld summarized: calls %lld bytes by the status, %lld in pages; summaries %lld by the status, "
          "%lld in pages",
        qint64(samples.size()), status->summarizedCalls, status->callBytes, callPages, status->summaryBytes,
        summaryPages);
    QVERIFY(status->summarizedCalls > samples.size() / 5);
    QVERIFY2(std::abs(double(status->summaryBytes) / double(summaryPages) - 1) < 0.3, "the summaries' weight");
    QVERIFY2(std::abs(double(status->callBytes) / double(callPages) - 1) < 0.3, "the calls' weight");
    QCOMPARE(wrongStorageStatus(path()), QString());
}

QTEST_GUILESS_MAIN(tst_Retention)
#include "tst_retention.moc"
