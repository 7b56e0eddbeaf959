// SPDX-License-Identifier: MIT
#include "sqlite/sqlitestore.h"

#include "base/filelock.h"
#include "base/logging.h"
#include "sqlite/schema.h"
#include "sqlite/sqlitealerthistory.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitereader.h"
#include "sqlite/sqlitewriter.h"

#include <QDir>
#include <QFileInfo>

namespace Kodemon {

SqliteStore::SqliteStore(QString path)
    : m_path(std::move(path))
{ }

SqliteStore::~SqliteStore() = default;

LockSubject SqliteStore::subject() const
{
    return { QStringLiteral("the database %1").arg(m_path), QStringLiteral("pass another --db") };
}

Status SqliteStore::checkPath() const
{
    const QFileInfo file(m_path);
    if (file.exists() && !file.isFile())
        return Error { QStringLiteral("%1 is not a file").arg(m_path) };
    if (auto status = makeFolderFor(m_path, subject()); !status)
        return status;
    const QDir folder = file.absoluteDir();
    // Write bits, not just access(): root may write anywhere, but a file someone made read-only stays so.
    constexpr auto AnyWrite = QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
    if (file.exists() && (!file.isWritable() || !(file.permissions() & AnyWrite)))
        return Error { QStringLiteral("the database %1 is read-only; make it writable or choose another file with --db")
                           .arg(m_path) };
    if (!QFileInfo(folder.absolutePath()).isWritable())
        return Error { QStringLiteral("the folder %1 is not writable (SQLite keeps its write-ahead log beside the "
                                      "database); choose another place with --db")
                           .arg(folder.absolutePath()) };
    return Ok {};
}

Status SqliteStore::lock()
{
    auto lock = lockBeside(m_path, subject());
    if (!lock)
        return lock.failure();
    m_lock = std::move(*lock);
    return Ok {};
}

Status SqliteStore::open()
{
    if (auto status = checkPath(); !status)
        return status;
    if (auto status = lock(); !status)
        return status;
    return openShared();
}

Status SqliteStore::openShared()
{
    auto connection = SqliteConnection::open(m_path);
    if (!connection)
        return connection.failure();
    if (auto status = Schema::migrate(**connection); !status)
        return status.failure().withMessage(QStringLiteral("%1: %2").arg(m_path, status.error()));
    return Ok {};
}

std::unique_ptr<StoreWriter> SqliteStore::createWriter()
{
    return std::make_unique<SqliteWriter>(m_path, m_sizeLimit, ChunkPolicy::Compaction {}, m_retention);
}

std::unique_ptr<StoreReader> SqliteStore::createReader()
{
    return std::make_unique<SqliteReader>(m_path, ReadScope {}, m_exactCallLimit);
}

std::unique_ptr<StoreReader> SqliteStore::createScopedReader(const ReadScope& scope)
{
    return std::make_unique<SqliteReader>(m_path, scope, m_exactCallLimit);
}

std::unique_ptr<AlertHistory> SqliteStore::createAlertHistory()
{
    return std::make_unique<SqliteAlertHistory>(m_path);
}

void SqliteStore::setSizeLimit(qint64 bytes)
{
    m_sizeLimit->store(bytes);
}

qint64 SqliteStore::sizeOnDisk() const
{
    qint64 total = 0;
    for (const auto& suffix : { QString(), QStringLiteral("-wal") }) {
        const QFileInfo file(m_path + suffix);
        if (file.exists())
            total += file.size();
    }
    return total;
}

} // namespace Kodemon
