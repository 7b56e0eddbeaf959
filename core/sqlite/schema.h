// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <QtGlobal>

namespace Kodemon {

class SqliteConnection;

// What the samples table keeps of the arrival time: seconds after the call's start (its timestamp, truncated),
// usually 0 or 1, which SQLite stores in no bytes at all. Clamped so that any finite timestamp is safe.
qint64 receivedDelay(qint64 receivedAt, double timestamp);

namespace Schema {
// The schema version this build writes; PRAGMA user_version holds the version of a file.
inline constexpr int CurrentVersion = 12;

// What a stored row costs beyond its blobs (its other columns, its cell, its index entries, the slack of its pages),
// counted into `tier_use` since schema version 12 so that "on disk" is what the file holds. Without them the
// summaries of a year of rarely called functions weighed 5.7 MB where SQLite's pages held 39.6 MB (1.1 calls an
// hour: each hour row's fixed columns and two index entries outweigh its one call). Measured with dbstat after
// retention, 2026-12-07: hour rows 99-118 bytes each beyond their sketch (with their arrival index), minute rows
// 35-44 beyond their blob (with their series index), chunks 300-1,070. The status is within 7% of dbstat on a
// rarely called and a busy file (tst_retention::theStatusWeighsWhatTheFileHolds, which fails without them: the
// summaries of the first at 28%).
inline constexpr int ChunkRowBytes = 512; // `chunks` and `recent`
inline constexpr int HourRowBytes = 110; // `rollup_hours`
inline constexpr int MinuteRowBytes = 40; // `rollups`

// Brings the file to CurrentVersion, one transaction per step. Refuses files written by a newer
// Kodemon and SQLite files that are not Kodemon's, leaving them untouched.
Status migrate(SqliteConnection& connection);
// Applies the steps up to `version` only: lets tests build files as older releases left them.
Status migrateTo(SqliteConnection& connection, int version);
} // namespace Schema

} // namespace Kodemon
