// SPDX-License-Identifier: MIT
// Two shards of two replicas each (ReplicatedMergeTree, coordinated by a real ZooKeeper), four real
// clickhouse-servers and two real `kodemon --headless --clickhouse-cluster` collectors on loopback. One replica of
// each shard is killed (SIGKILL) in the middle of the ingest: the one the first collector does not use, and the
// very server the second collector talks to. Every query still answers through the first collector, the second one
// spools; after the restarts the killed replicas catch up, the spool is sent, and every datagram is stored once,
// on both replicas of its shard. The figures (outage, spool, catch-up) are printed as it runs.
#include "base/stats.h"
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "httpclient.h"
#include "kodemonprocess.h"
#include "testdata.h"
#include "zookeeperserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;

class tst_ClickHouseReplicas : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killedReplicasLoseNothingAndCatchUp();

private:
    std::unique_ptr<KodemonProcess> startCollector(int shard, const QString& spool);
    void sendWave(KodemonProcess& collector, int collectorIndex, int count);
    ClickHouseServer& server(int shard, int replica) { return *m_servers[shard][replica]; }

    ZooKeeperServer m_zooKeeper;
    std::unique_ptr<ClickHouseServer> m_servers[2][2]; // [shard][replica]
    QTemporaryDir m_dir;
    QHash<QString, QList<double>> m_sent; // per key, every execution time sent (each one distinct)
    qint64 m_now = 0;
};

namespace {

const QString Cluster = QStringLiteral("kodemon_replicas");
const QString Database = QStringLiteral("kr");
constexpr int Wave = 2000;
const QStringList Keys { QStringLiteral("/srv/shop/views.py-checkout"), QStringLiteral("/srv/shop/api.py-prices"),
    QString::fromUtf8("/srv/shop/caf\xc3\xa9 jobs.py-send mail") };

QJsonObject getJson(KodemonProcess& kodemon, const QByteArray& target, int* status = nullptr)
{
    HttpClient client(kodemon.httpPort());
    const auto response = client.get(target);
    if (status)
        *status = response.status;
    return response.json().object();
}

QJsonObject counters(KodemonProcess& kodemon)
{
    return getJson(kodemon, "/api/status").value(u"counters").toObject();
}

quint64 scalar(const ClickHouseServer& server, const QByteArray& sql)
{
    ClickHouseClient client(server.config(Database));
    auto answer = client.query(sql + " FORMAT RowBinary");
    if (!answer)
        return quint64(-1);
    RowBinaryReader reader(*answer);
    return reader.readUInt64();
}

// Every sample id a replica holds, once (its own table, no Distributed query).
quint64 distinctSamples(const ClickHouseServer& server)
{
    return scalar(server, "SELECT toUInt64(uniqExact(origin, seq)) FROM kr.samples_local");
}

bool caughtUp(const ClickHouseServer& server)
{
    return scalar(server,
               "SELECT toUInt64(count()) FROM system.replicas WHERE database = 'kr' AND "
               "(queue_size > 0 OR is_readonly OR is_session_expired)")
        == 0;
}

QList<double> allExecutionTimes(KodemonProcess& kodemon, const QString& key)
{
    QList<double> values;
    QString cursor;
    do {
        QByteArray target = "/api/executions?limit=5000&key=" + encodeQueryValue(key);
        if (!cursor.isEmpty())
            target += "&cursor=" + encodeQueryValue(cursor);
        const auto page = getJson(kodemon, target);
        for (const auto& row : page.value(u"executions").toArray())
            values.append(row.toObject().value(u"execution_time").toDouble());
        cursor = page.value(u"next").toString();
    } while (!cursor.isEmpty());
    std::sort(values.begin(), values.end());
    return values;
}

} // namespace

void tst_ClickHouseReplicas::initTestCase()
{
    QVERIFY2(m_zooKeeper.start(), qPrintable(m_zooKeeper.error()));
    QList<QList<quint16>> shards;
    for (auto& shard : m_servers) {
        QList<quint16> replicas;
        for (auto& replica : shard) {
            replica = std::make_unique<ClickHouseServer>();
            replicas.append(replica->tcpPort());
        }
        shards.append(replicas);
    }
    QElapsedTimer started;
    started.start();
    for (int s = 0; s < 2; ++s) {
        for (int r = 0; r < 2; ++r) {
            server(s, r).setReplicatedCluster(Cluster, shards, m_zooKeeper.port(), QStringLiteral("0%1").arg(s + 1),
                QStringLiteral("r%1").arg(r + 1));
            QVERIFY2(server(s, r).start(), qPrintable(server(s, r).error()));
        }
    }
    // Replicated tables are made on every server (no ON CLUSTER in Kodemon): as a collector started once on each.
    for (auto& shard : m_servers) {
        for (auto& replica : shard) {
            const auto opened = ClickHouseStore(replica->config(Database, Cluster)).open();
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error()));
        }
    }
    qInfo("ZooKeeper and 4 servers (2 shards x 2 replicas) up, tables made on each: %.1f s", started.elapsed() / 1e3);
    m_now = QDateTime::currentSecsSinceEpoch();
}

std::unique_ptr<KodemonProcess> tst_ClickHouseReplicas::startCollector(int shard, const QString& spool)
{
    auto collector
        = std::make_unique<KodemonProcess>(QStringList { QStringLiteral("--store"), server(shard, 0).url(Database),
            QStringLiteral("--clickhouse-cluster"), Cluster, QStringLiteral("--spool"), m_dir.filePath(spool) });
    if (!collector->start())
        qWarning().noquote() << collector->output();
    return collector;
}

void tst_ClickHouseReplicas::sendWave(KodemonProcess& collector, int collectorIndex, int count)
{
    QList<QByteArray> datagrams;
    for (int i = 0; i < count; ++i) {
        const QString& key = Keys[i % Keys.size()];
        const double ms = collectorIndex * 1000000 + m_sent.value(key).size() * 3 + i % 3 + 0.5;
        m_sent[key].append(ms);
        datagrams.append(decoratorDatagram(key, ms, m_now - 900 + i % 600, QStringLiteral("shop")));
    }
    sendDatagrams(datagrams, collector.udpPort());
}

void tst_ClickHouseReplicas::killedReplicasLoseNothingAndCatchUp()
{
    auto first = startCollector(0, QStringLiteral("spool-a.bin"));
    auto second = startCollector(1, QStringLiteral("spool-b.bin"));
    QVERIFY(first->httpPort() && second->httpPort());
    sendWave(*first, 0, Wave);
    sendWave(*second, 1, Wave);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*first).value(u"samples_stored").toInteger(), Wave, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*second).value(u"samples_stored").toInteger(), Wave, 30000);

    // Mid-ingest: half a wave each, then one replica of each shard dies, then the other half.
    sendWave(*first, 0, Wave / 2);
    sendWave(*second, 1, Wave / 2);
    server(0, 1).kill(); // used by no collector: the Distributed inserts and reads turn to its sibling
    server(1, 0).kill(); // the second collector's own server: it spools
    QElapsedTimer outage;
    outage.start();
    sendWave(*first, 0, Wave / 2);
    sendWave(*second, 1, Wave / 2);
    sendWave(*first, 0, Wave);
    sendWave(*second, 1, Wave);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*first).value(u"samples_stored").toInteger(), 3 * Wave, 30000);
    const double failover = outage.elapsed() / 1e3;
    QTRY_VERIFY_WITH_TIMEOUT(counters(*second).value(u"samples_spooled").toInteger() > 0, 30000);

    // Every query answers through the first collector while two of the four servers are down.
    const QList<QByteArray> queries { QByteArray("/api/keys"), "/api/stats?key=" + encodeQueryValue(Keys[0]),
        "/api/series?points=100&key=" + encodeQueryValue(Keys[1]),
        "/api/executions?limit=100&key=" + encodeQueryValue(Keys[2]) };
    for (const QByteArray& target : queries) {
        int status = 0;
        getJson(*first, target, &status);
        QVERIFY2(
            status == 200, qPrintable(QStringLiteral("%1 answered %2").arg(QString::fromUtf8(target)).arg(status)));
    }
    const qint64 spooled = counters(*second).value(u"samples_spooled").toInteger();
    const qint64 storedDuringOutage = counters(*second).value(u"samples_stored").toInteger();
    qInfo("outage: the first collector stored its %d samples %.1f s after the kills (every query answered); the "
          "second spooled %lld samples (had stored %lld)",
        3 * Wave, failover, spooled, storedDuringOutage);

    // Back: both killed replicas restart and catch up; the spool is sent.
    QVERIFY2(server(0, 1).start(), qPrintable(server(0, 1).error()));
    QVERIFY2(server(1, 0).start(), qPrintable(server(1, 0).error()));
    QElapsedTimer back;
    back.start();
    QTRY_COMPARE_WITH_TIMEOUT(counters(*second).value(u"samples_stored").toInteger(), 3 * Wave, 60000);
    const double drained = back.elapsed() / 1e3;
    const quint64 total = 6 * Wave;
    QTRY_VERIFY_WITH_TIMEOUT(distinctSamples(server(0, 0)) + distinctSamples(server(1, 1)) == total, 60000);
    for (int s = 0; s < 2; ++s) {
        QTRY_VERIFY_WITH_TIMEOUT(caughtUp(server(s, 0)) && caughtUp(server(s, 1)), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(distinctSamples(server(s, 1)), distinctSamples(server(s, 0)), 60000);
    }
    const double caughtUpAfter = back.elapsed() / 1e3;
    qInfo("after the restarts: the spool was sent in %.1f s, both killed replicas held every sample of their shard "
          "after %.1f s; rows per replica: shard 1 %llu/%llu, shard 2 %llu/%llu",
        drained, caughtUpAfter, distinctSamples(server(0, 0)), distinctSamples(server(0, 1)),
        distinctSamples(server(1, 0)), distinctSamples(server(1, 1)));

    // Every datagram once, through either collector, and the statistics exact.
    for (auto* viewer : { first.get(), second.get() }) {
        const auto keys = getJson(*viewer, "/api/keys").value(u"keys").toArray();
        QCOMPARE(keys.size(), Keys.size());
        qint64 counted = 0;
        for (const auto& entry : keys)
            counted += entry.toObject().value(u"count").toInteger();
        QCOMPARE(counted, qint64(total));
        for (const auto& key : Keys) {
            auto wanted = m_sent.value(key);
            std::sort(wanted.begin(), wanted.end());
            QCOMPARE(allExecutionTimes(*viewer, key), wanted);
            const KeyStats exact = computeStats(wanted);
            const auto stats = getJson(*viewer, "/api/stats?key=" + encodeQueryValue(key));
            QCOMPARE(stats.value(u"count").toInteger(), exact.count);
            QCOMPARE(stats.value(u"p50").toDouble(), exact.p50);
            QCOMPARE(stats.value(u"p99").toDouble(), exact.p99);
        }
    }
    for (auto* collector : { first.get(), second.get() }) {
        const int code = collector->terminate();
        QVERIFY2(code == 0, qPrintable(QStringLiteral("exit code %1:\n%2").arg(code).arg(collector->output())));
    }
}

QTEST_GUILESS_MAIN(tst_ClickHouseReplicas)
#include "tst_clickhousereplicas.moc"
