// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousewindows.h"

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <algorithm>

namespace Kodemon::ClickHouseWindows {

namespace {

// Beyond this many windows a query merges the whole selection instead of listing them (the SQL stays short).
constexpr qsizetype MaxWindows = 64;

} // namespace

Windows coalesced(Windows windows)
{
    std::sort(windows.begin(), windows.end());
    Windows merged;
    for (const auto& window : std::as_const(windows)) {
        if (!merged.isEmpty() && window.first <= merged.last().second)
            merged.last().second = std::max(merged.last().second, window.second);
        else
            merged.append(window);
    }
    return merged;
}

QByteArray samplesFrom(const QByteArray& table, const QByteArray& columns, const QByteArray& condition, Windows windows)
{
    if (windows.isEmpty())
        return " FROM " + table + " WHERE " + condition + ' ';
    windows = coalesced(std::move(windows));
    if (windows.size() > MaxWindows)
        return " FROM " + table + " FINAL WHERE " + condition + ' ';
    QByteArray inside;
    for (const auto& [first, last] : std::as_const(windows)) {
        if (!inside.isEmpty())
            inside += " OR ";
        inside += "(ts >= " + ClickHouseSql::float64(first) + " AND ts <= " + ClickHouseSql::float64(last) + ')';
    }
    // Outside the windows no copies exist: read as stored. Inside, FINAL keeps one row per sample id.
    return " FROM (SELECT " + columns + " FROM " + table + " WHERE " + condition + " AND NOT (" + inside
        + ") UNION ALL SELECT " + columns + " FROM " + table + " FINAL WHERE " + condition + " AND (" + inside + ")) ";
}

QByteArray subquery(const ClickHouseConfig& config, const QByteArray& seriesCondition, const TimeRange& range)
{
    QByteArray where = seriesCondition;
    if (range.from)
        where += (where.isEmpty() ? "" : " AND ") + ("last >= " + ClickHouseSql::float64(*range.from));
    if (range.to)
        where += (where.isEmpty() ? "" : " AND ") + ("first <= " + ClickHouseSql::float64(*range.to));
    return "(SELECT groupArray(tuple(first, last)) FROM " + ClickHouseSql::localTable(config, "resent")
        + (where.isEmpty() ? QByteArray() : " WHERE " + where) + ')';
}

Windows read(RowBinaryReader& reader)
{
    Windows windows;
    const QList<double> bounds = reader.readFloat64PairArray();
    for (qsizetype i = 0; i + 1 < bounds.size(); i += 2)
        windows.append({ bounds[i], bounds[i + 1] });
    return windows;
}

} // namespace Kodemon::ClickHouseWindows
