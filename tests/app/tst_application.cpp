// SPDX-License-Identifier: MIT
// End to end through the real `kodemon --headless`: command line, start-up, datagrams as the decorator sends
// them, SIGTERM, and the file left behind.
#include "kodemonprocess.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"
#include "testdata.h"

#include <csignal>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <QUdpSocket>
#include <unistd.h>

using namespace Kodemon;

class tst_Application : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpDocumentsEveryOption();
    void versionIsTheProjectVersion();
    void badCommandLines_data();
    void badCommandLines();
    void storesEverythingSentBeforeSigterm();
    void sigintStopsCleanly();
    void udpPortInUseExitsWithCode2();
    void unusableDatabaseExitsWithCode1();
    void privilegedPortWithoutRootIsExplained();
    void freshHomeStartsWithTheDefaultDatabase();

private:
    static QProcess::ProcessChannelMode merged() { return QProcess::MergedChannels; }
    static std::pair<int, QString> runToEnd(const QStringList& arguments);
};

std::pair<int, QString> tst_Application::runToEnd(const QStringList& arguments)
{
    QProcess process;
    process.setProcessChannelMode(merged());
    process.start(Test::KodemonProcess::binary(), arguments);
    if (!process.waitForFinished(15000))
        return { -1, QStringLiteral("did not finish") };
    return { process.exitCode(), QString::fromUtf8(process.readAll()) };
}

void tst_Application::helpDocumentsEveryOption()
{
    const auto [code, output] = runToEnd({ QStringLiteral("--help") });
    QCOMPARE(code, 0);
    for (const char* option : { "--headless", "--udp-address", "--udp-port", "--http-address", "--http-port", "--db",
             "--version", "--help", "Exit codes" })
        QVERIFY2(output.contains(QLatin1String(option)), option);
    QVERIFY(output.contains(QLatin1String("kodemon.sqlite"))); // the default database is spelled out
}

void tst_Application::versionIsTheProjectVersion()
{
    const auto [code, output] = runToEnd({ QStringLiteral("--version") });
    QCOMPARE(code, 0);
    QCOMPARE(output.trimmed(), QStringLiteral("kodemon " KODEMON_VERSION));
}

void tst_Application::badCommandLines_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown option") << QStringList { QStringLiteral("--headless"), QStringLiteral("--bogus") }
                                    << "bogus";
    QTest::newRow("port out of range") << QStringList { QStringLiteral("--headless"), QStringLiteral("--udp-port"),
        QStringLiteral("70000") } << "--udp-port";
    QTest::newRow("port not a number") << QStringList { QStringLiteral("--headless"), QStringLiteral("--http-port"),
        QStringLiteral("http") } << "--http-port";
    QTest::newRow("address not an ip") << QStringList { QStringLiteral("--headless"), QStringLiteral("--udp-address"),
        QStringLiteral("example.org") } << "--udp-address";
    QTest::newRow("missing value") << QStringList { QStringLiteral("--headless"), QStringLiteral("--db") } << "--db";
    QTest::newRow("no ingest memory") << QStringList { QStringLiteral("--headless"), QStringLiteral("--ingest-memory"),
        QStringLiteral("0") } << "--ingest-memory must be between 1 and 65536 MiB";
    QTest::newRow("ingest memory not a number") << QStringList { QStringLiteral("--headless"),
        QStringLiteral("--ingest-memory"), QStringLiteral("lots") } << "--ingest-memory";
    QTest::newRow("stray argument") << QStringList { QStringLiteral("--headless"), QStringLiteral("extra") } << "extra";
}

void tst_Application::badCommandLines()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto [code, output] = runToEnd(arguments);
    QCOMPARE(code, 64);
    QVERIFY2(output.contains(message), qPrintable(output));
}

void tst_Application::storesEverythingSentBeforeSigterm()
{
    Test::KodemonProcess kodemon;
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    QVERIFY(kodemon.udpPort() > 0);
    QVERIFY(kodemon.output().contains(kodemon.databasePath()));

    auto datagrams = Test::decoratorDatagrams();
    for (int i = 0; i < 2000; ++i)
        datagrams.append(
            Test::decoratorDatagram(QStringLiteral("/srv/app/views.py-fetch_latest"), 0.5 + i, 1795608000 + i));
    datagrams.append("not json"); // counted, never stored, never in the way
    Test::sendDatagrams(datagrams, kodemon.udpPort());
    QCOMPARE(kodemon.terminate(), 0); // at once: what is in flight must still be stored
    QVERIFY(kodemon.output().contains(QLatin1String("stopped")));

    SqliteStore store(kodemon.databasePath());
    QVERIFY(store.open().ok());
    Query query(store.createReader());
    const auto keys = query.keys();
    QVERIFY(keys.ok());
    QCOMPARE(keys->size(), 16);
    const auto page
        = query.executions({ QStringLiteral("/srv/app/views.py-fetch_latest"), QStringLiteral("test-token"), {} });
    QVERIFY(page.ok());
    QCOMPARE(page->samples.size(), 2000);
    QCOMPARE(page->samples.last().executionTime, 1999.5);
    QCOMPARE(query.executions({ QStringLiteral("custom-key"), std::nullopt, {} })->samples.first().timestamp, 0.0);
}

void tst_Application::sigintStopsCleanly()
{
    Test::KodemonProcess kodemon;
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    Test::sendDatagrams({ Test::decoratorDatagram(QStringLiteral("a.py-f"), 1, 1795608000) }, kodemon.udpPort());
    ::kill(pid_t(kodemon.pid()), SIGINT);
    QCOMPARE(kodemon.waitForExit(), 0);
    SqliteStore store(kodemon.databasePath());
    QVERIFY(store.open().ok());
    QCOMPARE(Query(store.createReader()).keys()->size(), 1);
}

void tst_Application::udpPortInUseExitsWithCode2()
{
    QUdpSocket occupant;
    QVERIFY(occupant.bind(QHostAddress::LocalHost, 0));
    const QString port = QString::number(occupant.localPort());
    QTemporaryDir dir;
    const auto [code, output]
        = runToEnd({ QStringLiteral("--headless"), QStringLiteral("--udp-port"), port, QStringLiteral("--http-port"),
            QStringLiteral("0"), QStringLiteral("--db"), dir.filePath(QStringLiteral("k.sqlite")) });
    QCOMPARE(code, 2);
    QVERIFY2(output.contains(QStringLiteral("UDP 127.0.0.1:") + port) && output.contains(QLatin1String("in use")),
        qPrintable(output));
}

void tst_Application::unusableDatabaseExitsWithCode1()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const QByteArray content = "these are my notes, not a database\n" + QByteArray(4096, '.');
    file.write(content);
    file.close();
    const auto [code, output] = runToEnd({ QStringLiteral("--headless"), QStringLiteral("--udp-port"),
        QStringLiteral("0"), QStringLiteral("--http-port"), QStringLiteral("0"), QStringLiteral("--db"), path });
    QCOMPARE(code, 1);
    QVERIFY2(output.contains(QLatin1String("not a usable SQLite database")), qPrintable(output));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
}

void tst_Application::privilegedPortWithoutRootIsExplained()
{
    // As an unprivileged user (nobody, through setpriv when the test runs as root), port 80 is refused.
    const bool root = ::geteuid() == 0;
    if (root && QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
        QSKIP("needs setpriv (util-linux) to drop root");
    QTemporaryDir dir;
    QFile::setPermissions(dir.path(),
        QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::WriteOther
            | QFile::ExeOther);
    QStringList command { Test::KodemonProcess::binary(), QStringLiteral("--headless"), QStringLiteral("--udp-port"),
        QStringLiteral("80"), QStringLiteral("--http-port"), QStringLiteral("0"), QStringLiteral("--db"),
        dir.filePath(QStringLiteral("k.sqlite")) };
    if (root)
        command = QStringList { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
            QStringLiteral("--clear-groups"), QStringLiteral("--") }
            + command;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(root ? QStringLiteral("setpriv") : command.takeFirst(), command);
    QVERIFY(process.waitForFinished(15000));
    const QString output = QString::fromUtf8(process.readAll());
    QCOMPARE(process.exitCode(), 2);
    QVERIFY2(output.contains(QLatin1String("permission denied")) && output.contains(QLatin1String("below 1024")),
        qPrintable(output));
}

void tst_Application::freshHomeStartsWithTheDefaultDatabase()
{
    // A new user's first start: no --db, and ~/.local/share/kodemon/ does not exist yet.
    QTemporaryDir home;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.remove(QStringLiteral("XDG_DATA_HOME"));
    Test::KodemonProcess kodemon({}, Test::KodemonProcess::Database::Default);
    kodemon.process().setProcessEnvironment(environment);
    QVERIFY2(kodemon.start(), qPrintable(kodemon.output()));
    Test::sendDatagrams({ Test::decoratorDatagram(QStringLiteral("a.py-f"), 1, 1795608000) }, kodemon.udpPort());
    QCOMPARE(kodemon.terminate(), 0);
    const QString database = home.filePath(QStringLiteral(".local/share/kodemon/kodemon.sqlite"));
    QVERIFY2(kodemon.output().contains(database), qPrintable(kodemon.output()));
    SqliteStore store(database);
    QVERIFY(store.open().ok());
    QCOMPARE(Query(store.createReader()).keys()->size(), 1);
}

QTEST_GUILESS_MAIN(tst_Application)
#include "tst_application.moc"
