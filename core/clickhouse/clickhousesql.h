// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QByteArray>
#include <QString>

namespace Kodemon {

struct ClickHouseConfig;

// Pieces of ClickHouse SQL. Values are written so that the server reads back exactly what Kodemon holds.
namespace ClickHouseSql {

// A quoted string literal ('...' with backslash escapes), safe for any UTF-8 text.
QByteArray string(const QString& text);
// An exact Float64: ClickHouse 18.16 rounds some decimal literals and rejects subnormal ones, so the value
// travels as its IEEE bytes: reinterpretAsFloat64(unhex('...')), folded to a constant by the server.
QByteArray float64(double value);
// `database`.`table`
QByteArray table(const ClickHouseConfig& config, const char* name);
// The table queries and inserts go to: the Distributed table in cluster mode, else the local one.
QByteArray samplesTable(const ClickHouseConfig& config);

// "key = '...' [AND token = '...'] [AND ts >= ...] [AND ts <= ...]"
QByteArray selectorCondition(const SeriesSelector& selector);
// Only the key and token part of a selector.
QByteArray seriesCondition(const QString& key, const std::optional<QString>& token);

} // namespace ClickHouseSql

} // namespace Kodemon
