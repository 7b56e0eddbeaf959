// SPDX-License-Identifier: MIT
#include "kodemonprocess.h"

#include <csignal>
#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

namespace Kodemon::Test {

KodemonProcess::KodemonProcess(QStringList arguments, Database database)
    : m_arguments(std::move(arguments))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    if (database == Database::Default)
        return;
    m_databasePath = m_folder.filePath(QStringLiteral("kodemon.sqlite"));
    const auto db = m_arguments.indexOf(QStringLiteral("--db"));
    if (db >= 0 && db + 1 < m_arguments.size())
        m_databasePath = m_arguments.at(db + 1);
    else
        m_arguments << QStringLiteral("--db") << m_databasePath;
}

KodemonProcess::~KodemonProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString KodemonProcess::binary()
{
    return qEnvironmentVariable("KODEMON_BINARY", QStringLiteral(KODEMON_BINARY_PATH));
}

QString KodemonProcess::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_httpPort);
}

bool KodemonProcess::start(int timeoutMs)
{
    QStringList arguments { QStringLiteral("--headless"), QStringLiteral("--udp-port"), QStringLiteral("0"),
        QStringLiteral("--http-port"), QStringLiteral("0") };
    m_process.start(binary(), arguments + m_arguments);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        m_process.waitForReadyRead(100);
        m_output += m_process.readAll();
        if (parseStartupLine())
            return true;
        if (m_process.state() == QProcess::NotRunning)
            return false;
    }
    return false;
}

bool KodemonProcess::parseStartupLine()
{
    static const QRegularExpression line(QStringLiteral(R"(listening on UDP \S+:(\d+) and HTTP http://\S+:(\d+)/)"));
    const auto match = line.match(QString::fromUtf8(m_output));
    if (!match.hasMatch())
        return false;
    m_udpPort = match.captured(1).toUShort();
    m_httpPort = match.captured(2).toUShort();
    return true;
}

int KodemonProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    ::kill(pid_t(m_process.processId()), SIGTERM);
    return waitForExit(timeoutMs);
}

int KodemonProcess::waitForExit(int timeoutMs)
{
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(timeoutMs))
        return -1;
    m_output += m_process.readAll();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString KodemonProcess::output()
{
    m_output += m_process.readAll();
    return QString::fromUtf8(m_output);
}

} // namespace Kodemon::Test
