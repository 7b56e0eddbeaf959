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
inline constexpr int CurrentVersion = 11;

// Brings the file to CurrentVersion, one transaction per step. Refuses files written by a newer
// Kodemon and SQLite files that are not Kodemon's, leaving them untouched.
Status migrate(SqliteConnection& connection);
// Applies the steps up to `version` only: lets tests build files as older releases left them.
Status migrateTo(SqliteConnection& connection, int version);
} // namespace Schema

} // namespace Kodemon
