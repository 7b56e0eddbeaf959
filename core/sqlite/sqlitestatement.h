// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <QByteArrayView>

struct sqlite3;
struct sqlite3_stmt;
class QSqlDatabase;

namespace Kodemon {

// A prepared statement on the SQLite handle behind a QtSql connection, for the hot paths (the batch INSERT,
// range scans over millions of rows) where QtSql's per-row QVariant traffic costs more than the query.
class SqliteStatement final
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&& other) noexcept;
    Q_DISABLE_COPY(SqliteStatement)

    // The raw handle of an open QSQLITE connection, or nullptr.
    static sqlite3* handle(const QSqlDatabase& db);
    static Result<SqliteStatement> prepare(sqlite3* db, const char* sql);
    // prepare() for a statement asked again and again on one connection (a read per series, per request): when
    // this object goes, the statement is reset and kept, and the next prepareCached() of the same text on the same
    // connection gets it back. Preparing was a third of What Changed over 1,000 functions (perf, 2026-12-06).
    // Only on connections of SqliteConnection, which forgets them before it closes (forgetCached).
    static Result<SqliteStatement> prepareCached(sqlite3* db, const char* sql);
    static void forgetCached(sqlite3* db);

    void bind(int index, double value);
    void bind(int index, qint64 value);
    void bindText(int index, QByteArrayView utf8); // must outlive the next step()
    void bindBlob(int index, QByteArrayView bytes); // must outlive the next step()
    void bindNull(int index);

    // Advances; true while there is a row. Errors end the iteration and are kept in error().
    bool step();
    void reset();
    bool failed() const { return m_failed; }
    QString error() const;
    // The last error as an Error (`what`: SQLite's words), of kind StorageFull for a full disk or size limit.
    Error failure(const QString& what) const;

    double columnDouble(int column) const;
    qint64 columnInt(int column) const;
    QByteArrayView columnText(int column) const; // valid until the next step()
    QByteArrayView columnBlob(int column) const; // valid until the next step()
    // The statement itself, for what this wrapper does not offer (column types).
    sqlite3_stmt* raw() const { return m_statement; }

private:
    sqlite3_stmt* m_statement = nullptr;
    bool m_failed = false;
    bool m_cached = false; // back to the cache, not finalized, when destroyed
};

// The connection's last error as an Error (`what`: SQLite's words): of kind StorageFull when SQLite reports
// SQLITE_FULL, which a full disk and the writer's size limit (max_page_count) both give.
Error sqliteError(sqlite3* db, const QString& what);

} // namespace Kodemon
