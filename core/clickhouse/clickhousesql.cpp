// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousesql.h"

#include "clickhouse/clickhouseclient.h"

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

} // namespace Kodemon::ClickHouseSql
