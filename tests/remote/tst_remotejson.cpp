// SPDX-License-Identifier: MIT
// Reading the HTTP API's answers: every field into the store's value types, `extra` exactly as the server wrote
// it, and anything not shaped like Kodemon's answers refused.
#include "http/changesjson.h"
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
    void changesReadWhatTheServerWrites();
    void annotationsReadWhatTheServerWrites();
    void changesMalformed_data();
    void changesMalformed();
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
    QVERIFY(!series->origin); // a server older than "origin": the caller's range start
    const auto aligned = RemoteJson::series(json(R"({"step":3600,"origin":1413403200,"buckets":[]})"));
    QVERIFY(aligned);
    QCOMPARE(aligned->origin, std::optional(1413403200.0));
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
// with its reason, the per-kind counts; a listener this viewer cannot name, or in a state it does not know, left out.
void tst_RemoteJson::statusListeners()
{
    const auto status = RemoteJson::status(
        json(R"({"version":"0.1.0","udp":{"address":"127.0.0.1","port":4000},"counters":{},)"
             R"("listeners":{"otlp":{"state":"unavailable","address":"127.0.0.1:4318",)"
             R"("problem":"The address is already in use","requests_received":0,"calls_accepted":0,)"
             R"("refused":{"bad_request":0},"rejected":{}},)"
             R"("statsd":{"state":"listening","address":"127.0.0.1:8125","problem":null,"datagrams_received":7,)"
             R"("calls_accepted":5,"kernel_drops":1,"lines":{"timer":5,"counter":2},"rejected":{"bad_value":1}},)"
             R"("zipkin":{"state":"listening","address":null},"":{"state":"listening"}}})"));
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
    const auto paused = RemoteJson::status(
        json(R"({"version":"9.0","udp":{},"counters":{},"listeners":{"statsd":{"state":"paused"}}})"));
    QVERIFY(paused);
    QVERIFY(paused->counters.listeners.isEmpty());
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

namespace {

Change sampleChange()
{
    Change c;
    c.id = KeyId { QStringLiteral("shop"), QStringLiteral("/srv/my app/views.py-checkout \u00e9") };
    c.time = 1765000000.25;
    c.bucketSeconds = 300;
    c.metric = ChangeMetric::P95;
    c.medianChanged = true;
    c.p95Changed = true;
    c.before = { 1764990000, 1764999999.5, 480, 3, 20.5, 31.25 };
    c.after = { 1765000000.25, 1765009000, 479, 0, 30.75, 47.5 };
    c.relativeChange = 0.52;
    c.pValue = 1.5e-12;
    c.callsAffected = 479;
    c.impact = 249.08;
    c.releaseTag = QStringLiteral("release");
    c.release = QStringLiteral("1.4.2");
    Annotation deploy;
    deploy.id = 7;
    deploy.time = 1764999880;
    deploy.end = 1764999900;
    deploy.text = QStringLiteral("deploy \"1.4.2\"");
    deploy.tags = QStringList { QStringLiteral("deploy"), QStringLiteral("api") };
    deploy.token = QStringLiteral("shop");
    c.annotation = deploy;
    c.groupTag = QStringLiteral("endpoint");
    c.groupValue = QStringLiteral("/cart");
    return c;
}

void compareSides(const ChangeSide& read, const ChangeSide& written)
{
    QCOMPARE(read.from, written.from);
    QCOMPARE(read.to, written.to);
    QCOMPARE(read.calls, written.calls);
    QCOMPARE(read.errors, written.errors);
    QCOMPARE(read.p50, written.p50);
    QCOMPARE(read.p95, written.p95);
}

} // namespace

// What core/http's writer of GET /api/changes writes is read back field by field: a change with everything (its
// release, marker, tag value) and an improvement in the error rate without any.
void tst_RemoteJson::changesReadWhatTheServerWrites()
{
    ChangeReport report;
    report.range = { 1764980000, 1765010000.5 };
    report.options.minCallsPerSide = 50;
    report.options.minEffect = 0.2;
    report.options.falseDiscoveryRate = 0.1;
    report.withheld = 3;
    report.functions = 12;
    report.calls = 34567;
    const Change full = sampleChange();
    Change bare;
    bare.id = KeyId { QString(), QStringLiteral("f") };
    bare.metric = ChangeMetric::ErrorRate;
    bare.improvement = true;
    bare.relativeChange = -0.75;
    bare.pValue = 0.0004;
    report.changes = { full, bare };
    const auto read = RemoteJson::changes(json(Json::changes(report, 100)));
    QVERIFY(read);
    QCOMPARE(read->range.from, report.range.from);
    QCOMPARE(read->range.to, report.range.to);
    QCOMPARE(read->functions, 12);
    QCOMPARE(read->calls, 34567);
    QCOMPARE(read->options.minCallsPerSide, 50);
    QCOMPARE(read->options.minEffect, 0.2);
    QCOMPARE(read->options.significance, report.options.significance);
    QCOMPARE(read->options.falseDiscoveryRate, 0.1);
    QCOMPARE(read->withheld, 3);
    QCOMPARE(read->changes.size(), 2);
    const Change& c = read->changes[0];
    QCOMPARE(c.id, full.id);
    QCOMPARE(c.time, full.time);
    QCOMPARE(c.bucketSeconds, full.bucketSeconds);
    QCOMPARE(c.metric, ChangeMetric::P95);
    QVERIFY(c.medianChanged && c.p95Changed && !c.improvement);
    compareSides(c.before, full.before);
    compareSides(c.after, full.after);
    QCOMPARE(c.relativeChange, full.relativeChange);
    QCOMPARE(c.pValue, full.pValue);
    QCOMPARE(c.callsAffected, full.callsAffected);
    QCOMPARE(c.impact, full.impact);
    QCOMPARE(c.releaseTag, QStringLiteral("release"));
    QCOMPARE(c.release, QStringLiteral("1.4.2"));
    QVERIFY(c.annotation);
    QCOMPARE(c.annotation->id, 7);
    QCOMPARE(c.annotation->time, 1764999880.0);
    QCOMPARE(c.annotation->end, std::optional<double>(1764999900));
    QCOMPARE(c.annotation->text, full.annotation->text);
    QCOMPARE(c.annotation->tags, full.annotation->tags);
    QCOMPARE(c.annotation->token, QStringLiteral("shop"));
    QCOMPARE(c.groupTag, QStringLiteral("endpoint"));
    QCOMPARE(c.groupValue, QStringLiteral("/cart"));
    const Change& b = read->changes[1];
    QCOMPARE(b.id, bare.id);
    QCOMPARE(b.metric, ChangeMetric::ErrorRate);
    QVERIFY(b.improvement);
    QCOMPARE(b.relativeChange, -0.75);
    QVERIFY(b.release.isEmpty() && !b.annotation && b.groupTag.isEmpty());
    // The server lists at most `limit`; the report says how many it found in "total", which the list then lacks.
    const auto first = RemoteJson::changes(json(Json::changes(report, 1)));
    QVERIFY(first);
    QCOMPARE(first->changes.size(), 1);
}

void tst_RemoteJson::annotationsReadWhatTheServerWrites()
{
    const Annotation period = *sampleChange().annotation;
    Annotation moment;
    moment.id = 8;
    moment.time = 1765000100.5;
    moment.text = QStringLiteral("rollback");
    const auto read = RemoteJson::annotations(json(Json::annotations({ 1, 2 }, { period, moment })));
    QVERIFY(read);
    QCOMPARE(read->size(), 2);
    QCOMPARE(read->at(0).id, 7);
    QCOMPARE(read->at(0).end, period.end);
    QCOMPARE(read->at(0).tags, period.tags);
    QCOMPARE(read->at(0).token, QStringLiteral("shop"));
    QCOMPARE(read->at(1).time, 1765000100.5);
    QVERIFY(!read->at(1).end);
    QCOMPARE(read->at(1).text, QStringLiteral("rollback"));
    QVERIFY(read->at(1).token.isEmpty());
    QVERIFY(!RemoteJson::annotations(json(R"({"annotations":[{"id":1,"time":"soon","text":"x"}]})")));
}

void tst_RemoteJson::changesMalformed_data()
{
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::newRow("no list") << QByteArray(R"("changes":[)") << QByteArray(R"("nothing":[)");
    QTest::newRow("unknown metric") << QByteArray(R"("metric":"p95")") << QByteArray(R"("metric":"p99")");
    QTest::newRow("key not a string") << QByteArray(R"("key":)") << QByteArray(R"("key":1,"x":)");
    QTest::newRow("side not an object") << QByteArray(R"("before":{)") << QByteArray(R"("before":7,"b":{)");
    QTest::newRow("side without calls") << QByteArray(R"("calls":480)") << QByteArray(R"("calls":"480")");
    QTest::newRow("release without value") << QByteArray(R"("value":"1.4.2")") << QByteArray(R"("v":"1.4.2")");
    QTest::newRow("marker without text") << QByteArray(R"("text":)") << QByteArray(R"("txt":)");
    QTest::newRow("improvement not a boolean")
        << QByteArray(R"("improvement":false)") << QByteArray(R"("improvement":0)");
    QTest::newRow("functions missing") << QByteArray(R"("functions":)") << QByteArray(R"("funcs":)");
}

// One change not shaped like Kodemon's refuses the whole answer: a list with holes would rank wrongly.
void tst_RemoteJson::changesMalformed()
{
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    ChangeReport report;
    report.range = { 1, 2 };
    report.changes = { sampleChange() };
    QByteArray body = Json::changes(report, 100);
    QVERIFY(RemoteJson::changes(json(body)));
    QVERIFY2(body.contains(from), body.constData());
    body.replace(from, to);
    QVERIFY2(!RemoteJson::changes(json(body)), body.constData());
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
    QVERIFY(!RemoteJson::changes(json(body)));
    QVERIFY(!RemoteJson::annotations(json(body)));
    QVERIFY(!RemoteJson::object("not json"));
    QVERIFY(!RemoteJson::object("[1]"));
}

QTEST_GUILESS_MAIN(tst_RemoteJson)
#include "tst_remotejson.moc"
