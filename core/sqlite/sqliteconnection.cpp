// SPDX-License-Identifier: MIT
#include "sqlite/sqliteconnection.h"

#include "base/logging.h"
#include "sqlite/sqlitestatement.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlQuery>
#include <sqlite3.h>

namespace Kodemon {

namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("kodemon-sqlite-%1").arg(counter.fetchAndAddRelaxed(1));
}

Status applyPragmas(SqliteConnection& connection)
{
    auto mode = connection.scalar(QStringLiteral("PRAGMA journal_mode = WAL"));
    if (!mode)
        return mode.failure();
    if (mode->toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        qCWarning(lcStorage) << "SQLite refused write-ahead logging (journal mode is" << mode->toString()
                             << "); writes will be slower and readers may wait for the writer";
    for (const char* pragma : { "PRAGMA synchronous = NORMAL", "PRAGMA temp_store = MEMORY",
             "PRAGMA cache_size = -32768", "PRAGMA wal_autocheckpoint = 16384" }) {
        if (auto status = connection.execute(QLatin1String(pragma)); !status)
            return status;
    }
    return Ok {};
}

} // namespace

Error sqlError(const QString& what, const QSqlError& error)
{
    // The driver reports SQLite's extended result code; its low byte is the primary one.
    const bool full = (error.nativeErrorCode().toInt() & 0xff) == SQLITE_FULL;
    return Error { QStringLiteral("%1: %2").arg(what, error.text()),
        full ? ErrorKind::StorageFull : ErrorKind::Failed };
}

Status openOnce(std::unique_ptr<SqliteConnection>& connection, const QString& path)
{
    if (connection)
        return Ok {};
    auto opened = SqliteConnection::open(path);
    if (!opened)
        return opened.failure();
    connection = std::move(opened).value();
    return Ok {};
}

QVariant sqlText(const QString& value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

SqliteConnection::SqliteConnection(QString name)
    : m_name(std::move(name))
{ }

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const QString& path)
{
    std::unique_ptr<SqliteConnection> connection(new SqliteConnection(nextConnectionName()));
    auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection->m_name);
    if (!db.isValid())
        return Error { QStringLiteral("the Qt SQLite driver (libqt6sql6-sqlite) is not installed") };
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError(QStringLiteral("cannot open %1").arg(path), db.lastError());
    // The first read fails on a file that is not SQLite; report it here, before anything writes.
    if (auto probe = connection->scalar(QStringLiteral("PRAGMA schema_version")); !probe)
        return Error { QStringLiteral("%1 is not a usable SQLite database (%2)").arg(path, probe.error()) };
    if (auto status = applyPragmas(*connection); !status)
        return status.failure();
    return connection;
}

SqliteConnection::~SqliteConnection()
{
    {
        auto db = QSqlDatabase::database(m_name, false);
        SqliteStatement::forgetCached(SqliteStatement::handle(db)); // SQLite does not close with statements left
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase SqliteConnection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

Status SqliteConnection::execute(const QString& sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return sqlError(sql, query.lastError());
    return Ok {};
}

Result<QVariant> SqliteConnection::scalar(const QString& sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return sqlError(sql, query.lastError());
    if (!query.next())
        return QVariant();
    return query.value(0);
}

} // namespace Kodemon
