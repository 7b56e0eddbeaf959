// SPDX-License-Identifier: MIT
#include "clickhouseserver.h"

#include <csignal>
#include <memory>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>
#include <sys/prctl.h>
#include <vector>

namespace Kodemon::Test {

namespace {

// Small caches and one-gigabyte queries: several servers share a 2-core test machine.
const char* const ConfigTemplate = R"(<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>%1/server.log</log><errorlog>%1/server.err.log</errorlog><size>10M</size><count>1</count></logger>
    <http_port>%2</http_port>
    <tcp_port>%3</tcp_port>
    <interserver_http_port>%4</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <listen_host>127.0.0.1</listen_host>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>32</max_concurrent_queries>
    <uncompressed_cache_size>16777216</uncompressed_cache_size>
    <mark_cache_size>33554432</mark_cache_size>
    <path>%1/data/</path>
    <tmp_path>%1/tmp/</tmp_path>
    <user_files_path>%1/user_files/</user_files_path>
    <format_schema_path>%1/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mlock_executable>false</mlock_executable>
    <remote_servers>%5</remote_servers>
    %6
</yandex>
)";

const char* const Users = R"(<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>1000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
    <users>
        <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
        <kodemon><password>s3cret pass</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></kodemon>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
)";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

QList<quint16> freeTcpPorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        auto server = std::make_unique<QTcpServer>();
        if (!server->listen(QHostAddress::LocalHost, 0))
            qFatal("cannot find a free TCP port");
        ports.append(server->serverPort());
        servers.push_back(std::move(server));
    }
    return ports;
}

ClickHouseServer::ClickHouseServer()
{
    const auto ports = freeTcpPorts(3);
    m_httpPort = ports[0];
    m_tcpPort = ports[1];
    m_interserverPort = ports[2];
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // A test that crashes never runs the destructor: the server then dies with it instead of living on.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

ClickHouseServer::~ClickHouseServer()
{
    stop();
}

QString ClickHouseServer::binary(QString* message)
{
    const QStringList folders { QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin"),
        QStringLiteral("/usr/local/bin") };
    QString found = QStandardPaths::findExecutable(QStringLiteral("clickhouse-server"));
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(QStringLiteral("clickhouse-server"), folders);
    if (found.isEmpty() && message)
        *message = QStringLiteral("clickhouse-server is not installed: run `make deps` (Debian 12 packages "
                                  "clickhouse-server and clickhouse-client); the ClickHouse tests need a real server");
    return found;
}

void ClickHouseServer::setCluster(const QString& name, const QList<quint16>& shardTcpPorts)
{
    m_clusterName = name;
    m_shards.clear();
    for (const quint16 port : shardTcpPorts)
        m_shards.append(QList<quint16> { port });
}

void ClickHouseServer::setReplicatedCluster(const QString& name, const QList<QList<quint16>>& shards,
    quint16 zooKeeperPort, const QString& shard, const QString& replica)
{
    m_clusterName = name;
    m_shards = shards;
    m_replicated = true;
    // A short session: a killed replica's ZooKeeper session (and its is_active node) is gone soon enough for it to
    // start again within a test.
    m_extraConfig = QStringLiteral("<zookeeper><node><host>127.0.0.1</host><port>%1</port></node>"
                                   "<session_timeout_ms>4000</session_timeout_ms></zookeeper>"
                                   "<macros><shard>%2</shard><replica>%3</replica></macros>")
                        .arg(zooKeeperPort)
                        .arg(shard, replica);
}

QString ClickHouseServer::url(const QString& database) const
{
    return QStringLiteral("clickhouse://127.0.0.1:%1/%2").arg(m_httpPort).arg(database);
}

ClickHouseConfig ClickHouseServer::config(const QString& database, const QString& cluster) const
{
    ClickHouseConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = m_httpPort;
    config.database = database;
    config.cluster = cluster;
    config.timeoutMs = 20000;
    return config;
}

bool ClickHouseServer::writeConfiguration()
{
    QString shards;
    for (const auto& replicas : std::as_const(m_shards)) {
        shards += QStringLiteral("<shard>");
        if (m_replicated)
            shards += QStringLiteral("<internal_replication>true</internal_replication>");
        for (const quint16 port : replicas)
            shards += QStringLiteral("<replica><host>127.0.0.1</host><port>%1</port></replica>").arg(port);
        shards += QStringLiteral("</shard>");
    }
    const QString remote
        = m_clusterName.isEmpty() ? QString() : QStringLiteral("<%1>%2</%1>").arg(m_clusterName, shards);
    const QString folder = m_folder.path();
    const QString config = QString::fromLatin1(ConfigTemplate)
                               .arg(folder)
                               .arg(m_httpPort)
                               .arg(m_tcpPort)
                               .arg(m_interserverPort)
                               .arg(remote, m_extraConfig);
    for (const char* sub : { "data", "tmp", "user_files", "format_schemas" })
        QDir(folder).mkpath(QLatin1String(sub));
    return writeFile(folder + QStringLiteral("/config.xml"), config.toUtf8())
        && writeFile(folder + QStringLiteral("/users.xml"), Users);
}

bool ClickHouseServer::answersPing() const
{
    ClickHouseConfig probe = config(QStringLiteral("default"));
    probe.timeoutMs = 1000;
    ClickHouseClient client(probe);
    return client.query("SELECT 1").ok();
}

bool ClickHouseServer::start(int timeoutMs)
{
    const QString server = binary(&m_error);
    if (server.isEmpty())
        return false;
    if (!m_configured && !(m_configured = writeConfiguration())) {
        m_error = QStringLiteral("cannot write the ClickHouse configuration in %1").arg(m_folder.path());
        return false;
    }
    m_process.setWorkingDirectory(m_folder.path());
    m_process.start(server, { QStringLiteral("--config-file=%1/config.xml").arg(m_folder.path()) });
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning)
            break;
        if (answersPing())
            return true;
        QThread::msleep(50);
    }
    QFile log(m_folder.filePath(QStringLiteral("server.err.log")));
    log.open(QIODevice::ReadOnly);
    m_error = QStringLiteral("clickhouse-server on HTTP port %1 did not start: %2 %3")
                  .arg(m_httpPort)
                  .arg(QString::fromUtf8(m_process.readAll()), QString::fromUtf8(log.readAll().right(2000)));
    stop();
    return false;
}

void ClickHouseServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
}

void ClickHouseServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

} // namespace Kodemon::Test
