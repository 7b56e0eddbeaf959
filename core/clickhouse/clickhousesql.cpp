// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousesql.h"

#include "clickhouse/clickhouseclient.h"

#include <cmath>
#include <cstring>
#include <QtEndian>

namespace Kodemon::ClickHouseSql {

QByteArray string(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '\'';
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\'':
            out += "\\'";
            break;
        case '\0':
            out += "\\0";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out + '\'';
}

QByteArray float64(double value)
{
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    char bytes[8];
    qToLittleEndian(bits, bytes);
    return "reinterpretAsFloat64(unhex('" + QByteArray(bytes, 8).toHex() + "'))";
}

QByteArray table(const ClickHouseConfig& config, const char* name)
{
    return '`' + config.database.toUtf8() + "`.`" + name + '`';
}

QByteArray samplesTable(const ClickHouseConfig& config)
{
    return table(config, "samples");
}

QByteArray readTable(const ClickHouseConfig& config, const char* name)
{
    return table(config, name);
}

QByteArray localName(const ClickHouseConfig& config, const char* name)
{
    return config.cluster.isEmpty() ? QByteArray(name) : QByteArray(name) + "_local";
}

QByteArray localTable(const ClickHouseConfig& config, const char* name)
{
    return '`' + config.database.toUtf8() + "`.`" + localName(config, name) + '`';
}

QByteArray nearestRankLevel(int permille)
{
    // 2^-40: above the rounding of permille/1000 as a double and of level * n (about n * 2^-53), and below the
    // smallest fraction of n * permille / 1000 that is not zero (1/1000) for every n below the limit.
    const double level = double(permille) / 1000.0 - std::ldexp(1.0, -40);
    return QByteArray::number(level, 'g', 17);
}

QByteArray seriesCondition(const QString& key, const std::optional<QString>& token)
{
    QByteArray sql = "key = " + string(key);
    if (token)
        sql += " AND token = " + string(*token);
    return sql;
}

QByteArray selectorCondition(const SeriesSelector& selector)
{
    QByteArray sql = seriesCondition(selector.key, selector.token);
    if (selector.range.from)
        sql += " AND ts >= " + float64(*selector.range.from);
    if (selector.range.to)
        sql += " AND ts <= " + float64(*selector.range.to);
    return sql;
}

QByteArray callsThatMayPass(const QList<TagFilter>& tags, CallOutcome outcome)
{
    QByteArray sql;
    if (outcome == CallOutcome::Failed)
        sql += " AND failed != 0";
    else if (outcome == CallOutcome::Succeeded)
        sql += " AND failed != 1";
    // JSON writes a name or value as its UTF-8 bytes or with backslash escapes: a call without a backslash in its
    // extra fields holds the tag only if it holds those bytes.
    const auto contains = [](const QString& text) -> QByteArray { // not a QStringBuilder of a temporary
        return "position(extra, " + string(text) + ") > 0";
    };
    for (const TagFilter& filter : tags) {
        QByteArray needs;
        if (filter.op == TagFilter::Op::Present || filter.op == TagFilter::Op::Equals)
            needs = contains(filter.name);
        if (filter.op == TagFilter::Op::Equals && !filter.value.isEmpty())
            needs += " AND " + contains(filter.value);
        if (!needs.isEmpty())
            sql += " AND (" + needs + " OR position(extra, '\\\\') > 0)";
    }
    return sql;
}

} // namespace Kodemon::ClickHouseSql
