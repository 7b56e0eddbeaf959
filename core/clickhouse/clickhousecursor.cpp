// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousecursor.h"

#include "clickhouse/clickhousesql.h"

#include <algorithm>
#include <cctype>
#include <QList>

namespace Kodemon::ClickHouseCursor {

namespace {

constexpr auto Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

} // namespace

QString encode(const Position& position)
{
    // "ch1" marks the format, so an SQLite cursor (or an older format) is refused, not misread.
    const QByteArray raw = "ch1|" + QByteArray::number(position.timestamp, 'g', 17) + '|'
        + position.token.toUtf8().toHex() + '|' + QByteArray::number(position.origin) + '|'
        + QByteArray::number(position.seq);
    return QString::fromLatin1(raw.toBase64(Options));
}

Result<std::optional<Position>> decode(const QString& cursor)
{
    if (cursor.isEmpty())
        return std::optional<Position>();
    const Error invalid { QStringLiteral("the cursor \"%1\" is not one this server gave out").arg(cursor),
        ErrorKind::Invalid };
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return invalid;
    const QList<QByteArray> parts = decoded.decoded.split('|');
    if (parts.size() != 5 || parts[0] != "ch1")
        return invalid;
    bool ok[3] = {};
    Position position;
    position.timestamp = parts[1].toDouble(&ok[0]);
    position.token = QString::fromUtf8(QByteArray::fromHex(parts[2]));
    position.origin = parts[3].toULongLong(&ok[1]);
    position.seq = parts[4].toULongLong(&ok[2]);
    const bool hex = std::all_of(parts[2].begin(), parts[2].end(), [](char c) { return std::isxdigit(uchar(c)); });
    if (!ok[0] || !ok[1] || !ok[2] || !hex || parts[2].size() % 2 != 0)
        return invalid;
    return std::optional<Position>(position);
}

QByteArray afterCondition(const Position& position)
{
    const QByteArray ts = ClickHouseSql::float64(position.timestamp);
    const QByteArray token = ClickHouseSql::string(position.token);
    const QByteArray origin = QByteArray::number(position.origin);
    return "(ts > " + ts + " OR (ts = " + ts + " AND (token > " + token + " OR (token = " + token + " AND (origin > "
        + origin + " OR (origin = " + origin + " AND seq > " + QByteArray::number(position.seq) + "))))))";
}

} // namespace Kodemon::ClickHouseCursor
