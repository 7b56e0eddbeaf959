// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace Kodemon::Test {

// A real ZooKeeper (Debian's zookeeperd package: /usr/share/java/zookeeper.jar on the system Java), standalone on a
// free loopback port with its data in a temporary folder; stopped and removed when destroyed. The coordinator of
// replicated ClickHouse tables. Tests fail, never skip, when the package is missing.
class ZooKeeperServer final
{
public:
    ZooKeeperServer();
    ~ZooKeeperServer();
    Q_DISABLE_COPY_MOVE(ZooKeeperServer)

    // Starts it and waits until it answers `ruok`; false with error() otherwise.
    bool start(int timeoutMs = 60000);
    void stop();

    quint16 port() const { return m_port; }
    QString error() const { return m_error; }

private:
    bool answersRuok() const;

    QTemporaryDir m_folder;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace Kodemon::Test
