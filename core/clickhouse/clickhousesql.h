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
// The same for any of Kodemon's tables (`samples`, `series`, `resent`).
QByteArray readTable(const ClickHouseConfig& config, const char* name);
// The table on the server this client talks to: `<name>_local` in cluster mode, else `<name>`. Writes that must
// land whole (the series ledger, the resent windows) go there directly instead of through a Distributed table.
QByteArray localTable(const ClickHouseConfig& config, const char* name);
// The bare name of localTable() (for system.tables and ZooKeeper paths).
QByteArray localName(const ClickHouseConfig& config, const char* name);

// A level for quantileExact() that picks the nearest-rank percentile (the ceil(n * permille / 1000)-th smallest
// of n values, as stats.cpp does) for every n below NearestRankLevelLimit, without knowing n: quantileExact
// takes the element at index trunc(level * n), and a level 2^-40 below permille/1000 lands on index
// ceil(n * p) - 1 (the proof is in docs/CLICKHOUSE.md).
QByteArray nearestRankLevel(int permille);
// Above this many values nearestRankLevel() may miss by one rank: ask with levels made for the count.
inline constexpr qint64 NearestRankLevelLimit = 1000000000;

// "key = '...' [AND token = '...'] [AND ts >= ...] [AND ts <= ...]"
QByteArray selectorCondition(const SeriesSelector& selector);
// Only the key and token part of a selector.
QByteArray seriesCondition(const QString& key, const std::optional<QString>& token);
// " AND ..." keeping every call that may pass the tag filters and outcome, and leaving out many that cannot, for a
// scan that judges each call afterwards (readCallTags, callMatches): a tag asked to be there needs its name (and
// value) in `extra` as written, or an escape that could spell them; the `failed` column (0, 1, or 2 for rows of
// an older Kodemon, judged on read) rules out calls of the other outcome. Empty when nothing can be ruled out.
QByteArray callsThatMayPass(const QList<TagFilter>& tags, CallOutcome outcome);

} // namespace ClickHouseSql

} // namespace Kodemon
