// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <memory>
#include <QLockFile>
#include <QString>

namespace Kodemon {

// What a lock guards, in the words its errors use: "the database /x.sqlite", and what the user can do
// instead, "pass another --db".
struct LockSubject
{
    QString name;   // "the spool file /home/me/.local/share/kodemon/clickhouse-spool.bin"
    QString remedy; // "give each collector its own --spool"
};

// Makes the folder that will hold `path` when it is missing, or says why it cannot: a part of it is a file, or
// the nearest folder that exists is not writable.
Status makeFolderFor(const QString& path, const LockSubject& subject);

// Claims `path` for this process with a QLockFile at path + ".lock", stale only when its process is gone.
// Makes the folder when it is missing (a first start on a new machine), and tells apart the three ways this
// fails, which QLockFile alone reports alike: another process holds the lock (its pid and host named), the
// folder cannot be made, or the lock file cannot be written there.
Result<std::unique_ptr<QLockFile>> lockBeside(const QString& path, const LockSubject& subject);

} // namespace Kodemon
