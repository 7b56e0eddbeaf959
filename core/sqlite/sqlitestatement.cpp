// SPDX-License-Identifier: MIT
#include "sqlite/sqlitestatement.h"

#include <cstring>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>
#include <sqlite3.h>

namespace Kodemon {

namespace {

// Statements kept by prepareCached(), per connection and text. A connection is used by one thread at a time, but
// readers are made and destroyed on several: one lock for all (held for a hash lookup, not for SQLite's work).
struct StatementCache
{
    static constexpr qsizetype MaxTexts = 128; // per connection; past it statements are finalized as before
    static constexpr qsizetype MaxPerText = 4;
    QMutex mutex;
    QHash<sqlite3*, QHash<QByteArray, QList<sqlite3_stmt*>>> kept;
};

StatementCache& cache()
{
    static StatementCache instance;
    return instance;
}

sqlite3_stmt* takeCached(sqlite3* db, const char* sql)
{
    StatementCache& c = cache();
    QMutexLocker lock(&c.mutex);
    auto connection = c.kept.find(db);
    if (connection == c.kept.end())
        return nullptr;
    auto texts = connection->find(QByteArray::fromRawData(sql, qsizetype(std::strlen(sql))));
    if (texts == connection->end() || texts->isEmpty())
        return nullptr;
    return texts->takeLast();
}

// False when the cache is full: the caller finalizes.
bool keep(sqlite3_stmt* statement)
{
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    StatementCache& c = cache();
    QMutexLocker lock(&c.mutex);
    auto& texts = c.kept[sqlite3_db_handle(statement)];
    const QByteArray sql(sqlite3_sql(statement));
    auto text = texts.find(sql);
    if (text == texts.end()) {
        if (texts.size() >= StatementCache::MaxTexts)
            return false;
        text = texts.insert(sql, {});
    }
    if (text->size() >= StatementCache::MaxPerText)
        return false;
    text->append(statement);
    return true;
}

} // namespace

SqliteStatement::~SqliteStatement()
{
    if (m_statement && m_cached && keep(m_statement))
        return;
    sqlite3_finalize(m_statement);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_failed(other.m_failed)
    , m_cached(other.m_cached)
{ }

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept
{
    std::swap(m_statement, other.m_statement);
    std::swap(m_failed, other.m_failed);
    std::swap(m_cached, other.m_cached);
    return *this;
}

Result<SqliteStatement> SqliteStatement::prepareCached(sqlite3* db, const char* sql)
{
    if (db) {
        if (sqlite3_stmt* kept = takeCached(db, sql)) {
            SqliteStatement statement;
            statement.m_statement = kept;
            statement.m_cached = true;
            return statement;
        }
    }
    auto prepared = prepare(db, sql);
    if (prepared)
        prepared->m_cached = true;
    return prepared;
}

void SqliteStatement::forgetCached(sqlite3* db)
{
    QList<sqlite3_stmt*> statements;
    {
        StatementCache& c = cache();
        QMutexLocker lock(&c.mutex);
        for (const auto& text : c.kept.take(db))
            statements += text;
    }
    for (sqlite3_stmt* statement : std::as_const(statements))
        sqlite3_finalize(statement);
}

sqlite3* SqliteStatement::handle(const QSqlDatabase& db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || std::strcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

Result<SqliteStatement> SqliteStatement::prepare(sqlite3* db, const char* sql)
{
    if (!db)
        return Error { QStringLiteral("no SQLite handle (is the Qt SQLite driver built on the system SQLite?)") };
    SqliteStatement statement;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement.m_statement, nullptr) != SQLITE_OK)
        return Error { QStringLiteral("cannot prepare a statement: %1").arg(QString::fromUtf8(sqlite3_errmsg(db))) };
    return statement;
}

void SqliteStatement::bind(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindText(int index, QByteArrayView utf8)
{
    // A null pointer would bind SQL NULL; an empty string is a value (the empty token).
    sqlite3_bind_text(m_statement, index, utf8.data() ? utf8.data() : "", int(utf8.size()), SQLITE_STATIC);
}

void SqliteStatement::bindBlob(int index, QByteArrayView bytes)
{
    // A null pointer would bind SQL NULL; an empty blob is a value.
    sqlite3_bind_blob(m_statement, index, bytes.data() ? bytes.data() : "", int(bytes.size()), SQLITE_STATIC);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

bool SqliteStatement::step()
{
    const int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW)
        return true;
    m_failed = result != SQLITE_DONE;
    return false;
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_failed = false;
}

QString SqliteStatement::error() const
{
    return QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_statement)));
}

Error SqliteStatement::failure(const QString& what) const
{
    return sqliteError(sqlite3_db_handle(m_statement), what);
}

Error sqliteError(sqlite3* db, const QString& what)
{
    const bool full = db && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_FULL;
    const QString why = db ? QString::fromUtf8(sqlite3_errmsg(db)) : QStringLiteral("no SQLite handle");
    return Error { QStringLiteral("%1: %2").arg(what, why), full ? ErrorKind::StorageFull : ErrorKind::Failed };
}

double SqliteStatement::columnDouble(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

qint64 SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QByteArrayView SqliteStatement::columnText(int column) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_statement, column));
}

QByteArrayView SqliteStatement::columnBlob(int column) const
{
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(m_statement, column));
    return QByteArrayView(bytes, bytes ? sqlite3_column_bytes(m_statement, column) : 0);
}

} // namespace Kodemon
