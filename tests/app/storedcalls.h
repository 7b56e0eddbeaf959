// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QMap>
#include <QStringList>

namespace Kodemon::Test {

// Files that Kodemon has run on for a long time, for tests of retention and deletion on the real executable.

// `perDay` calls a day for each key over `days` days ending a day before `now`, each arriving when it started
// (so retention judges them by their age); one in ten failed. Execution times are whole hundredths of a ms.
QList<Sample> oldCalls(const QStringList& keys, int days, int perDay, qint64 now, quint32 seed);

// Stores `samples` in a new file at `path` (compacted into series chunks, as Kodemon leaves them).
bool storeCalls(const QString& path, const QList<Sample>& samples);

// The calls of one minute of one key: how many, and their execution times' sum.
struct MinuteTotals
{
    qint64 count = 0;
    double sum = 0;
    bool operator==(const MinuteTotals& other) const;
};
using MinuteMap = QMap<std::pair<QString, qint64>, MinuteTotals>; // (key, minute start) -> totals

// What the calls are, per key and minute.
MinuteMap minuteTotals(const QList<Sample>& samples);
// What a file holds, per key and minute: its raw calls plus its per-minute rollups (a minute can be in both while
// retention is half way through it). Empty with `error` set when the file cannot be read.
MinuteMap storedMinuteTotals(const QString& path, const QStringList& keys, QString* error);
// PRAGMA integrity_check's answer ("ok" when the file is sound).
QString integrityCheck(const QString& path);
// The raw calls of a key stored in the file (0 when it has none).
qint64 rawCalls(const QString& path, const QString& key);

} // namespace Kodemon::Test
