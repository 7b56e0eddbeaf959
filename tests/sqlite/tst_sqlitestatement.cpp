// SPDX-License-Identifier: MIT
// Statements kept between uses (prepareCached): the same statement comes back for the same text on the same
// connection, reset and without its old bindings, never to two users at once, never across connections, and a
// connection with kept statements still closes (its write-ahead log goes with the last connection).
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace Kodemon;

class tst_SqliteStatement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void aKeptStatementComesBackResetAndUnbound();
    void twoUsersGetTwoStatements();
    void connectionsDoNotShare();
    void aConnectionWithKeptStatementsCloses();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("statements.sqlite")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

constexpr const char* Numbers = "SELECT n FROM numbers WHERE n >= ?1 ORDER BY n";

sqlite3* handleOf(const SqliteConnection& connection)
{
    return SqliteStatement::handle(connection.database());
}

} // namespace

void tst_SqliteStatement::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto connection = SqliteConnection::open(path());
    QVERIFY(connection.ok());
    QVERIFY((*connection)->execute(QStringLiteral("CREATE TABLE numbers (n INTEGER)")).ok());
    QVERIFY((*connection)->execute(QStringLiteral("INSERT INTO numbers VALUES (1), (2), (3)")).ok());
}

void tst_SqliteStatement::aKeptStatementComesBackResetAndUnbound()
{
    auto connection = SqliteConnection::open(path());
    sqlite3* db = handleOf(**connection);
    sqlite3_stmt* first = nullptr;
    {
        auto statement = SqliteStatement::prepareCached(db, Numbers);
        QVERIFY(statement.ok());
        statement->bind(1, qint64(2));
        QVERIFY(statement->step());
        QCOMPARE(statement->columnInt(0), qint64(2)); // left in the middle of its rows
        first = statement->raw();
    }
    auto again = SqliteStatement::prepareCached(db, Numbers);
    QVERIFY(again.ok());
    QCOMPARE(again->raw(), first);
    // unbound: ?1 is NULL, and n >= NULL holds for no row; the rows start again once bound
    QVERIFY(!again->step());
    QVERIFY(!again->failed());
    again->reset();
    again->bind(1, qint64(1));
    QVERIFY(again->step());
    QCOMPARE(again->columnInt(0), qint64(1));
}

void tst_SqliteStatement::twoUsersGetTwoStatements()
{
    auto connection = SqliteConnection::open(path());
    sqlite3* db = handleOf(**connection);
    auto a = SqliteStatement::prepareCached(db, Numbers);
    auto b = SqliteStatement::prepareCached(db, Numbers);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->raw() != b->raw());
    a->bind(1, qint64(1));
    b->bind(1, qint64(3));
    QVERIFY(a->step() && b->step());
    QCOMPARE(a->columnInt(0), qint64(1));
    QCOMPARE(b->columnInt(0), qint64(3));
}

void tst_SqliteStatement::connectionsDoNotShare()
{
    auto one = SqliteConnection::open(path());
    auto two = SqliteConnection::open(path());
    sqlite3_stmt* ofOne = nullptr;
    {
        auto statement = SqliteStatement::prepareCached(handleOf(**one), Numbers);
        ofOne = statement->raw();
    }
    auto statement = SqliteStatement::prepareCached(handleOf(**two), Numbers);
    QVERIFY(statement.ok());
    QVERIFY(statement->raw() != ofOne);
    QCOMPARE(sqlite3_db_handle(statement->raw()), handleOf(**two));
}

void tst_SqliteStatement::aConnectionWithKeptStatementsCloses()
{
    {
        auto connection = SqliteConnection::open(path());
        for (const char* sql : { Numbers, "SELECT count(*) FROM numbers", "SELECT max(n) FROM numbers" }) {
            auto statement = SqliteStatement::prepareCached(handleOf(**connection), sql);
            QVERIFY(statement.ok());
            statement->step(); // kept with a step taken
        }
        QVERIFY(QFileInfo::exists(path() + QStringLiteral("-wal")));
    }
    // SQLite deletes the log when the last connection closes, which it refuses while statements are left.
    QVERIFY(!QFileInfo::exists(path() + QStringLiteral("-wal")));
}

QTEST_GUILESS_MAIN(tst_SqliteStatement)
#include "tst_sqlitestatement.moc"
