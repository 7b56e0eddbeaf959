// SPDX-License-Identifier: MIT
// The StatsD and DogStatsD line parser: every line kind, the DogStatsD extensions, and every reason a line is
// refused, one row each; refused lines never take their neighbours with them.
#include "statsd/statsdline.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

namespace {

constexpr double Now = 1795608000.25;

// One expected call: key, token, milliseconds, timestamp, extra (compact JSON or empty).
struct Call
{
    Call() = default;
    Call(QString k, const char* t, double m, double ts = Now, QByteArray e = {})
        : key(std::move(k))
        , token(QString::fromUtf8(t))
        , ms(m)
        , timestamp(ts)
        , extra(std::move(e))
    { }
    Call(const char* k, const char* t, double m, double ts = Now, QByteArray e = {})
        : Call(QString::fromUtf8(k), t, m, ts, std::move(e))
    { }

    QString key;
    QString token;
    double ms = 0;
    double timestamp = Now;
    QByteArray extra;
};

QString describe(const Sample& s)
{
    return QStringLiteral("%1|%2|%3|%4|%5")
        .arg(s.key, s.token)
        .arg(s.executionTime, 0, 'g', 17)
        .arg(s.timestamp, 0, 'f', 3)
        .arg(QString::fromUtf8(s.extra));
}

QString describe(const Call& c)
{
    Sample s;
    s.key = c.key;
    s.token = c.token;
    s.executionTime = c.ms;
    s.timestamp = c.timestamp;
    s.extra = c.extra;
    return describe(s);
}

QByteArray compact(const char* json)
{
    return QJsonDocument::fromJson(json).toJson(QJsonDocument::Compact);
}

} // namespace

Q_DECLARE_METATYPE(QList<Call>)
Q_DECLARE_METATYPE(QList<StatsdReject>)
Q_DECLARE_METATYPE(StatsdKind)

class tst_StatsdLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void countsKinds_data();
    void countsKinds();
    void theTokenOptionIsTheDefault();
    void theReceiversCacheChangesNothing_data();
    void theReceiversCacheChangesNothing();
    void namesAreStable();
    void hugeAndBinaryInputIsRefusedLineByLine();
};

void tst_StatsdLine::parses_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<QList<Call>>("calls");
    QTest::addColumn<QList<StatsdReject>>("rejections");
    using R = StatsdReject;
    const QList<R> none;

    QTest::newRow("timer") << QByteArray("checkout:320|ms") << QList<Call> { { "checkout", "", 320 } } << none;
    QTest::newRow("fractional timer") << QByteArray("db.query:0.125|ms") << QList<Call> { { "db.query", "", 0.125 } }
                                      << none;
    QTest::newRow("histogram") << QByteArray("render:12|h") << QList<Call> { { "render", "", 12 } } << none;
    QTest::newRow("distribution") << QByteArray("upload:1500.5|d") << QList<Call> { { "upload", "", 1500.5 } }
                                  << none;
    QTest::newRow("zero") << QByteArray("noop:0|ms") << QList<Call> { { "noop", "", 0 } } << none;
    QTest::newRow("exponent") << QByteArray("tiny:1e-3|ms") << QList<Call> { { "tiny", "", 0.001 } } << none;
    QTest::newRow("several values") << QByteArray("batch:1:2:3|d")
                                    << QList<Call> { { "batch", "", 1 }, { "batch", "", 2 }, { "batch", "", 3 } } << none;
    QTest::newRow("several lines") << QByteArray("a:1|ms\nb:2|h\nc:3|d")
                                   << QList<Call> { { "a", "", 1 }, { "b", "", 2 }, { "c", "", 3 } } << none;
    QTest::newRow("trailing newline") << QByteArray("a:1|ms\n") << QList<Call> { { "a", "", 1 } } << none;
    QTest::newRow("CRLF") << QByteArray("a:1|ms\r\nb:2|ms\r\n") << QList<Call> { { "a", "", 1 }, { "b", "", 2 } }
                          << none;
    QTest::newRow("blank lines between") << QByteArray("a:1|ms\n\n\nb:2|ms")
                                         << QList<Call> { { "a", "", 1 }, { "b", "", 2 } } << none;
    QTest::newRow("name with spaces and slashes") << QByteArray("/home/me/My Project/app.py-handler:5|ms")
                                                  << QList<Call> { { "/home/me/My Project/app.py-handler", "", 5 } }
                                                  << none;
    QTest::newRow("UTF-8 name") << QByteArray("caf\xc3\xa9.r\xc3\xb6stet:7|ms")
                                << QList<Call> { { QStringLiteral("café.röstet"), "", 7 } } << none;
    QTest::newRow("sample rate") << QByteArray("sampled:10|ms|@0.1")
                                 << QList<Call> { { "sampled", "", 10, Now, compact(R"({"sample_rate":0.1})") } } << none;
    QTest::newRow("sample rate 1 is not kept") << QByteArray("full:10|ms|@1") << QList<Call> { { "full", "", 10 } }
                                               << none;
    QTest::newRow("DogStatsD tags") << QByteArray("api.get:42|ms|#env:prod,region:eu-west-1,canary")
                                    << QList<Call> { { "api.get", "", 42, Now,
                                           compact(R"({"env":"prod","region":"eu-west-1","canary":true})") } }
                                    << none;
    QTest::newRow("tag value with colons") << QByteArray("fetch:3|ms|#url:http://x:80/a")
                                           << QList<Call> { { "fetch", "", 3, Now, compact(R"({"url":"http://x:80/a"})") } }
                                           << none;
    QTest::newRow("token tag") << QByteArray("pay:8|ms|#token:shop,env:prod")
                               << QList<Call> { { "pay", "shop", 8, Now, compact(R"({"env":"prod"})") } } << none;
    QTest::newRow("empty tags") << QByteArray("t:1|ms|#") << QList<Call> { { "t", "", 1 } } << none;
    QTest::newRow("empty tag names skipped") << QByteArray("t:1|ms|#,:x,,a:b")
                                             << QList<Call> { { "t", "", 1, Now, compact(R"({"a":"b"})") } } << none;
    QTest::newRow("timestamp") << QByteArray("old:5|d|T1656581400")
                               << QList<Call> { { "old", "", 5, 1656581400 } } << none;
    QTest::newRow("everything") << QByteArray("all:1:2|ms|@0.5|#token:t1,k:v|T1656581400|c:abc123|card:low")
                                << QList<Call> { { "all", "t1", 1, 1656581400, compact(R"({"k":"v","sample_rate":0.5})") },
                                       { "all", "t1", 2, 1656581400, compact(R"({"k":"v","sample_rate":0.5})") } }
                                << none;
    QTest::newRow("unknown sections ignored") << QByteArray("x:1|ms|c:container|e:ext") << QList<Call> { { "x", "", 1 } }
                                              << none;
    QTest::newRow("counter not stored") << QByteArray("hits:1|c") << QList<Call> {} << none;
    QTest::newRow("gauge not stored") << QByteArray("queue:-3|g") << QList<Call> {} << none;
    QTest::newRow("relative gauge") << QByteArray("queue:+3|g") << QList<Call> {} << none;
    QTest::newRow("set not stored") << QByteArray("users:alice|s") << QList<Call> {} << none;
    QTest::newRow("event") << QByteArray("_e{5,4}:title|text|#a:b") << QList<Call> {} << none;
    QTest::newRow("event with empty text") << QByteArray("_e{2,0}:hi|") << QList<Call> {} << none;
    QTest::newRow("service check") << QByteArray("_sc|db.up|0|#a:b|m:fine") << QList<Call> {} << none;

    // Refused lines, one reason each; their neighbours are kept.
    QTest::newRow("empty datagram") << QByteArray("") << QList<Call> {} << QList<R> { R::Empty };
    QTest::newRow("only whitespace") << QByteArray(" \n ") << QList<Call> {} << QList<R> { R::Empty };
    QTest::newRow("garbage") << QByteArray("hello world") << QList<Call> {} << QList<R> { R::BadLine };
    QTest::newRow("no type") << QByteArray("a:1") << QList<Call> {} << QList<R> { R::BadLine };
    QTest::newRow("no value") << QByteArray("a|ms") << QList<Call> {} << QList<R> { R::BadLine };
    QTest::newRow("bar before colon") << QByteArray("a|b:1") << QList<Call> {} << QList<R> { R::BadLine };
    QTest::newRow("JSON datagram") << QByteArray(R"({"key": "k", "execution_time": 1})") << QList<Call> {}
                                   << QList<R> { R::BadLine };
    QTest::newRow("empty name") << QByteArray(":1|ms") << QList<Call> {} << QList<R> { R::BadName };
    QTest::newRow("name too long") << QByteArray(QByteArray(1025, 'n') + ":1|ms") << QList<Call> {}
                                   << QList<R> { R::BadName };
    QTest::newRow("name of 1024 bytes") << QByteArray(QByteArray(1024, 'n') + ":1|ms")
                                        << QList<Call> { { QString(1024, u'n'), "", 1 } } << none;
    QTest::newRow("invalid UTF-8 name") << QByteArray("a\xff:1|ms") << QList<Call> {} << QList<R> { R::BadName };
    QTest::newRow("empty value") << QByteArray("a:|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("not a number") << QByteArray("a:fast|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("negative duration") << QByteArray("a:-1|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("plus on a timer") << QByteArray("a:+1|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("NaN") << QByteArray("a:nan|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("infinity") << QByteArray("a:inf|d") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("overflow") << QByteArray("a:1e999|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("space in value") << QByteArray("a: 1|ms") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("one bad value refuses the line") << QByteArray("a:1:x:3|d") << QList<Call> {}
                                                    << QList<R> { R::BadValue };
    QTest::newRow("trailing colon") << QByteArray("a:1:|d") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("bad counter") << QByteArray("hits:many|c") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("empty set") << QByteArray("users:|s") << QList<Call> {} << QList<R> { R::BadValue };
    QTest::newRow("unknown type") << QByteArray("a:1|x") << QList<Call> {} << QList<R> { R::UnknownType };
    QTest::newRow("empty type") << QByteArray("a:1||#a:b") << QList<Call> {} << QList<R> { R::UnknownType };
    QTest::newRow("type case matters") << QByteArray("a:1|MS") << QList<Call> {} << QList<R> { R::UnknownType };
    QTest::newRow("sample rate zero") << QByteArray("a:1|ms|@0") << QList<Call> {} << QList<R> { R::BadSampleRate };
    QTest::newRow("sample rate above one") << QByteArray("a:1|ms|@2") << QList<Call> {} << QList<R> { R::BadSampleRate };
    QTest::newRow("sample rate text") << QByteArray("a:1|ms|@half") << QList<Call> {}
                                      << QList<R> { R::BadSampleRate };
    QTest::newRow("empty sample rate") << QByteArray("a:1|ms|@") << QList<Call> {} << QList<R> { R::BadSampleRate };
    QTest::newRow("timestamp text") << QByteArray("a:1|ms|Tyesterday") << QList<Call> {}
                                    << QList<R> { R::BadTimestamp };
    QTest::newRow("fractional timestamp") << QByteArray("a:1|ms|T1656581400.5") << QList<Call> {}
                                          << QList<R> { R::BadTimestamp };
    QTest::newRow("negative timestamp") << QByteArray("a:1|ms|T-1") << QList<Call> {} << QList<R> { R::BadTimestamp };
    QTest::newRow("huge timestamp") << QByteArray("a:1|ms|T99999999999999") << QList<Call> {}
                                    << QList<R> { R::BadTimestamp };
    QTest::newRow("invalid UTF-8 tags") << QByteArray("a:1|ms|#k:\xc3") << QList<Call> {} << QList<R> { R::BadTags };
    QTest::newRow("event lengths wrong") << QByteArray("_e{9,4}:title|text") << QList<Call> {}
                                         << QList<R> { R::BadEvent };
    QTest::newRow("event not numbers") << QByteArray("_e{a,b}:title|text") << QList<Call> {} << QList<R> { R::BadEvent };
    QTest::newRow("event truncated") << QByteArray("_e{5,4}:tit") << QList<Call> {} << QList<R> { R::BadEvent };
    QTest::newRow("event no title") << QByteArray("_e{0,4}:|text") << QList<Call> {} << QList<R> { R::BadEvent };
    QTest::newRow("service check bad status") << QByteArray("_sc|db|7") << QList<Call> {}
                                              << QList<R> { R::BadServiceCheck };
    QTest::newRow("service check no name") << QByteArray("_sc||0") << QList<Call> {}
                                           << QList<R> { R::BadServiceCheck };
    QTest::newRow("service check no status") << QByteArray("_sc|db") << QList<Call> {}
                                             << QList<R> { R::BadServiceCheck };
    QTest::newRow("bad lines keep their neighbours")
        << QByteArray("good1:1|ms\ngarbage\nbad:x|ms\ngood2:2|d\nworse:1|zz\ngood3:3|h")
        << QList<Call> { { "good1", "", 1 }, { "good2", "", 2 }, { "good3", "", 3 } }
        << QList<R> { R::BadLine, R::BadValue, R::UnknownType };
    QTest::newRow("NUL bytes") << QByteArray("a\0b:1|ms\nc:2|ms", 15) << QList<Call> { { QString::fromUtf8("a\0b", 3), "", 1 }, { "c", "", 2 } }
                               << none;
}

void tst_StatsdLine::parses()
{
    QFETCH(QByteArray, datagram);
    QFETCH(QList<Call>, calls);
    QFETCH(QList<StatsdReject>, rejections);
    StatsdParsed out;
    parseStatsdDatagram(datagram, {}, Now, out);
    QStringList got;
    for (const auto& sample : std::as_const(out.samples))
        got.append(describe(sample));
    QStringList expected;
    for (const auto& call : std::as_const(calls))
        expected.append(describe(call));
    QCOMPARE(got, expected);
    QList<StatsdReject> reasons;
    for (const auto& rejection : std::as_const(out.rejections)) {
        reasons.append(rejection.reason);
        QVERIFY(!rejection.detail.isEmpty());
    }
    QCOMPARE(reasons, rejections);
    // The same with the receiver's name cache, twice (the second time from the cache).
    StatsdNames names;
    for (int pass = 0; pass < 2; ++pass) {
        StatsdParsed cached;
        parseStatsdDatagram(datagram, {}, Now, cached, &names);
        QStringList again;
        for (const auto& sample : std::as_const(cached.samples))
            again.append(describe(sample));
        QCOMPARE(again, expected);
    }
}

void tst_StatsdLine::countsKinds_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<StatsdKind>("kind");
    QTest::newRow("ms") << QByteArray("a:1|ms") << StatsdKind::Timer;
    QTest::newRow("h") << QByteArray("a:1|h") << StatsdKind::Histogram;
    QTest::newRow("d") << QByteArray("a:1:2:3|d") << StatsdKind::Distribution;
    QTest::newRow("c") << QByteArray("a:1|c|@0.5") << StatsdKind::Counter;
    QTest::newRow("g") << QByteArray("a:1.5|g|#x:y") << StatsdKind::Gauge;
    QTest::newRow("s") << QByteArray("a:bob|s") << StatsdKind::Set;
    QTest::newRow("event") << QByteArray("_e{1,1}:a|b") << StatsdKind::Event;
    QTest::newRow("service check") << QByteArray("_sc|a|1") << StatsdKind::ServiceCheck;
}

void tst_StatsdLine::countsKinds()
{
    QFETCH(QByteArray, line);
    QFETCH(StatsdKind, kind);
    StatsdParsed out;
    parseStatsdDatagram(QByteArray(line + '\n' + line), {}, Now, out);
    for (int k = 0; k < StatsdKindCount; ++k)
        QCOMPARE(out.lines[size_t(k)], StatsdKind(k) == kind ? 2 : 0);
    QVERIFY(out.rejections.isEmpty());
}

void tst_StatsdLine::theTokenOptionIsTheDefault()
{
    StatsdParsed out;
    parseStatsdDatagram("a:1|ms\nb:2|ms|#token:other", { QStringLiteral("mine") }, Now, out);
    QCOMPARE(out.samples.size(), 2);
    QCOMPARE(out.samples[0].token, QStringLiteral("mine"));
    QCOMPARE(out.samples[1].token, QStringLiteral("other"));
}

// The receiver's cache of names and sections' text (StatsdNames) against no cache: the same calls (key, token, time,
// milliseconds, extra), kinds and refusals, whatever was seen before: each datagram is parsed after the others went
// through the same cache, and again once everything is remembered.
void tst_StatsdLine::theReceiversCacheChangesNothing_data()
{
    QTest::addColumn<QList<QByteArray>>("datagrams");
    QTest::newRow("plain timers") << QList<QByteArray> { "a:1|ms", "b:2|ms", "a:3|ms\nb:4|h", "a:5:6:7|d" };
    QTest::newRow("shared tags, other names and kinds") << QList<QByteArray> { "a:1|ms|#env:prod,canary",
        "b:2|h|#env:prod,canary", "a:3|d|#env:prod,canary", "hits:1|c|#env:prod,canary", "q:2|g|#env:prod,canary",
        "u:x|s|#env:prod,canary", "a:4:5|ms|#env:prod,canary" };
    QTest::newRow("sample rates") << QList<QByteArray> { "a:1|ms|@0.5", "b:2|ms|@0.5", "a:3|ms|@1", "b:4|ms|@1",
        "a:5|ms|@0.5|#k:v", "b:6|ms|@0.5|#k:v" };
    QTest::newRow("token tags") << QList<QByteArray> { "a:1|ms|#token:shop,env:prod", "b:2|ms|#token:shop,env:prod",
        "a:3|ms|#token:other", "a:4|ms|#token:shop,env:prod", "a:5|ms|#env:prod" };
    QTest::newRow("timestamps are never remembered") << QList<QByteArray> { "a:1|ms|T1656581400",
        "a:2|ms|T1656581401", "b:3|ms|#k:v|T1656581400", "b:4|ms|#k:v|T1656581402", "b:5|ms|#k:v" };
    QTest::newRow("bad sections stay refused") << QList<QByteArray> { "a:1|ms|@2", "a:1|ms|@2", "b:1|ms|#k:\xc3",
        "b:1|ms|#k:\xc3", "c:1|ms|Tsoon", "c:1|ms|Tsoon", "d:x|ms|#k:v", "d:1|ms|#k:v", "e:1|zz|#k:v" };
    QTest::newRow("unknown and empty sections") << QList<QByteArray> { "a:1|ms|c:abc", "b:2|ms|c:abc", "a:1|ms|",
        "b:1|ms|", "a:1|ms|#", "b:1|ms|#" };
    QByteArray many;
    for (int i = 0; i < 5000; ++i) // more distinct sections than the cache keeps: it empties now and then
        many += "k:" + QByteArray::number(i) + "|ms|#id:" + QByteArray::number(i) + "\n";
    QTest::newRow("a flood of distinct tags") << QList<QByteArray> { many, many };
}

void tst_StatsdLine::theReceiversCacheChangesNothing()
{
    QFETCH(QList<QByteArray>, datagrams);
    const StatsdOptions options { QStringLiteral("default") };
    const auto describeAll = [](const StatsdParsed& parsed) {
        QStringList out;
        for (const auto& sample : parsed.samples)
            out.append(describe(sample));
        for (const auto& rejection : parsed.rejections)
            out.append(statsdRejectName(rejection.reason));
        for (const qint64 lines : parsed.lines)
            out.append(QString::number(lines));
        return out;
    };
    StatsdNames names;
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& datagram : std::as_const(datagrams)) {
            StatsdParsed fresh;
            parseStatsdDatagram(datagram, options, Now, fresh);
            StatsdParsed cached;
            parseStatsdDatagram(datagram, options, Now, cached, &names);
            QCOMPARE(describeAll(cached), describeAll(fresh));
        }
    }
}

void tst_StatsdLine::namesAreStable()
{
    QCOMPARE(statsdKindName(StatsdKind::ServiceCheck), QLatin1StringView("service_check"));
    QCOMPARE(statsdRejectName(StatsdReject::BadSampleRate), QLatin1StringView("bad_sample_rate"));
    QCOMPARE(statsdRejectName(StatsdReject::SourceNotAllowed), QLatin1StringView("source_not_allowed"));
    for (int i = 0; i < StatsdRejectCount; ++i)
        QVERIFY(statsdRejectName(StatsdReject(i)) != QLatin1StringView("unknown"));
    for (int i = 0; i < StatsdKindCount; ++i)
        QVERIFY(statsdKindName(StatsdKind(i)) != QLatin1StringView("unknown"));
}

// A full-size datagram of random bytes and one of many lines: refused line by line, nothing crashes, and the
// valid line at the end is kept.
void tst_StatsdLine::hugeAndBinaryInputIsRefusedLineByLine()
{
    QByteArray noise(65000, Qt::Uninitialized);
    quint32 state = 12345;
    for (auto& c : noise) {
        state = state * 1664525u + 1013904223u;
        c = char(state >> 24);
    }
    noise.replace('\n', ' ');
    StatsdParsed out;
    parseStatsdDatagram(QByteArray(noise + "\nlast:4|ms"), {}, Now, out);
    QCOMPARE(out.samples.size(), 1);
    QCOMPARE(out.samples[0].key, QStringLiteral("last"));
    QCOMPARE(out.rejections.size(), 1);

    QByteArray many;
    for (int i = 0; i < 5000; ++i)
        many += "k" + QByteArray::number(i) + ":" + QByteArray::number(i) + "|ms\n";
    StatsdParsed lots;
    parseStatsdDatagram(many, {}, Now, lots);
    QCOMPARE(lots.samples.size(), 5000);
    QCOMPARE(lots.samples.last().executionTime, 4999.0);
}

QTEST_GUILESS_MAIN(tst_StatsdLine)
#include "tst_statsdline.moc"
