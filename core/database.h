// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"

#include <memory>
#include <QSqlDatabase>
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

// A null QString binds as SQL NULL, which equals nothing; keys and tokens are never NULL (no token is "").
QVariant sqlText(const QString& value);

// What the samples table keeps of the arrival time: seconds after the call's start (its timestamp, truncated),
// usually 0 or 1, which SQLite stores in no bytes at all. Clamped so that any finite timestamp is safe.
qint64 receivedDelay(qint64 receivedAt, double timestamp);

namespace Schema {
// The schema version this build writes; PRAGMA user_version holds the version of a file.
inline constexpr int CurrentVersion = 4;

// Brings the file to CurrentVersion, one transaction per step. Refuses files written by a newer
// Kodemon and SQLite files that are not Kodemon's, leaving them untouched.
Status migrate(SqliteConnection& connection);
// Applies the steps up to `version` only: lets tests build files as older releases left them.
Status migrateTo(SqliteConnection& connection, int version);
} // namespace Schema

} // namespace Kodemon
