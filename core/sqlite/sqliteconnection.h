// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <memory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace Kodemon {

// One named QtSql connection to an SQLite file, owned by the thread that opened it. Closing and removing the
// connection happens in the destructor, so statements made on it must be destroyed first.
class SqliteConnection final
{
public:
    static Result<std::unique_ptr<SqliteConnection>> open(const QString& path);
    ~SqliteConnection();
    Q_DISABLE_COPY_MOVE(SqliteConnection)

    QSqlDatabase database() const;
    // Runs one statement that returns nothing; the error names the statement's purpose.
    Status execute(const QString& sql);
    // The first column of the first row of a query, or an error.
    Result<QVariant> scalar(const QString& sql);

private:
    explicit SqliteConnection(QString name);
    QString m_name;
};

// Opens `path` into `connection` unless it is open already. The SQLite reader and writer both open on first
// use, on the thread that uses them (a QtSql connection belongs to the thread that made it).
Status openOnce(std::unique_ptr<SqliteConnection>& connection, const QString& path);

// A null QString binds as SQL NULL, which equals nothing; keys and tokens are never NULL (no token is "").
QVariant sqlText(const QString& value);

// An error from QtSql in words (`what` failed: why), of kind StorageFull when SQLite reports a full disk or the
// size limit (max_page_count), so that the writer can say what to do without reading the message.
Error sqlError(const QString& what, const QSqlError& error);

} // namespace Kodemon
