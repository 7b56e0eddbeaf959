// SPDX-License-Identifier: MIT
#include "sqlitereader.h"

#include "database.h"
#include "logging.h"
#include "sqlitestatement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QSqlError>
#include <QSqlQuery>
#include <thread>

namespace Kodemon {

namespace {

// Orders a page: by timestamp, then series, then arrival; the cursor is the last position returned.
struct Position
{
    double timestamp = 0;
    qint64 seriesId = 0;
    qint64 seq = 0;

    friend bool operator<(const Position& a, const Position& b)
    {
        return std::tie(a.timestamp, a.seriesId, a.seq) < std::tie(b.timestamp, b.seriesId, b.seq);
    }
};

QString encodeCursor(const Position& position)
{
    const QByteArray raw = QByteArray::number(position.timestamp, 'g', 17) + '|' + QByteArray::number(position.seriesId)
        + '|' + QByteArray::number(position.seq);
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Result<std::optional<Position>> decodeCursor(const QString& cursor)
{
    if (cursor.isEmpty())
        return std::optional<Position>();
    const Error invalid { QStringLiteral("the cursor \"%1\" is not one this server gave out").arg(cursor),
        ErrorKind::Invalid };
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const auto parts = decoded.decoded.split('|');
    if (!decoded || parts.size() != 3)
        return invalid;
    bool ok[3] = {};
    const Position position { parts[0].toDouble(&ok[0]), parts[1].toLongLong(&ok[1]), parts[2].toLongLong(&ok[2]) };
    if (!ok[0] || !ok[1] || !ok[2])
        return invalid;
    return std::optional<Position>(position);
}

Error queryError(const QSqlQuery& query)
{
    return Error { QStringLiteral("database query failed: %1").arg(query.lastError().text()) };
}

// The WHERE clause for one series within a range, optionally after a cursor position.
struct RangeClause
{
    QString sql;
    QVariantList values;
};

RangeClause rangeClause(qint64 seriesId, const TimeRange& range, const std::optional<Position>& after)
{
    RangeClause clause { QStringLiteral("series_id = ?"), { seriesId } };
    if (range.from) {
        clause.sql += QStringLiteral(" AND ts >= ?");
        clause.values.append(*range.from);
    }
    if (range.to) {
        clause.sql += QStringLiteral(" AND ts <= ?");
        clause.values.append(*range.to);
    }
    if (after) {
        if (seriesId < after->seriesId) {
            clause.sql += QStringLiteral(" AND ts > ?");
            clause.values.append(after->timestamp);
        } else if (seriesId > after->seriesId) {
            clause.sql += QStringLiteral(" AND ts >= ?");
            clause.values.append(after->timestamp);
        } else {
            clause.sql += QStringLiteral(" AND (ts > ? OR (ts = ? AND seq > ?))");
            clause.values << after->timestamp << after->timestamp << after->seq;
        }
    }
    return clause;
}

bool run(QSqlQuery& query, const QString& sql, const QVariantList& values)
{
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return false;
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    return query.exec();
}

TimeRange coveredRange(const QList<SqliteReader::SeriesRef>& series, const TimeRange& range)
{
    TimeRange covered = range;
    double first = series.front().first;
    double last = series.front().last;
    for (const auto& ref : series) {
        first = std::min(first, ref.first);
        last = std::max(last, ref.last);
    }
    if (!covered.from)
        covered.from = first;
    if (!covered.to)
        covered.to = last;
    return covered;
}

double middle(const TimeRange& covered)
{
    return *covered.from + (*covered.to - *covered.from) / 2;
}

} // namespace

SqliteReader::SqliteReader(QString path, TokenScope scope)
    : m_path(std::move(path))
    , m_scope(std::move(scope))
{ }

SqliteReader::~SqliteReader() = default;

Status SqliteReader::ensureOpen()
{
    if (m_connection)
        return Ok {};
    auto connection = SqliteConnection::open(m_path);
    if (!connection)
        return Error { connection.error() };
    m_connection = std::move(connection).value();
    return Ok {};
}

Result<QList<SeriesInfo>> SqliteReader::listSeries(const std::optional<QString>& token)
{
    if (auto status = ensureOpen(); !status)
        return Error { status.error() };
    QSqlQuery query(m_connection->database());
    QString sql = QStringLiteral(
        "SELECT token, key, sample_count, first_ts, last_ts, total_ms FROM series WHERE sample_count > 0");
    QVariantList values;
    if (token) {
        sql += QStringLiteral(" AND token = ?");
        values.append(sqlText(*token));
    }
    if (!run(query, sql + QStringLiteral(" ORDER BY key, token"), values))
        return queryError(query);
    QList<SeriesInfo> series;
    while (query.next()) {
        SeriesInfo info;
        info.id = KeyId { query.value(0).toString(), query.value(1).toString() };
        if (!m_scope.allows(info.id.token))
            continue;
        info.count = query.value(2).toLongLong();
        info.first = query.value(3).toDouble();
        info.last = query.value(4).toDouble();
        info.totalExecutionTime = query.value(5).toDouble();
        series.append(info);
    }
    return series;
}

Result<QList<SqliteReader::SeriesRef>> SqliteReader::resolve(const SeriesSelector& selector)
{
    if (auto status = ensureOpen(); !status)
        return Error { status.error() };
    QSqlQuery query(m_connection->database());
    QString sql = QStringLiteral(
        "SELECT id, token, first_ts, last_ts, sample_count FROM series WHERE key = ? AND sample_count > 0");
    QVariantList values { sqlText(selector.key) };
    if (selector.token) {
        sql += QStringLiteral(" AND token = ?");
        values.append(sqlText(*selector.token));
    }
    if (!run(query, sql + QStringLiteral(" ORDER BY id"), values))
        return queryError(query);
    QList<SeriesRef> series;
    while (query.next()) {
        // Out of scope is the same as absent, so the answer below does not tell the two apart.
        if (!m_scope.allows(query.value(1).toString()))
            continue;
        series.append({ query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toDouble(),
            query.value(3).toDouble(), query.value(4).toLongLong() });
    }
    if (series.isEmpty()) {
        const QString which = selector.token ? QStringLiteral(" with token \"%1\"").arg(*selector.token) : QString();
        return Error { QStringLiteral("no samples of key \"%1\"%2").arg(selector.key, which), ErrorKind::NotFound };
    }
    return series;
}

Result<SamplePage> SqliteReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    auto after = decodeCursor(cursor);
    if (!after)
        return after.failure();
    auto series = resolve(selector);
    if (!series)
        return series.failure();

    QList<std::pair<Position, StoredSample>> rows;
    for (const auto& ref : *series) {
        const auto clause = rangeClause(ref.id, selector.range, *after);
        QSqlQuery query(m_connection->database());
        const QString sql = QStringLiteral("SELECT ts, seq, execution_time, extra FROM samples WHERE %1 "
                                           "ORDER BY ts, seq LIMIT %2")
                                .arg(clause.sql)
                                .arg(qint64(limit) + 1);
        if (!run(query, sql, clause.values))
            return queryError(query);
        while (query.next()) {
            StoredSample sample { query.value(0).toDouble(), query.value(2).toDouble(), ref.token,
                query.value(3).toString().toUtf8(), query.value(1).toLongLong() };
            rows.append({ Position { sample.timestamp, ref.id, sample.sequence }, std::move(sample) });
        }
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    SamplePage page;
    const qsizetype count = std::min<qsizetype>(rows.size(), limit);
    page.samples.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        page.samples.append(std::move(rows[i].second));
    if (rows.size() > limit)
        page.next = encodeCursor(rows[count - 1].first);
    return page;
}

Result<SqliteStatement> SqliteReader::scan(
    sqlite3* db, const QString& columns, const SeriesRef& ref, const TimeRange& range)
{
    // Range scans read up to millions of rows: the raw statement avoids a QVariant per value.
    const auto clause = rangeClause(ref.id, range, std::nullopt);
    const QByteArray sql
        = QStringLiteral("SELECT %1 FROM samples WHERE %2 ORDER BY ts").arg(columns, clause.sql).toUtf8();
    auto statement = SqliteStatement::prepare(db, sql.constData());
    if (!statement)
        return statement.failure();
    for (int i = 0; i < clause.values.size(); ++i) {
        const QVariant& value = clause.values.at(i);
        if (value.typeId() == QMetaType::Double)
            statement->bind(i + 1, value.toDouble());
        else
            statement->bind(i + 1, value.toLongLong());
    }
    return statement;
}

Result<SqliteStatement> SqliteReader::scan(const QString& columns, const SeriesRef& ref, const TimeRange& range)
{
    return scan(SqliteStatement::handle(m_connection->database()), columns, ref, range);
}

Status SqliteReader::scanInHalves(const TimeRange& range, double boundary, qint64 rows, const ScanPart& part)
{
    // SQLite runs a statement on one core and a million-row scan is mostly its VDBE: two connections
    // scanning the two halves at once answer in about half the time on a machine with a core to spare.
    // Each half reads its own snapshot; rows committed in between may show in the later half only.
    constexpr qint64 MinRowsToSplit = 200'000;
    sqlite3* main = SqliteStatement::handle(m_connection->database());
    const bool split = rows >= MinRowsToSplit && std::thread::hardware_concurrency() > 1
        && (!range.from || *range.from < boundary) && (!range.to || boundary < *range.to);
    if (split && !m_helper) {
        auto helper = SqliteConnection::open(m_path);
        if (helper)
            m_helper = std::move(helper).value();
        else
            qCWarning(lcStorage) << "scanning on one connection only:" << helper.error();
    }
    if (!split || !m_helper)
        return part(main, range, Half::Whole);

    TimeRange earlier = range;
    earlier.to = std::nextafter(boundary, -std::numeric_limits<double>::infinity());
    TimeRange later = range;
    later.from = boundary;
    // Only the raw handle crosses threads (SQLite serializes it); the QSqlDatabase stays on this one.
    sqlite3* helper = SqliteStatement::handle(m_helper->database());
    Status laterStatus = Ok {};
    std::thread worker([&] { laterStatus = part(helper, later, Half::Later); });
    const Status earlierStatus = part(main, earlier, Half::Earlier);
    worker.join();
    return !earlierStatus ? earlierStatus : laterStatus;
}

qsizetype SqliteReader::sizeHint(const QList<SeriesRef>& series)
{
    // The series' totals bound a range's size; reserving avoids regrowing a list of millions.
    qint64 total = 0;
    for (const auto& ref : series)
        total += ref.count;
    return qsizetype(std::min<qint64>(total, 16 * 1024 * 1024));
}

Result<QList<double>> SqliteReader::executionTimes(const QList<SeriesRef>& series, const TimeRange& range)
{
    QList<double> halves[2];
    halves[0].reserve(sizeHint(series));
    const auto status = scanInHalves(range, middle(coveredRange(series, range)), sizeHint(series),
        [&series, &halves](sqlite3* db, const TimeRange& part, Half half) -> Status {
            QList<double>& values = halves[half == Half::Later ? 1 : 0];
            for (const auto& ref : series) {
                auto statement = scan(db, QStringLiteral("execution_time"), ref, part);
                if (!statement)
                    return statement.failure();
                while (statement->step())
                    values.append(statement->columnDouble(0));
                if (statement->failed())
                    return Error { QStringLiteral("database query failed: %1").arg(statement->error()) };
            }
            return Ok {};
        });
    if (!status)
        return status.failure();
    halves[0].append(std::move(halves[1]));
    return std::move(halves[0]);
}

Status SqliteReader::addToBuckets(
    sqlite3* db, const QList<SeriesRef>& series, const TimeRange& range, Bucketizer& buckets)
{
    for (const auto& ref : series) {
        auto statement = scan(db, QStringLiteral("ts, execution_time"), ref, range);
        if (!statement)
            return statement.failure();
        while (statement->step())
            buckets.add(statement->columnDouble(0), statement->columnDouble(1));
        if (statement->failed())
            return Error { QStringLiteral("database query failed: %1").arg(statement->error()) };
    }
    return Ok {};
}

Status SqliteReader::appendValues(
    sqlite3* db, const QList<SeriesRef>& series, const TimeRange& range, QList<TimedValue>& values)
{
    for (const auto& ref : series) {
        auto statement = scan(db, QStringLiteral("ts, execution_time"), ref, range);
        if (!statement)
            return statement.failure();
        const auto middle = values.size();
        while (statement->step())
            values.append({ statement->columnDouble(0), statement->columnDouble(1) });
        if (statement->failed())
            return Error { QStringLiteral("database query failed: %1").arg(statement->error()) };
        // Each series comes sorted; merging keeps the whole sorted without a full sort.
        std::inplace_merge(values.begin(), values.begin() + middle, values.end(),
            [](const TimedValue& a, const TimedValue& b) { return a.timestamp < b.timestamp; });
    }
    return Ok {};
}

Result<QList<TimedValue>> SqliteReader::values(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    QList<TimedValue> halves[2];
    halves[0].reserve(sizeHint(*series));
    const auto status = scanInHalves(selector.range, middle(coveredRange(*series, selector.range)), sizeHint(*series),
        [&series, &halves](sqlite3* db, const TimeRange& part, Half half) {
            return appendValues(db, *series, part, halves[half == Half::Later ? 1 : 0]);
        });
    if (!status)
        return status.failure();
    // Every value of the earlier half comes before every value of the later one: appending keeps the order.
    halves[0].append(std::move(halves[1]));
    return std::move(halves[0]);
}

Result<QList<SeriesSummary>> SqliteReader::summaries(const TimeRange& range, const std::optional<QString>& token)
{
    if (auto status = ensureOpen(); !status)
        return Error { status.error() };
    QSqlQuery query(m_connection->database());
    QString sql = QStringLiteral("SELECT id, token, key, sample_count, first_ts, last_ts, total_ms FROM series "
                                 "WHERE sample_count > 0");
    QVariantList values;
    if (token) {
        sql += QStringLiteral(" AND token = ?");
        values.append(sqlText(*token));
    }
    if (!run(query, sql + QStringLiteral(" ORDER BY key, token"), values))
        return queryError(query);
    QList<SeriesSummary> rows;
    QList<double> times;
    while (query.next()) {
        SeriesInfo info { KeyId { query.value(1).toString(), query.value(2).toString() }, query.value(3).toLongLong(),
            query.value(4).toDouble(), query.value(5).toDouble(), query.value(6).toDouble() };
        if (!m_scope.allows(info.id.token))
            continue;
        times.clear();
        // A range that misses the series' first..last holds none of its calls: no scan needed.
        if (!(range.from && *range.from > info.last) && !(range.to && *range.to < info.first)) {
            auto statement = scan(QStringLiteral("execution_time"),
                SeriesRef { query.value(0).toLongLong(), info.id.token, info.first, info.last, info.count }, range);
            if (!statement)
                return statement.failure();
            while (statement->step())
                times.append(statement->columnDouble(0));
            if (statement->failed())
                return Error { QStringLiteral("database query failed: %1").arg(statement->error()) };
        }
        rows.append(summarize(info, times));
    }
    return rows;
}

std::optional<qint64> SqliteReader::dataVersion()
{
    // SQLite's own counter: it moves whenever another connection commits (this one never writes).
    if (auto status = ensureOpen(); !status)
        return std::nullopt;
    auto statement = SqliteStatement::prepare(SqliteStatement::handle(m_connection->database()), "PRAGMA data_version");
    if (!statement || !statement->step())
        return std::nullopt;
    return statement->columnInt(0);
}

Result<KeyStats> SqliteReader::stats(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    auto values = executionTimes(*series, selector.range);
    if (!values)
        return values.failure();
    return computeStats(std::move(values).value());
}

Result<BucketedSeries> SqliteReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const auto covered = coveredRange(*series, selector.range);
    const Bucketizer geometry(*covered.from, *covered.to, bucketCount);
    // Split on a bucket's start, so that each half summarizes whole buckets of its own, in its own thread.
    const int firstLater = geometry.bucketCount() / 2;
    BucketedSeries halves[2];
    const auto status = scanInHalves(selector.range, geometry.bucketStart(firstLater), sizeHint(*series),
        [&](sqlite3* db, const TimeRange& part, Half half) -> Status {
            Bucketizer buckets = geometry;
            if (half == Half::Earlier)
                buckets.restrictTo(0, firstLater);
            else if (half == Half::Later)
                buckets.restrictTo(firstLater, geometry.bucketCount());
            buckets.reserve(half == Half::Whole ? sizeHint(*series) : sizeHint(*series) / 2);
            if (auto added = addToBuckets(db, *series, part, buckets); !added)
                return added;
            halves[half == Half::Later ? 1 : 0] = buckets.finish();
            return Ok {};
        });
    if (!status)
        return status.failure();
    halves[0].buckets.append(std::move(halves[1].buckets));
    return std::move(halves[0]);
}

} // namespace Kodemon
