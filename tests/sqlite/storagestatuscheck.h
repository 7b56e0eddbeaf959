// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"

#include <QSqlQuery>
#include <QString>

namespace Kodemon {

// What SqliteReader::storageStatus() answers from tier_use and the per-series indexes, against the same figures
// summed over every row of the tables (what it used to scan), each row weighing its blobs and its cost (schema 12).
// Returns what differs, or nothing.
inline QString wrongStorageStatus(const QString& path)
{
    SqliteReader reader(path);
    const auto status = reader.storageStatus();
    if (!status)
        return QStringLiteral("no status: ") + status.error();
    auto connection = SqliteConnection::open(path);
    if (!connection)
        return QStringLiteral("cannot open the file");
    QSqlQuery query((*connection)->database());
    if (!query.exec(QStringLiteral(
            "SELECT (SELECT coalesce(sum(length(data) + coalesce(length(sketch), 0) + %1), 0) FROM chunks) "
            "       + (SELECT coalesce(sum(length(data) + %1), 0) FROM recent), "
            "(SELECT coalesce(sum(length(data) + %3), 0) FROM rollups) "
            "       + (SELECT coalesce(sum(length(sketch) + %2), 0) FROM rollup_hours), "
            "(SELECT coalesce(sum(sample_count), 0) FROM rollup_hours), "
            "(SELECT min(t) FROM (SELECT min(min_ts) AS t FROM chunks UNION ALL SELECT min(min_ts) FROM recent)), "
            "(SELECT min(min_ts) FROM rollup_hours), "
            "(SELECT coalesce(sum(sample_count), 0) FROM chunks) + (SELECT coalesce(sum(sample_count), 0) FROM "
            "recent), "
            "(SELECT coalesce(sum(calls), 0) FROM tier_use WHERE tier IN ('chunks', 'recent'))")
                        .arg(Schema::ChunkRowBytes)
                        .arg(Schema::HourRowBytes)
                        .arg(Schema::MinuteRowBytes))
        || !query.next())
        return QStringLiteral("cannot scan the tables");
    const auto optional = [](const QVariant& value) {
        return value.isNull() ? std::optional<double>() : std::optional<double>(value.toDouble());
    };
    const auto text = [](std::optional<double> value) {
        return value ? QString::number(*value, 'f', 3) : QStringLiteral("none");
    };
    if (status->callBytes != query.value(0).toLongLong())
        return QStringLiteral("call bytes %1, the tables hold %2").arg(status->callBytes).arg(query.value(0).toLongLong());
    if (status->summaryBytes != query.value(1).toLongLong())
        return QStringLiteral("summary bytes %1, the tables hold %2")
            .arg(status->summaryBytes)
            .arg(query.value(1).toLongLong());
    if (status->summarizedCalls != query.value(2).toLongLong())
        return QStringLiteral("summarized calls %1, the tables hold %2")
            .arg(status->summarizedCalls)
            .arg(query.value(2).toLongLong());
    if (status->oldestCall != optional(query.value(3)))
        return QStringLiteral("oldest call %1, the tables hold %2").arg(text(status->oldestCall), text(optional(query.value(3))));
    if (status->oldestSummary != optional(query.value(4)))
        return QStringLiteral("oldest summary %1, the tables hold %2")
            .arg(text(status->oldestSummary), text(optional(query.value(4))));
    if (query.value(5).toLongLong() != query.value(6).toLongLong())
        return QStringLiteral("tier_use counts %1 calls, the tables hold %2")
            .arg(query.value(6).toLongLong())
            .arg(query.value(5).toLongLong());
    return {};
}

} // namespace Kodemon
