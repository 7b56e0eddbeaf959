// SPDX-License-Identifier: MIT
// ClickHouse goes away under a running collector: the collector keeps receiving, spools, reports the backlog
// in /api/status, and sends it when the server is back; a collector stopped during an outage leaves its spool
// to the next one. In the end every datagram is stored, none twice.
#include "clickhouseserver.h"
#include "httpclient.h"
#include "kodemonprocess.h"
#include "testdata.h"

#include <QFileInfo>
#include <QProcessEnvironment>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon::Test;

class tst_ClickHouseFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void outageLosesNothingAndStoresNothingTwice();
    void freshHomeMakesTheDefaultSpoolFolder();

private:
    std::unique_ptr<KodemonProcess> startCollector();
    void sendWave(KodemonProcess& collector, int count);

    std::unique_ptr<ClickHouseServer> m_server;
    QTemporaryDir m_dir;
    QList<double> m_sent;
    qint64 m_now = 0;
};

namespace {

const QString Key = QStringLiteral("/srv/app/faults.py-outage");

QJsonObject counters(KodemonProcess& kodemon)
{
    HttpClient client(kodemon.httpPort());
    return client.get("/api/status").json().object().value(u"counters").toObject();
}

} // namespace

void tst_ClickHouseFaults::initTestCase()
{
    m_server = std::make_unique<ClickHouseServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    m_now = QDateTime::currentSecsSinceEpoch();
}

std::unique_ptr<KodemonProcess> tst_ClickHouseFaults::startCollector()
{
    auto collector = std::make_unique<KodemonProcess>(
        QStringList { QStringLiteral("--store"), m_server->url(QStringLiteral("faults")), QStringLiteral("--spool"),
            m_dir.filePath(QStringLiteral("spool.bin")), QStringLiteral("--spool-limit"), QStringLiteral("64") });
    if (!collector->start())
        qWarning().noquote() << collector->output();
    return collector;
}

void tst_ClickHouseFaults::sendWave(KodemonProcess& collector, int count)
{
    QList<QByteArray> datagrams;
    for (int i = 0; i < count; ++i) {
        const double ms = double(m_sent.size()) + 0.25; // one value per datagram: each is findable
        m_sent.append(ms);
        datagrams.append(decoratorDatagram(Key, ms, m_now - 3600 + m_sent.size() % 3000, QStringLiteral("faults")));
    }
    sendDatagrams(datagrams, collector.udpPort());
}

void tst_ClickHouseFaults::outageLosesNothingAndStoresNothingTwice()
{
    auto collector = startCollector();
    QVERIFY(collector->httpPort());
    sendWave(*collector, 1500);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*collector).value(u"samples_stored").toInteger(), 1500, 20000);

    // Stopped in the middle of a wave: the collector keeps receiving and spools what it cannot store.
    sendWave(*collector, 750);
    m_server->stop();
    sendWave(*collector, 750);
    QTRY_VERIFY_WITH_TIMEOUT(!counters(*collector).value(u"store_error").isNull(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(counters(*collector).value(u"samples_spooled").toInteger() > 0, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*collector).value(u"samples_pending").toInteger(), 0, 20000);
    QCOMPARE(counters(*collector).value(u"samples_accepted").toInteger(), 3000);
    QVERIFY(counters(*collector).value(u"spool_bytes").toInteger() > 0);

    // Back: the spool is sent and new samples are stored too.
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    sendWave(*collector, 1500);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*collector).value(u"samples_stored").toInteger(), 4500, 40000);
    QCOMPARE(counters(*collector).value(u"samples_spooled").toInteger(), 0);
    QVERIFY(counters(*collector).value(u"store_error").isNull());

    // Down again, and the collector itself is stopped during the outage: its spool keeps what it received.
    m_server->stop();
    sendWave(*collector, 1000);
    QTRY_COMPARE_WITH_TIMEOUT(counters(*collector).value(u"samples_spooled").toInteger(), 1000, 20000);
    QCOMPARE(collector->terminate(), 0);
    QVERIFY(QFileInfo(m_dir.filePath(QStringLiteral("spool.bin"))).size() > 24);

    // The next collector on the same spool sends it as soon as it runs.
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    collector = startCollector();
    QVERIFY(collector->httpPort());
    QTRY_COMPARE_WITH_TIMEOUT(counters(*collector).value(u"samples_stored").toInteger(), 1000, 20000);
    QCOMPARE(counters(*collector).value(u"samples_spooled").toInteger(), 0);

    // Every datagram once: no loss within the spool's bound, no duplicate from the resent batches.
    HttpClient client(collector->httpPort());
    QList<double> stored;
    QString cursor;
    do {
        QByteArray target = "/api/executions?limit=2000&key=" + encodeQueryValue(Key);
        if (!cursor.isEmpty())
            target += "&cursor=" + encodeQueryValue(cursor);
        const auto page = client.get(target).json().object();
        for (const auto& row : page.value(u"executions").toArray())
            stored.append(row.toObject().value(u"execution_time").toDouble());
        cursor = page.value(u"next").toString();
    } while (!cursor.isEmpty());
    std::sort(stored.begin(), stored.end());
    QCOMPARE(stored.size(), m_sent.size());
    QCOMPARE(stored, m_sent);
    const auto keys = client.get("/api/keys").json().object().value(u"keys").toArray();
    QCOMPARE(keys.first().toObject().value(u"count").toInteger(), qint64(m_sent.size()));
    QCOMPARE(collector->terminate(), 0);
}

void tst_ClickHouseFaults::freshHomeMakesTheDefaultSpoolFolder()
{
    // A new user's first start on ClickHouse, with no --spool: ~/.local/share/kodemon/ does not exist yet,
    // and the spool's lock file was once refused there as if another Kodemon held it.
    QVERIFY2(m_server->isRunning() || m_server->start(), qPrintable(m_server->error()));
    QTemporaryDir home;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.remove(QStringLiteral("XDG_DATA_HOME"));
    KodemonProcess collector({ QStringLiteral("--store"), m_server->url(QStringLiteral("firststart")) });
    collector.process().setProcessEnvironment(environment);
    QVERIFY2(collector.start(), qPrintable(collector.output()));
    QVERIFY(QFileInfo(home.filePath(QStringLiteral(".local/share/kodemon/clickhouse-spool.bin"))).isFile());
    QList<QByteArray> datagrams;
    for (int i = 0; i < 10; ++i)
        datagrams.append(decoratorDatagram(Key, i + 0.5, m_now - 60, QStringLiteral("firststart")));
    sendDatagrams(datagrams, collector.udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(counters(collector).value(u"samples_stored").toInteger(), 10, 20000);
    const int code = collector.terminate();
    QVERIFY2(code == 0, qPrintable(QStringLiteral("exit code %1:\n%2").arg(code).arg(collector.output())));
}

QTEST_GUILESS_MAIN(tst_ClickHouseFaults)
#include "tst_clickhousefaults.moc"
