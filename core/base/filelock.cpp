// SPDX-License-Identifier: MIT
#include "base/filelock.h"

#include <QDir>
#include <QFileInfo>

namespace Kodemon {

namespace {

// Why `folder` cannot be made: the nearest part of it that exists is a file, or a folder this user cannot
// write to (QDir::mkpath says only that it failed).
QString whyNoFolder(const QString& folder)
{
    QFileInfo part(folder);
    while (!part.exists() && !part.isRoot() && part.absoluteFilePath() != part.absolutePath())
        part = QFileInfo(part.absolutePath());
    if (part.exists() && !part.isDir())
        return QStringLiteral("%1 is a file, not a folder").arg(part.absoluteFilePath());
    return QStringLiteral("%1 is not writable").arg(part.absoluteFilePath());
}

Error heldBy(QLockFile& lock, const LockSubject& subject)
{
    qint64 pid = 0;
    QString host, application;
    if (!lock.getLockInfo(&pid, &host, &application))
        return Error { QStringLiteral("another Kodemon is already using %1; stop it or %2")
                           .arg(subject.name, subject.remedy) };
    return Error { QStringLiteral("another Kodemon (process %1 on %2) is already using %3; stop it or %4")
                       .arg(pid)
                       .arg(host, subject.name, subject.remedy) };
}

} // namespace

Status makeFolderFor(const QString& path, const LockSubject& subject)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (QFileInfo(folder).isDir() || QDir().mkpath(folder))
        return Ok {};
    return Error { QStringLiteral("cannot create the folder %1 for %2: %3; %4")
                       .arg(folder, subject.name, whyNoFolder(folder), subject.remedy) };
}

Result<std::unique_ptr<QLockFile>> lockBeside(const QString& path, const LockSubject& subject)
{
    const QString lockPath = QFileInfo(path).absoluteFilePath() + QStringLiteral(".lock");
    const QString folder = QFileInfo(lockPath).absolutePath();
    if (auto status = makeFolderFor(lockPath, subject); !status)
        return status.failure();
    auto lock = std::make_unique<QLockFile>(lockPath);
    lock->setStaleLockTime(0); // a lock is stale only when its process is gone, never by age
    if (lock->tryLock(0))
        return lock;
    switch (lock->error()) {
    case QLockFile::LockFailedError:
        return heldBy(*lock, subject);
    case QLockFile::PermissionError:
        return Error { QStringLiteral("cannot create the lock file %1: the folder %2 is not writable; %3")
                           .arg(lockPath, folder, subject.remedy) };
    case QLockFile::NoError:
    case QLockFile::UnknownError:
        break;
    }
    return Error { QStringLiteral("cannot create the lock file %1 for %2; %3").arg(lockPath, subject.name, subject.remedy) };
}

} // namespace Kodemon
