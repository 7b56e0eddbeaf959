// SPDX-License-Identifier: MIT
// Reading the HTTP API's answers: every field into the store's value types, `extra` exactly as the server wrote
// it, and anything not shaped like Kodemon's answers refused.
#include "remote/remotejson.h"

#include <QtTest>

using namespace Kodemon;

namespace {

QJsonObject json(const QByteArray& text)
{
    return RemoteJson::object(text).value_or(QJsonObject());
}

} // namespace

class tst_RemoteJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rawMembers_data();
    void rawMembers();
    void keys();
    void executionsKeepExtraAsWritten();
    void executionsWithoutNext();
    void stats();
    void series();
    void status();
    void statusListeners();
    void restrictedStatus();
    void malformed_data();
    void malformed();
};

void tst_RemoteJson::rawMembers_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QList<QByteArray>>("expected");
    using List = QList<QByteArray>;
    QTest::newRow("two rows") << QByteArray(R"({"a":1,"rows":[{"x":{"b":1,"a":2}},{"x":{}}],"next":null})") << true
                              << List { R"({"b":1,"a":2})", "{}" };
    QTest::newRow("empty array") << QByteArray(R"({"rows":[]})") << true << List {};
    QTest::newRow("missing member") << QByteArray(R"({"rows":[{"y":1},{"x":[1,2]}]})") << true << List { "", "[1,2]" };
    QTest::newRow("strings with brackets and escapes")
        << QByteArray(R"({"key":"a\"],\"rows\":[{","rows":[{"t":"}\\","x":{"s":"{[\"}"}}]})") << true
        << List { R"({"s":"{[\"}"})" };
    QTest::newRow("white space") << QByteArray(" { \"rows\" : [ { \"x\" : { \"b\" : 1 } } ] } ") << true
                                 << List { "{ \"b\" : 1 }" };
    QTest::newRow("non-ASCII") << QByteArray("{\"rows\":[{\"x\":{\"k\":\"caf\xc3\xa9\"}}]}") << true
                               << List { "{\"k\":\"caf\xc3\xa9\"}" };
    QTest::newRow("no such array") << QByteArray(R"({"other":[]})") << false << List {};
    QTest::newRow("not an object") << QByteArray(R"([1,2])") << false << List {};
    QTest::newRow("truncated") << QByteArray(R"({"rows":[{"x":{"a":)") << false << List {};
    QTest::newRow("unterminated string") << QByteArray(R"({"rows":[{"x":"abc)") << false << List {};
    QTest::newRow("deep nesting") << (QByteArray(R"({"rows":[{"x":)") + QByteArray(600, '[') + QByteArray(600, ']')
        + "}]}") << false << List {};
}

void tst_RemoteJson::rawMembers()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    const auto members = RemoteJson::rawMembers(json, "rows", "x");
    QCOMPARE(bool(members), ok);
    if (ok)
        QTEST(*members, "expected");
}

void tst_RemoteJson::keys()
{
    const auto keys = RemoteJson::keys(json(R"({"keys":[{"key":"/srv/a b+c.py-f","token":"","count":3,)"
                                            R"("first":1413404125,"last":1413404127.5,"mean":31.75}]})"));
    QVERIFY(keys);
    QCOMPARE(keys->size(), 1);
    const SeriesInfo& info = keys->first();
    QCOMPARE(info.id, (KeyId { QString(), QStringLiteral("/srv/a b+c.py-f") }));
    QCOMPARE(info.count, 3);
    QCOMPARE(info.first, 1413404125.0);
    QCOMPARE(info.last, 1413404127.5);
    QCOMPARE(info.mean(), 31.75);
}

void tst_RemoteJson::executionsKeepExtraAsWritten()
{
    const QByteArray body(R"({"key":"k","token":null,"from":null,"to":null,"executions":[)"
                          R"({"timestamp":1413404125,"execution_time":31.9,"token":"shop","extra":{"z":1,"a":[true]}},)"
                          R"({"timestamp":1413404125.25,"execution_time":0.001,"token":"","extra":{}}],)"
                          R"("next":"MTQxMzQwNDEyNS4yNXwxfDI"})");
    const auto page = RemoteJson::executions(json(body), body);
    QVERIFY(page);
    QCOMPARE(page->samples.size(), 2);
    QCOMPARE(page->samples[0].timestamp, 1413404125.0);
    QCOMPARE(page->samples[0].executionTime, 31.9);
    QCOMPARE(page->samples[0].token, QStringLiteral("shop"));
    QCOMPARE(page->samples[0].extra, QByteArray(R"({"z":1,"a":[true]})")); // not sorted into {"a":..,"z":..}
    QCOMPARE(page->samples[1].timestamp, 1413404125.25);
    QCOMPARE(page->samples[1].executionTime, 0.001);
    QVERIFY(page->samples[1].extra.isEmpty());
    QCOMPARE(page->next, std::optional<QString>(QStringLiteral("MTQxMzQwNDEyNS4yNXwxfDI")));
}

void tst_RemoteJson::executionsWithoutNext()
{
    const QByteArray body(R"({"executions":[],"next":null})");
    const auto page = RemoteJson::executions(json(body), body);
    QVERIFY(page);
    QVERIFY(page->samples.isEmpty());
    QVERIFY(!page->next);
}

void tst_RemoteJson::stats()
{
    const auto stats = RemoteJson::stats(json(R"({"key":"k","token":null,"from":null,"to":null,"count":5,"min":1,)"
                                              R"("max":9.5,"mean":4.25,"stddev":2.5,"p50":4,"p90":9,"p95":9.5,)"
                                              R"("p99":9.5,"p999":9.5})"));
    QVERIFY(stats);
    QCOMPARE(stats->count, 5);
    QCOMPARE(stats->min, 1.0);
    QCOMPARE(stats->max, 9.5);
    QCOMPARE(stats->mean, 4.25);
    QCOMPARE(stats->stddev, 2.5);
    QCOMPARE(stats->p50, 4.0);
    QCOMPARE(stats->p90, 9.0);
    QCOMPARE(stats->p999, 9.5);
}

void tst_RemoteJson::series()
{
    const auto series = RemoteJson::series(json(R"({"step":60,"buckets":[{"t":1413404100,"count":2,"min":1,)"
                                                R"("mean":1.5,"max":2,"p95":2}]})"));
    QVERIFY(series);
    QCOMPARE(series->step, 60.0);
    QCOMPARE(series->buckets.size(), 1);
    QCOMPARE(series->buckets[0].start, 1413404100.0);
    QCOMPARE(series->buckets[0].count, 2);
    QCOMPARE(series->buckets[0].mean, 1.5);
}

void tst_RemoteJson::status()
{
    const auto status = RemoteJson::status(
        json(R"({"version":"0.1.0","started":1,"uptime_seconds":2,"udp":{"address":"0.0.0.0","port":4000},)"
             R"("http":{"address":"0.0.0.0","port":4000},"database":{"path":"/var/lib/kodemon.sqlite",)"
             R"("size_bytes":4096},"counters":{"datagrams_received":10,"samples_accepted":9,"samples_stored":8,)"
             R"("samples_unstored":0,"samples_pending":1,"samples_spooled":0,"spool_bytes":0,"rejected_total":1,)"
             R"("rejected":{"not_json":1},"kernel_drops":3,"receive_buffer_bytes":212992,"store_error":null}})"));
    QVERIFY(status);
    QCOMPARE(status->state, CollectorStatus::State::Listening);
    QCOMPARE(status->udpEndpoint, QStringLiteral("0.0.0.0:4000"));
    QCOMPARE(status->databaseBytes, 4096);
    QCOMPARE(status->databaseLocation, QStringLiteral("/var/lib/kodemon.sqlite"));
    QCOMPARE(status->counters.datagrams, 10);
    QCOMPARE(status->counters.stored, 8);
    QCOMPARE(status->counters.kernelDrops, 3);
    QCOMPARE(status->counters.rejectedTotal(), 1);
    QCOMPARE(status->counters.rejected[size_t(RejectReason::NotJson)], 1);
}

// As /api/status writes them (core/http/listenerjson.cpp): StatsD first whatever the object's order, a taken port
// with its reason, the per-kind counts, and a listener in a state this viewer does not know left out.
void tst_RemoteJson::statusListeners()
{
    const auto status = RemoteJson::status(
        json(R"({"version":"0.1.0","udp":{"address":"127.0.0.1","port":4000},"counters":{},)"
             R"("listeners":{"otlp":{"state":"unavailable","address":"127.0.0.1:4318",)"
             R"("problem":"The address is already in use","requests_received":0,"calls_accepted":0,)"
             R"("refused":{"bad_request":0},"rejected":{}},)"
             R"("statsd":{"state":"listening","address":"127.0.0.1:8125","problem":null,"datagrams_received":7,)"
             R"("calls_accepted":5,"kernel_drops":1,"lines":{"timer":5,"counter":2},"rejected":{"bad_value":1}},)"
             R"("zipkin":{"state":"paused","address":null}}})"));
    QVERIFY(status);
    const QList<ListenerStatus>& listeners = status->counters.listeners;
    QCOMPARE(listeners.size(), 2);
    const ListenerStatus& statsd = listeners[0];
    QCOMPARE(statsd.protocol, QStringLiteral("statsd"));
    QCOMPARE(statsd.state, ListenerStatus::State::Listening);
    QCOMPARE(statsd.endpoint, QStringLiteral("127.0.0.1:8125"));
    QVERIFY(statsd.problem.isEmpty());
    QCOMPARE(statsd.unit, QStringLiteral("datagrams"));
    QCOMPARE(statsd.received, 7);
    QCOMPARE(statsd.calls, 5);
    QCOMPARE(statsd.kernelDrops, 1);
    QCOMPARE(statsd.total(QStringLiteral("lines")), 7);
    QCOMPARE(statsd.total(QStringLiteral("rejected")), 1);
    const ListenerStatus& otlp = listeners[1];
    QCOMPARE(otlp.protocol, QStringLiteral("otlp"));
    QCOMPARE(otlp.state, ListenerStatus::State::Unavailable);
    QCOMPARE(otlp.endpoint, QStringLiteral("127.0.0.1:4318"));
    QCOMPARE(otlp.problem, QStringLiteral("The address is already in use"));
    QCOMPARE(otlp.unit, QStringLiteral("requests"));
    QCOMPARE(otlp.kernelDrops, -1);
    // A server from before the listeners: none.
    const auto older = RemoteJson::status(json(R"({"version":"0.1.0","udp":{},"counters":{}})"));
    QVERIFY(older);
    QVERIFY(older->counters.listeners.isEmpty());
}

void tst_RemoteJson::restrictedStatus()
{
    const auto status
        = RemoteJson::status(json(R"({"version":"0.1.0","started":1,"uptime_seconds":2,"scope":{"tokens":["shop"]}})"));
    QVERIFY(status);
    QCOMPARE(status->state, CollectorStatus::State::Restricted);
}

void tst_RemoteJson::malformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("keys not an array") << QByteArray(R"({"keys":{}})");
    QTest::newRow("key not a string") << QByteArray(
        R"({"keys":[{"key":1,"token":"","count":1,"first":1,"last":1,"mean":1}]})");
    QTest::newRow("count missing") << QByteArray(R"({"keys":[{"key":"k","token":"","first":1,"last":1,"mean":1}]})");
}

void tst_RemoteJson::malformed()
{
    QFETCH(QByteArray, body);
    QVERIFY(!RemoteJson::keys(json(body)));
    QVERIFY(!RemoteJson::executions(json(body), body));
    QVERIFY(!RemoteJson::stats(json(body)));
    QVERIFY(!RemoteJson::series(json(body)));
    QVERIFY(!RemoteJson::status(json(body)));
    QVERIFY(!RemoteJson::object("not json"));
    QVERIFY(!RemoteJson::object("[1]"));
}

QTEST_GUILESS_MAIN(tst_RemoteJson)
#include "tst_remotejson.moc"
