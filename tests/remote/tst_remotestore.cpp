// SPDX-License-Identifier: MIT
// RemoteStore against the real `kodemon --headless` on loopback: every answer of the query layer through the
// HTTP API agrees exactly with the same query on the server's SQLite file, keys of any spelling round-trip,
// an unreachable server fails in words and is read again once it is up, and API tokens are sent.
#include "kodemonprocess.h"
#include "remote/remotestore.h"
#include "sqlite/sqlitereader.h"
#include "store/query.h"
#include "testdata.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::KodemonProcess;

Q_DECLARE_METATYPE(std::optional<QString>)

namespace {

const QString Fetch = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Checkout = QStringLiteral("/srv/app/views.py-checkout");

// Keys as real programs name them, and as nobody should but someone will.
const QStringList OddKeys { QStringLiteral("/srv/my app/views.py-list items"), QStringLiteral("a+b=c&d-f"),
    QStringLiteral("100%-sure%20not-decoded"), QStringLiteral("/srv/app#frag?query=1-f"),
    QStringLiteral("/home/j\u00fcrgen/\u65e5\u672c\u8a9e.py-\u00e9t\u00e9"), QStringLiteral("emoji-\U0001F680") };

std::unique_ptr<Query> remoteQuery(quint16 port, const QString& token = {})
{
    RemoteStore store(RemoteEndpoint { QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), token });
    return std::make_unique<Query>(store.createReader());
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QByteArray withExtra(const QString& key, double ms, qint64 timestamp, const QString& token)
{
    QJsonObject object { { QStringLiteral("key"), key }, { QStringLiteral("execution_time"), ms },
        { QStringLiteral("timestamp"), timestamp }, { QStringLiteral("zeta"), 1 },
        { QStringLiteral("alpha"), QJsonObject { { QStringLiteral("b"), QStringLiteral("x,\"y\"") } } },
        { QStringLiteral("token"), token } };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void compare(const QList<StoredSample>& remote, const QList<StoredSample>& local)
{
    QCOMPARE(remote.size(), local.size());
    for (qsizetype i = 0; i < remote.size(); ++i) {
        QCOMPARE(remote[i].timestamp, local[i].timestamp);
        QCOMPARE(remote[i].executionTime, local[i].executionTime);
        QCOMPARE(remote[i].token, local[i].token);
        QCOMPARE(remote[i].extra, local[i].extra);
    }
}

} // namespace

class tst_RemoteStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keysAgree();
    void executionsAgreePageByPage_data();
    void executionsAgreePageByPage();
    void statsAndSeriesAgree_data();
    void statsAndSeriesAgree();
    void oddKeysRoundTrip_data();
    void oddKeysRoundTrip();
    void errorsAgree();
    void unreachableThenUp();
    void apiToken();

private:
    KodemonProcess m_server;
    std::unique_ptr<Query> m_remote;
    std::unique_ptr<Query> m_local; // the same SQLite file, read directly
    qint64 m_now = 0;
};

void tst_RemoteStore::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.output()));
    m_now = QDateTime::currentSecsSinceEpoch();
    QList<QByteArray> datagrams;
    for (int i = 0; i < 400; ++i) {
        // Several calls per second, so that pages split inside a timestamp.
        datagrams.append(Test::decoratorDatagram(Fetch, 10 + (i * 37 % 101) / 7.0, m_now - 3000 + i / 3,
            i % 5 == 0 ? QStringLiteral("api") : QStringLiteral("shop")));
    }
    for (int i = 0; i < 30; ++i)
        datagrams.append(withExtra(Checkout, 80 + i, m_now - 600 + i * 10, QStringLiteral("shop")));
    datagrams.append(Test::decoratorDatagram(Checkout, 2.5, m_now - 5, QString()));
    for (const QString& key : OddKeys) {
        for (int i = 0; i < 3; ++i)
            datagrams.append(Test::decoratorDatagram(key, 1.5 + i, m_now - 100 + i, QStringLiteral("shop")));
    }
    Test::sendDatagrams(datagrams, m_server.udpPort());
    m_remote = remoteQuery(m_server.httpPort());
    m_local = std::make_unique<Query>(std::make_unique<SqliteReader>(m_server.databasePath()));
    const qint64 expected = datagrams.size();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto keys = m_local->keys();
            qint64 total = 0;
            for (const auto& info : keys ? *keys : QList<SeriesInfo>())
                total += info.count;
            return total == expected;
        }(),
        15000);
}

void tst_RemoteStore::keysAgree()
{
    for (const std::optional<QString>& token :
        { std::optional<QString>(), std::optional(QStringLiteral("shop")), std::optional(QString()) }) {
        const auto remote = m_remote->keys(token);
        const auto local = m_local->keys(token);
        QVERIFY2(remote, qPrintable(remote.ok() ? QString() : remote.error()));
        QVERIFY(local);
        QCOMPARE(remote->size(), local->size());
        for (qsizetype i = 0; i < remote->size(); ++i) {
            QCOMPARE(remote->at(i).id, local->at(i).id);
            QCOMPARE(remote->at(i).count, local->at(i).count);
            QCOMPARE(remote->at(i).first, local->at(i).first);
            QCOMPARE(remote->at(i).last, local->at(i).last);
            // The API gives the mean, not the total: the mean comes back within a rounding step.
            QVERIFY(qFuzzyCompare(remote->at(i).mean(), local->at(i).mean()));
        }
    }
}

void tst_RemoteStore::executionsAgreePageByPage_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<TimeRange>("range");
    QTest::addColumn<int>("limit");
    const double now = double(m_now);
    QTest::newRow("every token, open range") << Fetch << std::optional<QString>() << TimeRange {} << 7;
    QTest::newRow("one token, closed range")
        << Fetch << std::optional(QStringLiteral("shop")) << TimeRange { now - 2950.5, now - 2900 } << 4;
    QTest::newRow("one page") << Fetch << std::optional(QStringLiteral("api")) << TimeRange {} << 100000;
    QTest::newRow("extra data") << Checkout << std::optional<QString>() << TimeRange { now - 600, std::nullopt } << 9;
    QTest::newRow("empty token") << Checkout << std::optional(QString()) << TimeRange {} << 10;
    QTest::newRow("empty range") << Fetch << std::optional<QString>() << TimeRange { now + 10, now + 20 } << 10;
}

void tst_RemoteStore::executionsAgreePageByPage()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    QFETCH(int, limit);
    const SeriesSelector selector { key, token, range };
    QString cursor;
    int pages = 0;
    do {
        const auto remote = m_remote->executions(selector, cursor, limit);
        const auto local = m_local->executions(selector, cursor, limit);
        QVERIFY2(remote, qPrintable(remote.ok() ? QString() : remote.error()));
        QVERIFY(local);
        compare(remote->samples, local->samples);
        QCOMPARE(remote->next, local->next); // the server's cursor, passed through untouched
        cursor = remote->next.value_or(QString());
        ++pages;
    } while (!cursor.isEmpty());
    QVERIFY(pages >= 1);
}

void tst_RemoteStore::statsAndSeriesAgree_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<TimeRange>("range");
    QTest::addColumn<int>("buckets");
    const double now = double(m_now);
    QTest::newRow("all") << Fetch << std::optional<QString>() << TimeRange {} << 500;
    QTest::newRow("last hour, 37 buckets")
        << Fetch << std::optional(QStringLiteral("shop")) << TimeRange { now - 3600, now } << 37;
    QTest::newRow("fractional ends") << Fetch << std::optional<QString>() << TimeRange { now - 2990.125, now - 2900.75 }
                                     << 13;
    QTest::newRow("one bucket") << Checkout << std::optional<QString>() << TimeRange {} << 1;
    QTest::newRow("empty range") << Checkout << std::optional<QString>() << TimeRange { now + 1, now + 2 } << 10;
}

void tst_RemoteStore::statsAndSeriesAgree()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    QFETCH(int, buckets);
    const SeriesSelector selector { key, token, range };
    const auto remoteStats = m_remote->stats(selector);
    const auto localStats = m_local->stats(selector);
    QVERIFY2(remoteStats, qPrintable(remoteStats.ok() ? QString() : remoteStats.error()));
    QVERIFY(localStats);
    for (auto field : { &KeyStats::min, &KeyStats::max, &KeyStats::mean, &KeyStats::stddev, &KeyStats::p50,
             &KeyStats::p90, &KeyStats::p95, &KeyStats::p99, &KeyStats::p999 })
        QCOMPARE((*remoteStats).*field, (*localStats).*field);
    QCOMPARE(remoteStats->count, localStats->count);
    const auto remoteSeries = m_remote->buckets(selector, buckets);
    const auto localSeries = m_local->buckets(selector, buckets);
    QVERIFY2(remoteSeries, qPrintable(remoteSeries.ok() ? QString() : remoteSeries.error()));
    QVERIFY(localSeries);
    QCOMPARE(remoteSeries->step, localSeries->step);
    QCOMPARE(remoteSeries->buckets.size(), localSeries->buckets.size());
    for (qsizetype i = 0; i < remoteSeries->buckets.size(); ++i) {
        const SeriesBucket& r = remoteSeries->buckets[i];
        const SeriesBucket& l = localSeries->buckets[i];
        QCOMPARE(r.start, l.start);
        QCOMPARE(r.count, l.count);
        QCOMPARE(r.min, l.min);
        QCOMPARE(r.mean, l.mean);
        QCOMPARE(r.max, l.max);
        QCOMPARE(r.p95, l.p95);
    }
}

void tst_RemoteStore::oddKeysRoundTrip_data()
{
    QTest::addColumn<QString>("key");
    for (const QString& key : OddKeys)
        QTest::newRow(qPrintable(key)) << key;
}

void tst_RemoteStore::oddKeysRoundTrip()
{
    QFETCH(QString, key);
    const auto keys = m_remote->keys(QStringLiteral("shop"));
    QVERIFY(keys);
    const bool listed = std::any_of(keys->begin(), keys->end(), [&](const SeriesInfo& info) {
        return info.id == KeyId { QStringLiteral("shop"), key } && info.count == 3;
    });
    QVERIFY2(listed, "the key did not come back exactly");
    const auto stats = m_remote->stats(SeriesSelector { key, QStringLiteral("shop"), {} });
    QVERIFY2(stats, qPrintable(stats.ok() ? QString() : stats.error()));
    QCOMPARE(stats->count, 3);
    const auto page = m_remote->executions(SeriesSelector { key, std::nullopt, {} });
    QVERIFY(page);
    QCOMPARE(page->samples.size(), 3);
}

void tst_RemoteStore::errorsAgree()
{
    const SeriesSelector unknown { QStringLiteral("/nope.py-never"), std::nullopt, {} };
    const auto remote = m_remote->stats(unknown);
    const auto local = m_local->stats(unknown);
    QVERIFY(!remote && !local);
    QCOMPARE(remote.errorKind(), ErrorKind::NotFound);
    QCOMPARE(remote.error(), local.error());
    const SeriesSelector fetch { Fetch, std::nullopt, {} };
    const auto badCursor = m_remote->executions(fetch, QStringLiteral("not-a-cursor"));
    QVERIFY(!badCursor);
    QCOMPARE(badCursor.errorKind(), ErrorKind::Invalid);
    QVERIFY2(badCursor.error().contains(QStringLiteral("cursor")), qPrintable(badCursor.error()));
}

void tst_RemoteStore::unreachableThenUp()
{
    const quint16 port = freePort();
    auto query = remoteQuery(port);
    const auto down = query->keys();
    QVERIFY(!down);
    QCOMPARE(down.errorKind(), ErrorKind::Failed);
    QVERIFY2(down.error().contains(QStringLiteral("http://127.0.0.1:%1: connection refused").arg(port)),
        qPrintable(down.error()));
    KodemonProcess late({ QStringLiteral("--http-port"), QString::number(port) });
    QVERIFY2(late.start(), qPrintable(late.output()));
    QCOMPARE(late.httpPort(), port);
    Test::sendDatagrams({ Test::decoratorDatagram(Fetch, 1, m_now) }, late.udpPort());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto up = query->keys(); // the same reader, now answered
            return up && up->size() == 1;
        }(),
        10000);
}

void tst_RemoteStore::apiToken()
{
    QProcess help;
    help.start(KodemonProcess::binary(), { QStringLiteral("--help") });
    QVERIFY(help.waitForFinished(10000));
    if (!help.readAllStandardOutput().contains("--api-token"))
        QSKIP("this kodemon serves no API tokens yet");
    const QString secret = QStringLiteral("remote-viewer-secret-0123456789");
    KodemonProcess guarded({ QStringLiteral("--api-token"), secret });
    QVERIFY2(guarded.start(), qPrintable(guarded.output()));
    const auto missing = remoteQuery(guarded.httpPort())->keys();
    QVERIFY(!missing);
    QVERIFY2(
        missing.error().endsWith(QStringLiteral("wants an API token: pass --api-token")), qPrintable(missing.error()));
    const auto wrong = remoteQuery(guarded.httpPort(), QStringLiteral("wrong-secret-wrong-secret"))->keys();
    QVERIFY(!wrong);
    QVERIFY2(
        wrong.error().endsWith(QStringLiteral("refused the API token: check --api-token")), qPrintable(wrong.error()));
    const auto right = remoteQuery(guarded.httpPort(), secret)->keys();
    QVERIFY2(right, qPrintable(right.ok() ? QString() : right.error()));
}

QTEST_GUILESS_MAIN(tst_RemoteStore)
#include "tst_remotestore.moc"
