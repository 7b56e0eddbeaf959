// SPDX-License-Identifier: MIT
#include "sqlite/sqlitereader.h"

#include "base/logging.h"
#include "sqlite/chunkscan.h"
#include "sqlite/pagecandidates.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"

#include <algorithm>
#include <QSqlError>
#include <QSqlQuery>

namespace Kodemon {

namespace {

Error queryError(const QSqlQuery& query)
{
    return Error { QStringLiteral("database query failed: %1").arg(query.lastError().text()) };
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

bool earlier(const TimedValue& a, const TimedValue& b)
{
    return a.timestamp < b.timestamp;
}

void warnDamaged(qint64 seriesId)
{
    qCWarning(lcStorage) << "skipping a chunk of series" << seriesId << "whose rows are damaged";
}

} // namespace

SqliteReader::SqliteReader(QString path, ReadScope scope)
    : m_path(std::move(path))
    , m_scope(std::move(scope))
{ }

SqliteReader::~SqliteReader() = default;

sqlite3* SqliteReader::handle() const
{
    return SqliteStatement::handle(m_connection->database());
}

Result<QList<SeriesInfo>> SqliteReader::listSeries(const std::optional<QString>& token)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    // The most asked question (the web page and the window poll it): the raw statement spares a QVariant per
    // value, a third of the time for a thousand series.
    auto statement = SqliteStatement::prepare(handle(),
        token ? "SELECT token, key, sample_count, first_ts, last_ts, total_ms FROM series WHERE sample_count > 0 "
                "AND token = ? ORDER BY key, token"
              : "SELECT token, key, sample_count, first_ts, last_ts, total_ms FROM series WHERE sample_count > 0 "
                "ORDER BY key, token");
    if (!statement)
        return statement.failure();
    const QByteArray tokenText = token ? token->toUtf8() : QByteArray();
    if (token)
        statement->bindText(1, tokenText);
    QList<SeriesInfo> series;
    while (statement->step()) {
        const QString rowToken = QString::fromUtf8(statement->columnText(0));
        if (!m_scope.allows(rowToken))
            continue;
        series.append({ KeyId { rowToken, QString::fromUtf8(statement->columnText(1)) }, statement->columnInt(2),
            statement->columnDouble(3), statement->columnDouble(4), statement->columnDouble(5) });
    }
    if (statement->failed())
        return statement->failure(QStringLiteral("database query failed"));
    return series;
}

Result<QList<SqliteReader::SeriesRef>> SqliteReader::resolve(const SeriesSelector& selector)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
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

Status SqliteReader::forEachChunk(qint64 seriesId, const TimeRange& range,
    const std::function<bool(const ChunkScan&)>& visit, ChunkScan::Sources sources)
{
    auto scan = ChunkScan::start(handle(), seriesId, range, sources);
    if (!scan)
        return scan.failure();
    while (scan->next()) {
        if (!visit(*scan))
            break;
    }
    if (auto error = scan->error())
        return Error { *error };
    return Ok {};
}

Status SqliteReader::appendExecutionTimes(
    qint64 seriesId, const TimeRange& range, QList<double>& out, ChunkScan::Sources sources)
{
    QList<TimedValue> partial;
    return forEachChunk(
        seriesId, range,
        [&](const ChunkScan& scan) {
            if (scan.insideRange()) {
                if (!scan.chunk().appendExecutionTimes(seriesId, out))
                    warnDamaged(seriesId);
                return true;
            }
            partial.clear();
            if (!scan.chunk().appendTimedValues(seriesId, partial))
                warnDamaged(seriesId);
            for (const auto& value : std::as_const(partial)) {
                if (range.contains(value.timestamp))
                    out.append(value.value);
            }
            return true;
        },
        sources);
}

Result<QHash<qint64, QList<double>>> SqliteReader::recentExecutionTimes(const TimeRange& range)
{
    QHash<qint64, QList<double>> bySeries;
    auto status = forEachChunk(
        0, range,
        [&](const ChunkScan& scan) {
            const bool readable = scan.chunk().visitTimedValues([&](qint64 series, const TimedValue& value) {
                if (range.contains(value.timestamp))
                    bySeries[series].append(value.value);
            });
            if (!readable)
                warnDamaged(0);
            return true;
        },
        ChunkScan::Sources::RecentOnly);
    if (!status)
        return status.failure();
    return bySeries;
}

Status SqliteReader::appendTimedValues(qint64 seriesId, const TimeRange& range, QList<TimedValue>& out)
{
    const qsizetype start = out.size();
    double latest = std::numeric_limits<double>::lowest();
    bool ordered = true;
    auto status = forEachChunk(seriesId, range, [&](const ChunkScan& scan) {
        // Chunks come by their first call; only chunks that overlap in time need sorting afterwards.
        ordered = ordered && scan.minTimestamp() >= latest;
        latest = std::max(latest, scan.maxTimestamp());
        const qsizetype before = out.size();
        if (!scan.chunk().appendTimedValues(seriesId, out))
            warnDamaged(seriesId);
        if (!scan.insideRange()) {
            const auto outside = std::remove_if(out.begin() + before, out.end(),
                [&range](const TimedValue& value) { return !range.contains(value.timestamp); });
            out.erase(outside, out.end());
        }
        return true;
    });
    if (!ordered)
        std::stable_sort(out.begin() + start, out.end(), earlier);
    return status;
}

Result<SamplePage> SqliteReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    auto after = decodeCursor(cursor);
    if (!after)
        return after.failure();
    auto series = resolve(selector);
    if (!series)
        return series.failure();

    PageCandidates candidates(limit, *after);
    QList<ChunkRow> rows;
    for (const auto& ref : std::as_const(*series)) {
        TimeRange scanned = selector.range;
        if (*after)
            scanned.from = std::max(scanned.from.value_or((*after)->timestamp), (*after)->timestamp);
        auto status = forEachChunk(ref.id, scanned, [&](const ChunkScan& scan) {
            if (candidates.excludesFrom(scan.minTimestamp()))
                return false; // this chunk and every later one start after the page's last row
            rows.clear();
            if (!scan.chunk().appendRows(ref.id, rows))
                warnDamaged(ref.id);
            for (auto& row : rows) {
                if (selector.range.contains(row.timestamp))
                    candidates.add(ref.id, std::move(row));
            }
            return true;
        });
        if (!status)
            return status.failure();
    }
    return candidates.page([&series](qint64 seriesId) {
        for (const auto& ref : std::as_const(*series)) {
            if (ref.id == seriesId)
                return ref.token;
        }
        return QString();
    });
}

qsizetype SqliteReader::sizeHint(const QList<SeriesRef>& series)
{
    // The series' totals bound a range's size; reserving avoids regrowing a list of millions.
    qint64 total = 0;
    for (const auto& ref : series)
        total += ref.count;
    return qsizetype(std::min<qint64>(total, 16 * 1024 * 1024));
}

Result<QList<TimedValue>> SqliteReader::values(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    QList<TimedValue> values;
    values.reserve(sizeHint(*series));
    for (const auto& ref : std::as_const(*series)) {
        const auto middle = values.size();
        if (auto status = appendTimedValues(ref.id, selector.range, values); !status)
            return status.failure();
        // Each series comes sorted; merging keeps the whole sorted without a full sort.
        std::inplace_merge(values.begin(), values.begin() + middle, values.end(), earlier);
    }
    return values;
}

Result<QList<SeriesSummary>> SqliteReader::summaries(const TimeRange& range, const std::optional<QString>& token)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
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
    // The recent calls once for every series, then each series' own chunks.
    auto recent = recentExecutionTimes(range);
    if (!recent)
        return recent.failure();
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
            const qint64 id = query.value(0).toLongLong();
            if (auto status = appendExecutionTimes(id, range, times, ChunkScan::Sources::SeriesOnly); !status)
                return status.failure();
            times.append(recent->value(id));
        }
        rows.append(summarize(info, times));
    }
    return rows;
}

std::optional<qint64> SqliteReader::dataVersion()
{
    // SQLite's own counter: it moves whenever another connection commits (this one never writes).
    if (auto status = openOnce(m_connection, m_path); !status)
        return std::nullopt;
    auto statement = SqliteStatement::prepare(handle(), "PRAGMA data_version");
    if (!statement || !statement->step())
        return std::nullopt;
    return statement->columnInt(0);
}

Result<KeyStats> SqliteReader::stats(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    QList<double> values;
    values.reserve(sizeHint(*series));
    for (const auto& ref : std::as_const(*series)) {
        if (auto status = appendExecutionTimes(ref.id, selector.range, values); !status)
            return status.failure();
    }
    return computeStats(std::move(values));
}

Result<BucketedSeries> SqliteReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const auto covered = coveredRange(*series, selector.range);
    QList<TimedValue> values;
    values.reserve(sizeHint(*series));
    for (const auto& ref : std::as_const(*series)) {
        // In any order, and with calls outside the range: the buckets span the range and ignore the rest.
        auto status = forEachChunk(ref.id, selector.range, [&](const ChunkScan& scan) {
            if (!scan.chunk().appendTimedValues(ref.id, values))
                warnDamaged(ref.id);
            return true;
        });
        if (!status)
            return status.failure();
    }
    return bucketize(values, *covered.from, *covered.to, bucketCount);
}

} // namespace Kodemon
