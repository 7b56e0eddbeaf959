// SPDX-License-Identifier: MIT
// Two ClickHouse servers as two shards of one cluster, a Distributed table over them, two real
// `kodemon --headless --store clickhouse://... --clickhouse-cluster ...` collectors receiving datagrams over UDP,
// and both collectors' HTTP APIs reading: every datagram is stored exactly once, on one of the shards, and
// keys, pages and statistics are right across shards.
#include "base/stats.h"
#include "clickhouse/clickhousestore.h"
#include "store/query.h"
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"
#include "httpclient.h"
#include "kodemonprocess.h"
#include "testdata.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using namespace Kodemon::Test;

class tst_ClickHouseCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyDatagramOnceAcrossShards();
    void serversListingShardsOtherwiseAreReadWhole();
    void olderClusterTablesGetTheFailedColumn();
    void aKeyIsAskedOnlyOfItsShard();

private:
    std::unique_ptr<ClickHouseServer> m_shards[2];
    QTemporaryDir m_dir;
};

namespace {

const QString Cluster = QStringLiteral("kodemon_test");
const QString Database = QStringLiteral("kc");
constexpr int PerCollector = 3000;
const QStringList Keys { QStringLiteral("/srv/shop/views.py-checkout"), QStringLiteral("/srv/shop/api.py-prices"),
    QString::fromUtf8("/srv/shop/caf\xc3\xa9 jobs.py-send mail") };
const QStringList Tokens { QStringLiteral("shop"), QStringLiteral("test-token") };

QJsonObject getJson(HttpClient& client, const QByteArray& target)
{
    return client.get(target).json().object();
}

qint64 storedBy(KodemonProcess& kodemon)
{
    HttpClient client(kodemon.httpPort());
    return getJson(client, "/api/status").value(u"counters").toObject().value(u"samples_stored").toInteger();
}

QList<double> allExecutionTimes(HttpClient& client, const QString& key)
{
    QList<double> values;
    QString cursor;
    do {
        QByteArray target = "/api/executions?limit=700&key=" + encodeQueryValue(key);
        if (!cursor.isEmpty())
            target += "&cursor=" + encodeQueryValue(cursor);
        const auto page = getJson(client, target);
        for (const auto& row : page.value(u"executions").toArray())
            values.append(row.toObject().value(u"execution_time").toDouble());
        cursor = page.value(u"next").toString();
    } while (!cursor.isEmpty());
    return values;
}

// What failed, for QVERIFY2 (which builds its message whether or not the check fails).
template<typename T> QByteArray why(const QString& what, const Result<T>& result)
{
    return result.ok() ? QByteArray() : (what + QStringLiteral(": ") + result.error()).toUtf8();
}

quint64 localRows(const ClickHouseServer& server)
{
    ClickHouseClient client(server.config(Database));
    auto answer = client.query("SELECT toUInt64(count()) FROM kc.samples_local FORMAT RowBinary");
    if (!answer)
        return 0;
    RowBinaryReader reader(*answer);
    return reader.readUInt64();
}

} // namespace

void tst_ClickHouseCluster::initTestCase()
{
    for (auto& shard : m_shards)
        shard = std::make_unique<ClickHouseServer>();
    const QList<quint16> tcpPorts { m_shards[0]->tcpPort(), m_shards[1]->tcpPort() };
    for (auto& shard : m_shards) {
        shard->setCluster(Cluster, tcpPorts);
        QVERIFY2(shard->start(), qPrintable(shard->error()));
    }
}

void tst_ClickHouseCluster::everyDatagramOnceAcrossShards()
{
    std::unique_ptr<KodemonProcess> collectors[2];
    for (int c = 0; c < 2; ++c) {
        collectors[c] = std::make_unique<KodemonProcess>(
            QStringList { QStringLiteral("--store"), m_shards[c]->url(Database), QStringLiteral("--clickhouse-cluster"),
                Cluster, QStringLiteral("--spool"), m_dir.filePath(QStringLiteral("spool-%1.bin").arg(c)) });
        QVERIFY2(collectors[c]->start(), qPrintable(collectors[c]->output()));
    }

    // Every datagram has its own execution time, so each one can be found (once) in the answers.
    QHash<QString, QList<double>> expected;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (int c = 0; c < 2; ++c) {
        QList<QByteArray> datagrams;
        for (int i = 0; i < PerCollector; ++i) {
            const QString& key = Keys[i % Keys.size()];
            const double ms = c * 100000 + i + 0.5;
            expected[key].append(ms);
            datagrams.append(decoratorDatagram(key, ms, now - 600 + i % 300, Tokens[i % Tokens.size()]));
        }
        sendDatagrams(datagrams, collectors[c]->udpPort());
    }
    for (auto& collector : collectors)
        QTRY_COMPARE_WITH_TIMEOUT(storedBy(*collector), qint64(PerCollector), 30000);

    // The rows are spread over both shards and none is there twice.
    const quint64 first = localRows(*m_shards[0]);
    const quint64 second = localRows(*m_shards[1]);
    QVERIFY2(first > 0 && second > 0, qPrintable(QStringLiteral("%1 + %2 rows").arg(first).arg(second)));
    QCOMPARE(first + second, quint64(2 * PerCollector));

    // Either collector's API is a viewer of the whole cluster.
    for (auto& viewer : collectors) {
        HttpClient client(viewer->httpPort());
        const auto keys = getJson(client, "/api/keys").value(u"keys").toArray();
        QCOMPARE(keys.size(), Keys.size() * Tokens.size());
        qint64 total = 0;
        for (const auto& entry : keys)
            total += entry.toObject().value(u"count").toInteger();
        QCOMPARE(total, qint64(2 * PerCollector));
        for (const auto& key : Keys) {
            auto values = allExecutionTimes(client, key);
            std::sort(values.begin(), values.end());
            auto wanted = expected.value(key);
            std::sort(wanted.begin(), wanted.end());
            QCOMPARE(values, wanted);

            const KeyStats exact = computeStats(wanted);
            const auto stats = getJson(client, "/api/stats?key=" + encodeQueryValue(key));
            QCOMPARE(stats.value(u"count").toInteger(), exact.count);
            QCOMPARE(stats.value(u"min").toDouble(), exact.min);
            QCOMPARE(stats.value(u"max").toDouble(), exact.max);
            QCOMPARE(stats.value(u"p50").toDouble(), exact.p50);
            QCOMPARE(stats.value(u"p90").toDouble(), exact.p90);
            QCOMPARE(stats.value(u"p99").toDouble(), exact.p99);
            QCOMPARE(stats.value(u"p999").toDouble(), exact.p999);
            QVERIFY(qAbs(stats.value(u"mean").toDouble() - exact.mean) < 1e-6);
        }
    }
    for (auto& collector : collectors) {
        const int code = collector->terminate();
        QVERIFY2(code == 0, qPrintable(QStringLiteral("exit code %1:\n%2").arg(code).arg(collector->output())));
    }
}

// Two servers that list the shards in opposite orders send a key to different shards (the mistake the benchmark
// once made, docs/CLICKHOUSE.md): a key's samples are then on both, and asking the key's shard alone would miss
// half of them. The reader sees the other server's layout differ and reads through the Distributed table.
void tst_ClickHouseCluster::serversListingShardsOtherwiseAreReadWhole()
{
    // Ports are chosen before the servers start: one taken meanwhile by another program (the machine is shared)
    // fails a start, and new servers get new ports.
    std::unique_ptr<ClickHouseServer> first;
    std::unique_ptr<ClickHouseServer> second;
    QString error;
    for (int attempt = 0; attempt < 3; ++attempt) {
        first = std::make_unique<ClickHouseServer>();
        second = std::make_unique<ClickHouseServer>();
        first->setCluster(Cluster, { first->tcpPort(), second->tcpPort() });
        second->setCluster(Cluster, { second->tcpPort(), first->tcpPort() });
        if (first->start() && second->start())
            break;
        error = first->error() + second->error();
        first.reset();
        second.reset();
    }
    QVERIFY2(first && second, qPrintable(error));
    const QString database = QStringLiteral("crossed");
    ClickHouseStore stores[2] { ClickHouseStore(first->config(database, Cluster)),
        ClickHouseStore(second->config(database, Cluster)) };
    for (auto& store : stores)
        QVERIFY(store.open().ok());
    QStringList keys;
    for (int k = 0; k < 8; ++k)
        keys.append(QStringLiteral("/srv/app/crossed%1.py-handler").arg(k));
    for (int s = 0; s < 2; ++s) {
        QList<Sample> batch;
        for (const auto& key : std::as_const(keys)) {
            for (int i = 0; i < 20; ++i)
                batch.append(Sample { QStringLiteral("t"), key, 1795600000.0 + s * 100 + i, double(s * 1000 + i), 0,
                    i < 3 ? QByteArray(R"({"error":true})") : QByteArray() });
        }
        QVERIFY(stores[s].createWriter()->write(batch).ok());
    }
    for (int s = 0; s < 2; ++s) {
        Query query(stores[s].createReader());
        for (const auto& key : std::as_const(keys)) {
            auto stats = query.stats({ key, std::nullopt, {} });
            QVERIFY2(stats.ok(), why(key, stats).constData());
            QCOMPARE(stats->count, 40);
            QCOMPARE(stats->errors, 6);
            QCOMPARE(query.executions({ key, std::nullopt, {} })->samples.size(), 40);
            auto buckets = query.buckets({ key, std::nullopt, {} }, 2);
            QVERIFY2(buckets.ok(), why(key, buckets).constData());
            QCOMPARE(buckets->buckets.size(), 2);
            QCOMPARE(buckets->buckets.at(0).count + buckets->buckets.at(1).count, 40);
        }
    }
}

// A cluster made by the Kodemon before the `failed` column: each server's samples_local and Distributed samples get
// it when a collector opens that server, and every count stays exact (rows of before are judged when read).
void tst_ClickHouseCluster::olderClusterTablesGetTheFailedColumn()
{
    // The cluster as the Kodemon before the column left it: its tables and ledger, its calls counted there, and
    // samples tables without `failed` (made here by this version, which then drops the column on every server).
    const QString database = QStringLiteral("olderc");
    ClickHouseStore other(m_shards[1]->config(database, Cluster));
    QVERIFY(other.open().ok());
    ClickHouseStore store(m_shards[0]->config(database, Cluster));
    QVERIFY(store.open().ok());
    QStringList keys;
    QList<Sample> older;
    for (int k = 0; k < 8; ++k) {
        keys.append(QStringLiteral("/srv/old/module%1.py-run").arg(k));
        for (const auto& [ts, extra] : { std::pair { 1, R"({"error":"E"})" }, std::pair { 2, R"({"error":false})" },
                 std::pair { 3, R"({"r":{"error":1}})" }, std::pair { 4, "" } })
            older.append(Sample { QStringLiteral("t"), keys.last(), double(ts), 1.5, 0, QByteArray(extra) });
    }
    QVERIFY(store.createWriter()->write(older).ok());
    for (auto& shard : m_shards) {
        ClickHouseClient client(shard->config(database));
        QVERIFY(client.query("ALTER TABLE olderc.samples DROP COLUMN failed").ok());
        QVERIFY(client.query("ALTER TABLE olderc.samples_local DROP COLUMN failed").ok());
    }

    // Each server gets the column back when a collector opens it; the rows of before are judged when read.
    ClickHouseStore upgradedOther(m_shards[1]->config(database, Cluster));
    const auto openedOther = upgradedOther.open();
    QVERIFY2(openedOther.ok(), openedOther.ok() ? "" : qPrintable(openedOther.error()));
    ClickHouseStore upgraded(m_shards[0]->config(database, Cluster));
    const auto opened = upgraded.open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error()));
    for (auto& shard : m_shards) {
        ClickHouseClient mine(shard->config(QStringLiteral("olderc")));
        auto answer = mine.query("SELECT toUInt64(count()) FROM system.columns WHERE database = 'olderc' AND name = "
                                 "'failed' AND default_expression != '' FORMAT RowBinary");
        QVERIFY(answer.ok());
        RowBinaryReader reader(*answer);
        QCOMPARE(reader.readUInt64(), 2u); // samples_local and samples
    }
    {
        // Calls of before that mention "error" (3 per key) are marked "not judged".
        ClickHouseClient client(m_shards[0]->config(database));
        auto answer = client.query("SELECT toUInt64(countIf(failed = 2)), toUInt64(countIf(failed = 1)) FROM "
                                   "olderc.samples FORMAT RowBinary");
        QVERIFY(answer.ok());
        RowBinaryReader reader(*answer);
        QCOMPARE(reader.readUInt64(), quint64(3 * keys.size()));
        QCOMPARE(reader.readUInt64(), 0u);
    }
    QList<Sample> newer;
    for (const auto& key : std::as_const(keys))
        newer.append(Sample { QStringLiteral("t"), key, 5, 2.5, 0, QByteArray(R"({"error":true})") });
    QVERIFY(upgraded.createWriter()->write(newer).ok());
    for (auto* reading : { &upgraded, &upgradedOther }) {
        Query query(reading->createReader());
        for (const auto& key : std::as_const(keys)) {
            auto recent = query.stats({ key, std::nullopt, TimeRange { 5.0, 5.0 } });
            QVERIFY2(recent.ok(), why(key, recent).constData());
            QCOMPARE(recent->errors, 1);
            auto stats = query.stats({ key, std::nullopt, {} });
            QVERIFY2(stats.ok(), why(key, stats).constData());
            QCOMPARE(stats->count, 5);
            QCOMPARE(stats->errors, 2);
            auto buckets = query.buckets({ key, std::nullopt, TimeRange { 1.0, 5.0 } }, 4);
            QVERIFY2(buckets.ok(), why(key, buckets).constData());
            QCOMPARE(buckets->buckets.size(), 4);
            QCOMPARE(buckets->buckets.at(0).errors, 1);
            QCOMPARE(buckets->buckets.at(3).errors, 1);
        }
        auto table = query.functionsTable(SummaryRequest {});
        QVERIFY(table.ok());
        QCOMPARE(table->size(), keys.size());
        for (const auto& row : std::as_const(*table))
            QCOMPARE(row.errors, 2);
    }
}

// The questions about one key go to the shard that holds it (sipHash64(key), as the Distributed table routes it),
// not to every shard: with the other shard stopped, every key of this server's shard still answers in full,
// and the keys of the stopped shard do not (a Distributed read would fail for both). Run last: it stops a shard.
void tst_ClickHouseCluster::aKeyIsAskedOnlyOfItsShard()
{
    const QString database = QStringLiteral("routed");
    // Each shard's tables are made by a Kodemon that opens it (docs/CLICKHOUSE.md, "Schema").
    ClickHouseStore other(m_shards[1]->config(database, Cluster));
    QVERIFY2(other.open().ok(), "cannot make the second shard's tables");
    ClickHouseStore store(m_shards[0]->config(database, Cluster));
    const auto opened = store.open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error()));
    QList<Sample> batch;
    QStringList keys;
    for (int k = 0; k < 16; ++k) {
        keys.append(QStringLiteral("/srv/app/module%1.py-handler").arg(k));
        for (int i = 0; i < 50; ++i)
            batch.append(Sample { QStringLiteral("t"), keys.last(), 1795600000.0 + i, double(k * 100 + i), 0,
                i % 10 == 0 ? QByteArray(R"({"error":"E"})") : QByteArray() });
    }
    QVERIFY(store.createWriter()->write(batch).ok());
    // Where each key's samples are, from the shards' own tables.
    QSet<QString> here;
    QSet<QString> there;
    for (int s = 0; s < 2; ++s) {
        ClickHouseClient client(m_shards[s]->config(database));
        auto answer = client.query("SELECT key, toUInt64(count()) FROM routed.samples_local GROUP BY key FORMAT "
                                   "RowBinary");
        QVERIFY(answer.ok());
        RowBinaryReader reader(*answer);
        while (!reader.atEnd() && !reader.failed()) {
            const QString key = reader.readString();
            QCOMPARE(reader.readUInt64(), 50u); // every call of a key on one shard
            (s == 0 ? here : there).insert(key);
        }
    }
    QVERIFY2(!here.isEmpty() && !there.isEmpty(), "the 16 keys should be on both shards");
    QCOMPARE(here.size() + there.size(), keys.size());

    // Both shards up: every key answers from this server, those of the other shard through remote().
    Query query(store.createReader());
    for (const auto& key : std::as_const(keys)) {
        const SeriesSelector selector { key, std::nullopt, {} };
        auto stats = query.stats(selector);
        QVERIFY2(stats.ok(), why(key, stats).constData());
        QCOMPARE(stats->count, 50);
        QCOMPARE(stats->errors, 5);
        auto buckets = query.buckets(selector, 10);
        QVERIFY(buckets.ok());
        QCOMPARE(buckets->buckets.size(), 10);
        QCOMPARE(buckets->buckets.first().errors, 1);
        QCOMPARE(query.executions(selector)->samples.size(), 50);
    }

    // The reader has learned the cluster's layout (a reader that starts while a server is down reads through the
    // Distributed table until it can ask every server how it routes keys).
    m_shards[1]->stop();
    Query& alone = query;
    for (const auto& key : std::as_const(here)) {
        const SeriesSelector selector { key, std::nullopt, {} };
        auto stats = alone.stats(selector);
        QVERIFY2(stats.ok(), why(key, stats).constData());
        QCOMPARE(stats->count, 50);
        QCOMPARE(stats->errors, 5);
        auto buckets = alone.buckets(selector, 10);
        QVERIFY2(buckets.ok(), why(key, buckets).constData());
        QCOMPARE(buckets->buckets.size(), 10);
        auto page = alone.executions(selector);
        QVERIFY2(page.ok(), why(key, page).constData());
        QCOMPARE(page->samples.size(), 50);
    }
    for (const auto& key : std::as_const(there))
        QVERIFY(!alone.stats({ key, std::nullopt, {} }).ok());
}

QTEST_GUILESS_MAIN(tst_ClickHouseCluster)
#include "tst_clickhousecluster.moc"
