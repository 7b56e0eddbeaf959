// SPDX-License-Identifier: MIT
// lockBeside(): a first start makes the missing folder, and the ways a lock fails are told apart, since
// QLockFile alone reports a missing folder the way it reports a lock held by someone else.
#include "base/filelock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace Kodemon;

class tst_FileLock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void missingFoldersAreMade_data();
    void missingFoldersAreMade();
    void aFileInTheWayIsNamed();
    void anUnwritableFolderIsNotAHeldLock();
    void aHeldLockNamesItsHolder();
    void theLockIsReleasedWithItsOwner();

private:
    LockSubject subject(const QString& path) const
    {
        return { QStringLiteral("the spool file %1").arg(path), QStringLiteral("give each collector its own --spool") };
    }
    QTemporaryDir m_dir;
};

void tst_FileLock::missingFoldersAreMade_data()
{
    QTest::addColumn<QString>("relative");
    QTest::newRow("the folder exists") << QStringLiteral("spool.bin");
    QTest::newRow("one folder missing, a fresh HOME") << QStringLiteral("kodemon/clickhouse-spool.bin");
    QTest::newRow("three folders missing") << QStringLiteral(".local/share/kodemon/clickhouse-spool.bin");
    QTest::newRow("spaces and non-ASCII") << QString::fromUtf8("my data/café/spool.bin");
}

void tst_FileLock::missingFoldersAreMade()
{
    QFETCH(QString, relative);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_') + u'/' + relative);
    auto lock = lockBeside(path, subject(path));
    QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error()));
    QVERIFY((*lock)->isLocked());
    QVERIFY(QFileInfo(path).absoluteDir().exists());
    QVERIFY(QFile::exists(path + QStringLiteral(".lock")));
}

void tst_FileLock::aFileInTheWayIsNamed()
{
    const QString file = m_dir.filePath(QStringLiteral("not-a-folder"));
    QFile blocker(file);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString path = file + QStringLiteral("/kodemon/spool.bin");
    auto lock = lockBeside(path, subject(path));
    QVERIFY(!lock.ok());
    QVERIFY2(lock.error().startsWith(QStringLiteral("cannot create the folder ")), qPrintable(lock.error()));
    QVERIFY2(lock.error().contains(file + QStringLiteral(" is a file, not a folder")), qPrintable(lock.error()));
    QVERIFY2(lock.error().contains(QStringLiteral("--spool")), qPrintable(lock.error()));
    QVERIFY2(!lock.error().contains(QStringLiteral("another Kodemon")), qPrintable(lock.error()));
}

void tst_FileLock::anUnwritableFolderIsNotAHeldLock()
{
    if (::geteuid() == 0)
        QSKIP("root writes into read-only folders; the case of a file in the way covers the folder check as root");
    const QString folder = m_dir.filePath(QStringLiteral("read-only"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const QString path = folder + QStringLiteral("/spool.bin");
    auto lock = lockBeside(path, subject(path));
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QVERIFY(!lock.ok());
    QVERIFY2(lock.error().contains(QStringLiteral("is not writable")), qPrintable(lock.error()));
    QVERIFY2(!lock.error().contains(QStringLiteral("another Kodemon")), qPrintable(lock.error()));
}

void tst_FileLock::aHeldLockNamesItsHolder()
{
    const QString path = m_dir.filePath(QStringLiteral("held/spool.bin"));
    auto first = lockBeside(path, subject(path));
    QVERIFY(first.ok());
    auto second = lockBeside(path, subject(path));
    QVERIFY(!second.ok());
    const QString expected = QStringLiteral("another Kodemon (process %1 on %2) is already using the spool file %3; "
                                            "stop it or give each collector its own --spool")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(QSysInfo::machineHostName(), path);
    QCOMPARE(second.error(), expected);
}

void tst_FileLock::theLockIsReleasedWithItsOwner()
{
    const QString path = m_dir.filePath(QStringLiteral("released/spool.bin"));
    {
        auto first = lockBeside(path, subject(path));
        QVERIFY(first.ok());
    }
    auto again = lockBeside(path, subject(path));
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error()));
}

QTEST_GUILESS_MAIN(tst_FileLock)
#include "tst_filelock.moc"
