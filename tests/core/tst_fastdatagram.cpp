// SPDX-License-Identifier: MIT
// The fast path must agree with the full JSON parser on everything it accepts, and step aside otherwise.
#include "datagram.h"
#include "fastdatagram.h"
#include "testdata.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_FastDatagram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepts_data();
    void accepts();
    void declines_data();
    void declines();
    void agreesWithTheFullParserOnMutations();
    void cacheSharesStrings();
};

namespace {

// The full parser alone, for comparison: a datagram with a member the fast path never takes.
std::optional<Sample> fullParse(QByteArrayView object)
{
    QByteArray text = object.toByteArray().trimmed();
    if (!text.endsWith('}'))
        return std::nullopt;
    text.chop(1);
    text += R"(, "zz_force_full_parser": 1})";
    auto parsed = parseDatagram(text);
    if (parsed.samples.size() != 1)
        return std::nullopt;
    parsed.samples.first().extra.clear();
    return parsed.samples.first();
}

bool same(const Sample& a, const Sample& b)
{
    return a.key == b.key && a.token == b.token && a.timestamp == b.timestamp && a.executionTime == b.executionTime
        && a.extra == b.extra;
}

} // namespace

void tst_FastDatagram::accepts_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("decorator") << QByteArray(
        R"({"key": "/srv/app/views.py-fetch_latest", "execution_time": 31.9, "timestamp": 1413404125, "token": "test-token"})");
    QTest::newRow("compact") << QByteArray(R"({"key":"k","execution_time":1,"timestamp":0})");
    QTest::newRow("python2 order") << QByteArray(
        R"({"execution_time": 0.0019073486328125, "timestamp": 1795608118, "token": "test-token", "key": "emit.py-plain"})");
    QTest::newRow("spaces and relative path")
        << QByteArray(R"({ "key" : "../my dir/a.py-f" , "execution_time" : 1e-3 , "timestamp" : -5 })");
    QTest::newRow("fractional timestamp")
        << QByteArray(R"({"key": "k", "execution_time": 0, "timestamp": 1413404125.75})");
    QTest::newRow("exponent forms") << QByteArray(R"({"key": "k", "execution_time": 2.5E+2, "timestamp": 1e9})");
    QTest::newRow("empty token") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": ""})");
}

void tst_FastDatagram::accepts()
{
    QFETCH(QByteArray, text);
    const auto fast = parseSimpleObject(text);
    QVERIFY(fast.has_value());
    const auto full = fullParse(text);
    QVERIFY(full.has_value());
    QVERIFY(same(*fast, *full));
}

void tst_FastDatagram::declines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("extra member") << QByteArray(
        R"({"key": "k", "execution_time": 1, "timestamp": 1, "project": "demo"})");
    QTest::newRow("escape in key") << QByteArray(R"({"key": "a\/b", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("unicode escape") << QByteArray(R"({"key": "caf\u00e9", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("raw utf-8") << QByteArray("{\"key\": \"caf\xc3\xa9\", \"execution_time\": 1, \"timestamp\": 1}");
    QTest::newRow("invalid utf-8") << QByteArray("{\"key\": \"\xff\", \"execution_time\": 1, \"timestamp\": 1}");
    QTest::newRow("control character") << QByteArray("{\"key\": \"a\tb\", \"execution_time\": 1, \"timestamp\": 1}");
    QTest::newRow("duplicate key") << QByteArray(R"({"key": "a", "key": "b", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("missing timestamp") << QByteArray(R"({"key": "k", "execution_time": 1})");
    QTest::newRow("negative time") << QByteArray(R"({"key": "k", "execution_time": -1, "timestamp": 1})");
    QTest::newRow("leading zero") << QByteArray(R"({"key": "k", "execution_time": 01, "timestamp": 1})");
    QTest::newRow("leading plus") << QByteArray(R"({"key": "k", "execution_time": +1, "timestamp": 1})");
    QTest::newRow("bare dot") << QByteArray(R"({"key": "k", "execution_time": 1., "timestamp": 1})");
    QTest::newRow("leading dot") << QByteArray(R"({"key": "k", "execution_time": .5, "timestamp": 1})");
    QTest::newRow("overflow") << QByteArray(R"({"key": "k", "execution_time": 1e999, "timestamp": 1})");
    QTest::newRow("NaN") << QByteArray(R"({"key": "k", "execution_time": NaN, "timestamp": 1})");
    QTest::newRow("string number") << QByteArray(R"({"key": "k", "execution_time": "1", "timestamp": 1})");
    QTest::newRow("trailing comma") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1,})");
    QTest::newRow("trailing garbage") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1} x)");
    QTest::newRow("two objects") << QByteArray(
        R"({"key": "k", "execution_time": 1, "timestamp": 1}{"key": "k", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("empty key") << QByteArray(R"({"key": "", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("key too long") << QByteArray(
        "{\"key\": \"" + QByteArray(1025, 'a') + "\", \"execution_time\": 1, \"timestamp\": 1}");
    QTest::newRow("token number") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": 1})");
    QTest::newRow("unterminated") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1)");
    QTest::newRow("not an object") << QByteArray(R"(["key"])");
}

void tst_FastDatagram::declines()
{
    QFETCH(QByteArray, text);
    QVERIFY(!parseSimpleObject(text).has_value());
}

void tst_FastDatagram::agreesWithTheFullParserOnMutations()
{
    // Random single-byte edits of valid datagrams: whenever the fast path accepts, the full parser must accept
    // the same datagram and read the same sample.
    const QList<QByteArray> seeds = Test::decoratorDatagrams()
        + QList<QByteArray> { R"({"key":"a.py-f","execution_time":12.5e-3,"timestamp":1413404125,"token":"t"})" };
    const char alphabet[] = " \t{}[]\":,.-+eE0123456789abcdefkxyz\\\n\x80\xff";
    QRandomGenerator random(2024);
    int accepted = 0;
    for (int round = 0; round < 40000; ++round) {
        QByteArray text = seeds.at(random.bounded(int(seeds.size())));
        const int edits = 1 + random.bounded(3);
        for (int e = 0; e < edits; ++e) {
            const int at = random.bounded(int(text.size()));
            const char c = alphabet[random.bounded(int(sizeof alphabet - 1))];
            switch (random.bounded(3)) {
            case 0:
                text[at] = c;
                break;
            case 1:
                text.insert(at, c);
                break;
            default:
                text.remove(at, 1);
                break;
            }
        }
        const auto fast = parseSimpleObject(text);
        if (!fast)
            continue;
        ++accepted;
        const auto viaDatagram = parseDatagram(text);
        QCOMPARE(viaDatagram.samples.size(), 1);
        const auto full = fullParse(text);
        QVERIFY2(full.has_value(), text.constData());
        QVERIFY2(same(*fast, *full), text.constData());
    }
    QVERIFY2(accepted > 1000, qPrintable(QString::number(accepted)));
}

void tst_FastDatagram::cacheSharesStrings()
{
    StringCache cache;
    const auto a = parseSimpleObject(R"({"key": "k.py-f", "execution_time": 1, "timestamp": 1, "token": "t"})", &cache);
    const auto b = parseSimpleObject(R"({"key": "k.py-f", "execution_time": 2, "timestamp": 2, "token": "t"})", &cache);
    QVERIFY(a && b);
    QCOMPARE(a->key, b->key);
    QVERIFY(a->key.constData() == b->key.constData()); // one shared buffer, not a copy per sample
}

QTEST_GUILESS_MAIN(tst_FastDatagram)
#include "tst_fastdatagram.moc"
