// SPDX-License-Identifier: MIT
#include "storedcalls.h"

#include "sqlite/rollup.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitestore.h"
#include "sqlite/sqlitewriter.h"
#include "store/query.h"

#include <cmath>
#include <QRandomGenerator>
#include <QSqlQuery>

namespace Kodemon::Test {

namespace {

constexpr qint64 Day = 86400;

} // namespace

bool MinuteTotals::operator==(const MinuteTotals& other) const
{
    // Sums of hundredths added in another order: equal to far below a hundredth.
    return count == other.count && std::abs(sum - other.sum) < 1e-6 * std::max(1.0, std::abs(sum));
}

QList<Sample> oldCalls(const QStringList& keys, int days, int perDay, qint64 now, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Sample> samples;
    const qint64 end = now - Day;
    for (qint64 t = end - days * Day; t < end; t += Day / perDay) {
        for (const QString& key : keys) {
            const double ms = std::round(random.generateDouble() * 10000) / 100 + 0.01;
            const bool failed = random.bounded(10) == 0;
            samples.append({ QStringLiteral("t"), key, double(t), ms, t,
                failed ? QByteArray(R"({"error":"E"})") : QByteArray() });
        }
    }
    return samples;
}

bool storeCalls(const QString& path, const QList<Sample>& samples)
{
    SqliteStore store(path);
    if (!store.open().ok())
        return false;
    SqliteWriter writer(path, {}, ChunkPolicy::Compaction { 5000, 0 }, RetentionPolicy { 0, 0, 0 });
    for (qsizetype at = 0; at < samples.size(); at += 10000) {
        if (!writer.write(samples.mid(at, 10000)).ok())
            return false;
    }
    return writer.write({}).ok();
}

MinuteMap minuteTotals(const QList<Sample>& samples)
{
    MinuteMap totals;
    for (const auto& sample : samples) {
        auto& minute = totals[std::make_pair(sample.key, Rollup::minuteOf(sample.timestamp))];
        ++minute.count;
        minute.sum += sample.executionTime;
    }
    return totals;
}

MinuteMap storedMinuteTotals(const QString& path, const QStringList& keys, QString* error)
{
    MinuteMap totals;
    Query query(std::make_unique<SqliteReader>(path));
    for (const QString& key : keys) {
        auto values = query.values(SeriesSelector { key, std::nullopt, {} });
        if (!values && values.errorKind() != ErrorKind::NotFound) {
            *error = values.error();
            return {};
        }
        if (!values)
            continue; // no calls of the key
        for (const auto& value : std::as_const(*values)) {
            auto& minute = totals[std::make_pair(key, Rollup::minuteOf(value.timestamp))];
            ++minute.count;
            minute.sum += value.value;
        }
    }
    auto connection = SqliteConnection::open(path);
    if (!connection) {
        *error = connection.error();
        return {};
    }
    QSqlQuery rollups((*connection)->database());
    if (!rollups.exec(QStringLiteral("SELECT s.key, r.hour, r.data FROM rollups r JOIN series s ON s.id = r.series_id"))) {
        *error = QStringLiteral("cannot read the rollups");
        return {};
    }
    while (rollups.next()) {
        const auto minutes = Rollup::decode(rollups.value(2).toByteArray(), rollups.value(1).toLongLong());
        if (!minutes) {
            *error = QStringLiteral("a damaged rollup");
            return {};
        }
        for (const auto& minute : *minutes) {
            auto& stored = totals[std::make_pair(rollups.value(0).toString(), minute.minute)];
            stored.count += minute.summary.count;
            stored.sum += minute.summary.sum;
        }
    }
    return totals;
}

QString integrityCheck(const QString& path)
{
    auto connection = SqliteConnection::open(path);
    if (!connection)
        return connection.error();
    auto answer = (*connection)->scalar(QStringLiteral("PRAGMA integrity_check"));
    return answer ? answer->toString() : answer.error();
}

qint64 rawCalls(const QString& path, const QString& key)
{
    Query query(std::make_unique<SqliteReader>(path));
    const auto values = query.values(SeriesSelector { key, std::nullopt, {} });
    return values ? values->size() : 0;
}

} // namespace Kodemon::Test
