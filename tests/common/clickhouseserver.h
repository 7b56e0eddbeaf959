// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"

#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace Kodemon::Test {

// A real clickhouse-server (Debian's package) on loopback, with its own configuration, data and free ports in a
// temporary folder; stopped and removed when destroyed. Tests fail, never skip, when the package is missing.
class ClickHouseServer final
{
public:
    ClickHouseServer();
    ~ClickHouseServer();
    Q_DISABLE_COPY_MOVE(ClickHouseServer)

    // Adds a cluster of `name` to <remote_servers>: one shard per TCP port, all on 127.0.0.1. Before start().
    void setCluster(const QString& name, const QList<quint16>& shardTcpPorts);
    // The same with shards of several replicas (each a list of TCP ports), replicating among themselves
    // (internal_replication), coordinated by the ZooKeeper on `zooKeeperPort`; this server is `replica` of `shard`
    // (its {shard} and {replica} macros). Before start().
    void setReplicatedCluster(const QString& name, const QList<QList<quint16>>& shards, quint16 zooKeeperPort,
        const QString& shard, const QString& replica);

    // Writes the configuration (the first time) and starts the server; false with error() when it did not
    // answer /ping in time.
    bool start(int timeoutMs = 30000);
    // SIGTERM, then SIGKILL if it does not stop; the data folder stays for the next start().
    void stop();
    // SIGKILL at once, as a crash or the OOM killer would; the data folder stays for the next start().
    void kill();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    quint16 httpPort() const { return m_httpPort; }
    quint16 tcpPort() const { return m_tcpPort; }
    QString error() const { return m_error; }
    // clickhouse://127.0.0.1:<http>/<database>
    QString url(const QString& database) const;
    ClickHouseConfig config(const QString& database, const QString& cluster = {}) const;

    // The server binary, or empty (with a message saying how to install it) when it is not installed.
    static QString binary(QString* message = nullptr);

private:
    bool writeConfiguration();
    bool answersPing() const;

    QTemporaryDir m_folder;
    QProcess m_process;
    quint16 m_httpPort = 0;
    quint16 m_tcpPort = 0;
    quint16 m_interserverPort = 0;
    QString m_clusterName;
    QList<QList<quint16>> m_shards;
    bool m_replicated = false;
    QString m_extraConfig; // <zookeeper> and <macros> of a replicated cluster
    bool m_configured = false;
    QString m_error;
};

// Free TCP ports on 127.0.0.1 (bound and released; good enough on a test machine).
QList<quint16> freeTcpPorts(int count);

} // namespace Kodemon::Test
