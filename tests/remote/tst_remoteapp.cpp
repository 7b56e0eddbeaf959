// SPDX-License-Identifier: MIT
// `kodemon --remote URL` from outside, as a user starts it: bad command lines are usage errors, and a window
// on a running collector starts, stops on SIGTERM and leaves nothing behind but its settings.
#include "kodemonprocess.h"
#include "testdata.h"

#include <csignal>
#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::KodemonProcess;

namespace {

struct Run
{
    int code = -1;
    QString output;
};

Run runToEnd(const QStringList& arguments, const QProcessEnvironment& environment)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setProcessEnvironment(environment);
    process.start(KodemonProcess::binary(), arguments);
    if (!process.waitForFinished(15000))
        return { -1, QStringLiteral("did not finish") };
    return { process.exitCode(), QString::fromUtf8(process.readAll()) };
}

// A home of its own, so that whatever the window writes can be listed; offscreen, so it needs no display.
QProcessEnvironment isolated(const QString& home)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/runtime"));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.remove(QStringLiteral("KODEMON_API_TOKEN"));
    return environment;
}

QStringList filesUnder(const QString& folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(QDir(folder).relativeFilePath(it.next()));
    files.sort();
    return files;
}

} // namespace

class tst_RemoteApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void badCommandLines_data();
    void badCommandLines();
    void helpExplainsBothMeaningsOfApiToken();
    void viewsARunningCollectorAndWritesNothing();
};

void tst_RemoteApp::badCommandLines_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environmentToken");
    QTest::addColumn<QString>("message");
    const QString remote = QStringLiteral("--remote");
    const QString url = QStringLiteral("http://127.0.0.1:4000");
    QTest::newRow("not a url") << QStringList { remote, QStringLiteral("127.0.0.1:4000") } << QString()
                               << "--remote \"127.0.0.1:4000\" is not an http:// or https:// URL";
    QTest::newRow("other scheme") << QStringList { remote, QStringLiteral("ftp://host:4000") } << QString()
                                  << "is not an http:// or https:// URL";
    QTest::newRow("no host") << QStringList { remote, QStringLiteral("http://:4000") } << QString()
                             << "is not an http:// or https:// URL";
    QTest::newRow("with headless") << QStringList { remote, url, QStringLiteral("--headless") } << QString()
                                   << "--headless is for collecting here";
    QTest::newRow("with a local port") << QStringList { remote, url, QStringLiteral("--udp-port"),
        QStringLiteral("5000") } << QString()
                                       << "--udp-port is for collecting here";
    QTest::newRow("with a database") << QStringList { remote, url, QStringLiteral("--db"), QStringLiteral("x.sqlite") }
                                     << QString() << "--db is for collecting here";
    QTest::newRow("two api tokens") << QStringList { remote, url, QStringLiteral("--api-token"),
        QStringLiteral("aaaaaaaaaaaaaaaa"), QStringLiteral("--api-token"), QStringLiteral("bbbbbbbbbbbbbbbb") }
                                    << QString() << "--remote sends one API token";
    QTest::newRow("two tokens in the environment")
        << QStringList { remote, url } << QStringLiteral("aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb")
        << "KODEMON_API_TOKEN holds 2";
}

void tst_RemoteApp::badCommandLines()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environmentToken);
    QFETCH(QString, message);
    QTemporaryDir home;
    QProcessEnvironment environment = isolated(home.path());
    if (!environmentToken.isEmpty())
        environment.insert(QStringLiteral("KODEMON_API_TOKEN"), environmentToken);
    const Run run = runToEnd(arguments, environment);
    QCOMPARE(run.code, 64);
    QVERIFY2(run.output.contains(message), qPrintable(run.output));
}

void tst_RemoteApp::helpExplainsBothMeaningsOfApiToken()
{
    QTemporaryDir home;
    const Run run = runToEnd({ QStringLiteral("--help") }, isolated(home.path()));
    QCOMPARE(run.code, 0);
    const QString help = run.output.simplified();
    QVERIFY(help.contains(QStringLiteral("--remote <URL>")));
    if (help.contains(QStringLiteral("--api-token")))
        QVERIFY(help.contains(QStringLiteral("With --remote: the one API token to send")));
}

void tst_RemoteApp::viewsARunningCollectorAndWritesNothing()
{
    KodemonProcess server;
    QVERIFY2(server.start(), qPrintable(server.output()));
    Test::sendDatagrams({ Test::decoratorDatagram(QStringLiteral("/srv/app.py-f"), 3, 1700000000) }, server.udpPort());
    QTemporaryDir home;
    QProcess viewer;
    viewer.setProcessChannelMode(QProcess::MergedChannels);
    viewer.setProcessEnvironment(isolated(home.path()));
    viewer.start(KodemonProcess::binary(), { QStringLiteral("--remote"), server.baseUrl() });
    QVERIFY(viewer.waitForStarted(10000));
    QByteArray output;
    const QByteArray viewing = QByteArray("viewing ") + server.baseUrl().toUtf8();
    QTRY_VERIFY_WITH_TIMEOUT((output += viewer.readAll()).contains(viewing), 10000);
    QTest::qWait(1500); // it reads the server for a while
    ::kill(pid_t(viewer.processId()), SIGTERM);
    QVERIFY(viewer.waitForFinished(10000));
    output += viewer.readAll();
    QCOMPARE(viewer.exitStatus(), QProcess::NormalExit);
    QVERIFY2(viewer.exitCode() == 0, output.constData());
    // No database, lock, spool or socket: only the window's settings.
    QCOMPARE(filesUnder(home.path()), QStringList { QStringLiteral(".config/kodemon/kodemon.conf") });
}

QTEST_GUILESS_MAIN(tst_RemoteApp)
#include "tst_remoteapp.moc"
