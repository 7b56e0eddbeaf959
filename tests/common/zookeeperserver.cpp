// SPDX-License-Identifier: MIT
#include "zookeeperserver.h"

#include "clickhouseserver.h"

#include <csignal>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QThread>
#include <sys/prctl.h>

namespace Kodemon::Test {

namespace {

const char* const Jar = "/usr/share/java/zookeeper.jar";
const char* const Java = "/usr/bin/java";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

ZooKeeperServer::ZooKeeperServer()
{
    m_port = freeTcpPorts(1).first();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

ZooKeeperServer::~ZooKeeperServer()
{
    stop();
}

bool ZooKeeperServer::answersRuok() const
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
    if (!socket.waitForConnected(500))
        return false;
    socket.write("ruok");
    QByteArray answer;
    while (socket.waitForReadyRead(500))
        answer += socket.readAll();
    return answer.startsWith("imok");
}

bool ZooKeeperServer::start(int timeoutMs)
{
    if (!QFile::exists(QLatin1String(Jar)) || !QFile::exists(QLatin1String(Java))) {
        m_error = QStringLiteral("ZooKeeper is not installed: run `make deps` (Debian 12 package zookeeperd); the "
                                 "replica tests need a real coordinator");
        return false;
    }
    const QString folder = m_folder.path();
    QDir(folder).mkpath(QStringLiteral("data"));
    const QByteArray config = "tickTime=500\nminSessionTimeout=1000\nmaxSessionTimeout=30000\ndataDir="
        + folder.toUtf8() + "/data\nclientPort=" + QByteArray::number(m_port)
        + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n";
    if (!writeFile(folder + QStringLiteral("/zoo.cfg"), config)) {
        m_error = QStringLiteral("cannot write the ZooKeeper configuration in %1").arg(folder);
        return false;
    }
    // Debian's /etc/zookeeper/conf holds the logging configuration the package ships.
    m_process.start(QLatin1String(Java),
        { QStringLiteral("-Xmx256m"), QStringLiteral("-cp"),
            QStringLiteral("/etc/zookeeper/conf:%1").arg(QLatin1String(Jar)),
            QStringLiteral("-Dzookeeper.log.dir=%1").arg(folder),
            QStringLiteral("-Dzookeeper.root.logger=WARN,CONSOLE"),
            QStringLiteral("org.apache.zookeeper.server.ZooKeeperServerMain"), folder + QStringLiteral("/zoo.cfg") });
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && m_process.state() != QProcess::NotRunning) {
        if (answersRuok())
            return true;
        QThread::msleep(200);
    }
    m_error = QStringLiteral("ZooKeeper on port %1 did not start: %2")
                  .arg(m_port)
                  .arg(QString::fromUtf8(m_process.readAll().right(3000)));
    stop();
    return false;
}

void ZooKeeperServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

} // namespace Kodemon::Test
