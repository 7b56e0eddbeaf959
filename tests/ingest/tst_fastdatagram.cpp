// SPDX-License-Identifier: MIT
// The fast path must agree byte for byte with the full JSON parser on everything it accepts, and step aside otherwise.
#include "ingest/datagram.h"
#include "ingest/fastdatagram.h"
#include "ingest/stringcache.h"
#include "randomdatagram.h"
#include "testdata.h"

#include <cstring>
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
    void readsTheValuesItShould_data();
    void readsTheValuesItShould();
    void agreesWithTheFullParserOnRandomObjects();
    void cacheSharesStrings();
    void cacheAgreesAfterAFloodOfDistinctValues();
    void cacheAgreesAfterAFloodOfLongTokens();
};

namespace {

quint64 bitsOf(double value)
{
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

QString describe(double value)
{
    return QStringLiteral("%1 (bits %2)").arg(value, 0, 'g', 17).arg(bitsOf(value), 16, 16, QLatin1Char('0'));
}

// Empty when the samples are the same to the bit; else what differs.
QString difference(const Sample& fast, const Sample& full)
{
    if (fast.key != full.key)
        return QStringLiteral("key %1 != %2").arg(fast.key, full.key);
    if (fast.token != full.token)
        return QStringLiteral("token %1 != %2").arg(fast.token, full.token);
    if (bitsOf(fast.timestamp) != bitsOf(full.timestamp))
        return QStringLiteral("timestamp %1 != %2").arg(describe(fast.timestamp), describe(full.timestamp));
    if (bitsOf(fast.executionTime) != bitsOf(full.executionTime))
        return QStringLiteral("execution_time %1 != %2")
            .arg(describe(fast.executionTime), describe(full.executionTime));
    if (fast.extra != full.extra || fast.extra.isNull() != full.extra.isNull())
        return QStringLiteral("extra %1 != %2").arg(QString::fromUtf8(fast.extra), QString::fromUtf8(full.extra));
    return {};
}

// The full parser's verdict, as parseDatagram reaches it for a one-line datagram.
std::variant<Sample, Rejection> fullParse(const QByteArray& text)
{
    return parseObjectFully(text.trimmed());
}

QString describe(const std::variant<Sample, Rejection>& result)
{
    if (const auto* rejection = std::get_if<Rejection>(&result))
        return QStringLiteral("rejected: %1 (%2)").arg(rejectReasonName(rejection->reason), rejection->detail);
    return QStringLiteral("accepted");
}

// An object with the decorator's members around `extra`, spaced as json.dumps spaces them.
QByteArray withExtra(const QByteArray& extra)
{
    return R"({"key": "k.py-f", "execution_time": 1.5, "timestamp": 1795608118, "token": "t", )" + extra + "}";
}

QByteArray withKey(const QByteArray& key)
{
    return R"({"key": ")" + key + R"(", "execution_time": 1, "timestamp": 1, "token": "t"})";
}

QByteArray withNumber(const QByteArray& number)
{
    return R"({"key": "k", "execution_time": )" + number + R"(, "timestamp": )" + number + "}";
}

QByteArray nested(int levels)
{
    return QByteArray(levels, '[') + QByteArray(levels, ']');
}

} // namespace

void tst_FastDatagram::accepts_data()
{
    QTest::addColumn<QByteArray>("text");
    int line = 0;
    for (const auto& datagram : Test::decoratorDatagrams())
        QTest::addRow("decorator datagram %d", ++line) << datagram;

    QTest::newRow("compact") << QByteArray(R"({"key":"k","execution_time":1,"timestamp":0})");
    QTest::newRow("spaced everywhere") << QByteArray(
        " \t{ \"key\" : \"../my dir/a.py-f\" ,\n\"execution_time\" :\r\n1e-3 , \"timestamp\" : -5 }\n");
    QTest::newRow("pretty printed") << QByteArray(
        "{\n  \"key\": \"k\",\n  \"execution_time\": 1,\n  \"timestamp\": 1\n}");
    QTest::newRow("empty token") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": ""})");

    QTest::newRow("key: escaped slash") << withKey(R"(\/srv\/app\/views.py-f)");
    QTest::newRow("key: latin escapes") << withKey(R"(/srv/caf\u00e9/\u00FCber.py-f)");
    QTest::newRow("key: cjk escapes") << withKey(R"(/srv/\u65e5\u672c.py-f)");
    QTest::newRow("key: surrogate pair") << withKey(R"(emoji-\ud83d\ude80)");
    QTest::newRow("key: highest code point") << withKey(R"(\udbff\udfff)");
    QTest::newRow("key: control escapes") << withKey(R"(a\nb\tc\rd\be\ff)");
    QTest::newRow("key: quote and backslash") << withKey(R"(a\"b\\c)");
    QTest::newRow("key: escaped nul") << withKey(R"(a\u0000b)");
    QTest::newRow("key: escaped noncharacter") << withKey(R"(\uffff)");
    QTest::newRow("key: raw utf-8") << withKey("/srv/caf\xc3\xa9/\xe6\x97\xa5.py-\xf0\x9f\x9a\x80");
    QTest::newRow("key: raw noncharacter") << withKey("\xef\xbf\xbf");
    QTest::newRow("key: raw delete") << withKey("a\x7f");
    QTest::newRow("key: 1024 bytes") << withKey(QByteArray(1024, 'a'));
    QTest::newRow("key: 512 escaped two-byte characters") << withKey(QByteArray(512, 'x').replace("x", "\\u00e9"));
    QTest::newRow("token: escapes and utf-8")
        << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": "t\u00e9\/)"
                      "\xe6\x97\xa5\"}");

    QTest::newRow("24 significant digits") << withNumber("1.23456789012345678901234");
    QTest::newRow("big integers") << withNumber("18446744073709551616");
    QTest::newRow("largest double") << withNumber("1.7976931348623157e308");
    QTest::newRow("smallest normal double") << withNumber("2.2250738585072014e-308");
    QTest::newRow("negative zero") << withNumber("-0");
    QTest::newRow("extra: string") << withExtra(R"("project": "demo")");
    QTest::newRow("extra: string with escapes") << withExtra(R"("path": "a\/b\n\u00e9\ud83d\ude80\"")");
    QTest::newRow("extra: raw utf-8 string") << withExtra("\"city\": \"Z\xc3\xbcrich\"");
    QTest::newRow("extra: integer") << withExtra(R"("version": 3)");
    QTest::newRow("extra: numbers Qt rewrites")
        << withExtra(R"("a": 1.0, "b": 1e2, "c": -0, "d": 0.1, "e": 1.5E-7, "f": 12345678901234567890)");
    QTest::newRow("extra: booleans and null") << withExtra(R"("cached": true, "retry": false, "user": null)");
    QTest::newRow("extra: empty containers") << withExtra(R"("a": [], "o": {})");
    QTest::newRow("extra: array") << withExtra(R"("tags": ["a", "b"])");
    QTest::newRow("extra: nested") << withExtra(R"("meta": {"host": "web-1", "n": [1, {"x": null, "y": [true]}]})");
    QTest::newRow("extra: brackets inside strings") << withExtra(R"("s": "[{\"}]", "t": "}")");
    QTest::newRow("extra: 63 levels deep") << withExtra("\"x\": " + nested(63));
    QTest::newRow("extra: utf-8 name") << withExtra("\"caf\xc3\xa9\": 1");
    QTest::newRow("extra: empty name") << withExtra(R"("": 1)");
    QTest::newRow("extra: names near the known ones") << withExtra(R"("Key": 1, "keys": 2, "token2": 3, "time": 4)");
    QTest::newRow("extra: duplicate names, the last wins") << withExtra(R"("a": 1, "b": 2, "a": 3)");
    QTest::newRow("extra: compact") << QByteArray(R"({"key":"k","execution_time":1,"timestamp":1,"x":[1,{"y":2}]})");
    QTest::newRow("extra: first, middle and last") << QByteArray(
        R"({"a": 1, "key": "k", "b": [2], "execution_time": 1, "c": {"d": 3}, "timestamp": 1, "token": "t", "e": 4})");
    QTest::newRow("extra: numbers only Qt reads")
        << withExtra(R"("a": 1.)"); // a lenient form inside kwargs: QJsonDocument decides, as in the full parser
}

void tst_FastDatagram::accepts()
{
    QFETCH(QByteArray, text);
    const auto full = fullParse(text);
    QVERIFY2(std::holds_alternative<Sample>(full), qPrintable(describe(full)));
    const auto fast = parseSimpleObject(text);
    QVERIFY2(fast.has_value(), text.constData());
    QCOMPARE(difference(*fast, std::get<Sample>(full)), QString());

    StringCache cache;
    for (int pass = 0; pass < 2; ++pass) { // the second pass reads everything from the cache
        const auto cached = parseSimpleObject(text, &cache);
        QVERIFY(cached.has_value());
        QCOMPARE(difference(*cached, std::get<Sample>(full)), QString());
    }
    const auto viaDatagram = parseDatagram(text, &cache);
    QCOMPARE(viaDatagram.samples.size(), 1);
    QCOMPARE(difference(viaDatagram.samples.first(), std::get<Sample>(full)), QString());
}

void tst_FastDatagram::declines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("invalid utf-8 in key") << withKey("\xff");
    QTest::newRow("overlong utf-8") << withKey("\xc0\xaf");
    QTest::newRow("utf-8 encoded surrogate") << withKey("\xed\xa0\x80");
    QTest::newRow("utf-8 above U+10FFFF") << withKey("\xf4\x90\x80\x80");
    QTest::newRow("truncated utf-8") << withKey("a\xe6\x97");
    QTest::newRow("invalid utf-8 in token")
        << QByteArray("{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1, \"token\": \"\xc3\x28\"}");
    QTest::newRow("invalid utf-8 in an extra") << withExtra("\"p\": \"\xff\"");
    QTest::newRow("invalid utf-8 in an extra name") << withExtra("\"\xfe\": 1");
    QTest::newRow("lone high surrogate") << withKey(R"(a\ud800)");
    QTest::newRow("lone low surrogate") << withKey(R"(\udc00)");
    QTest::newRow("reversed surrogates") << withKey(R"(\ude80\ud83d)");
    QTest::newRow("high surrogate then letter") << withKey(R"(\ud800\u0041)");
    QTest::newRow("lenient escape \\x") << withKey(R"(\x41)");
    QTest::newRow("lenient escape \\'") << withKey(R"(it\'s)");
    QTest::newRow("short unicode escape") << withKey(R"(\u00e)");
    QTest::newRow("bad hex digit") << withKey(R"(\u12g4)");
    QTest::newRow("raw control character") << withKey("a\tb");
    QTest::newRow("escaped member name") << QByteArray(R"({"k\u0065y": "k", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("escaped extra name") << withExtra(R"("\u0078": 1)");
    QTest::newRow("duplicate key") << QByteArray(R"({"key": "a", "key": "b", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("duplicate token") << withExtra(R"("token": "u")");
    QTest::newRow("duplicate timestamp") << withExtra(R"("timestamp": 2)");
    QTest::newRow("64 levels deep") << withExtra("\"x\": " + nested(64));
    QTest::newRow("5,000 levels deep") << withExtra("\"x\": " + nested(5000));
    QTest::newRow("invalid extra: missing comma") << withExtra(R"("x": [1 2])");
    QTest::newRow("invalid extra: bad literal") << withExtra(R"("x": tru)");
    QTest::newRow("invalid extra: missing colon") << withExtra(R"("x": {"a" 1})");
    QTest::newRow("invalid extra: NaN") << withExtra(R"("x": NaN)");
    QTest::newRow("invalid extra: unterminated") << withExtra(R"("x": "abc)");
    QTest::newRow("underflow") << withNumber("1e-400");
    QTest::newRow("subnormal") << withNumber("5e-324");
    QTest::newRow("overflow") << withNumber("1e999");
    QTest::newRow("largest double plus") << withNumber("1.7976931348623159e308");
    QTest::newRow("longer than 64 characters") << withNumber("1." + QByteArray(70, '1'));
    QTest::newRow("trailing dot") << withNumber("1.");
    QTest::newRow("leading dot") << withNumber(".5");
    QTest::newRow("leading zero") << withNumber("01");
    QTest::newRow("leading plus") << withNumber("+1");
    QTest::newRow("lone minus") << withNumber("-");
    QTest::newRow("bare exponent") << withNumber("1e");
    QTest::newRow("hex") << withNumber("0x10");
    QTest::newRow("NaN") << withNumber("NaN");
    QTest::newRow("Infinity") << withNumber("Infinity");
    QTest::newRow("string number") << QByteArray(R"({"key": "k", "execution_time": "1", "timestamp": 1})");
    QTest::newRow("negative time") << QByteArray(R"({"key": "k", "execution_time": -1, "timestamp": 1})");
    QTest::newRow("key number") << QByteArray(R"({"key": 7, "execution_time": 1, "timestamp": 1})");
    QTest::newRow("token null") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": null})");
    QTest::newRow("empty key") << QByteArray(R"({"key": "", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("key too long") << withKey(QByteArray(1025, 'a'));
    QTest::newRow("key too long in utf-8") << withKey(QByteArray(513, 'x').replace("x", "\\u00e9"));
    QTest::newRow("missing key") << QByteArray(R"({"execution_time": 1, "timestamp": 1})");
    QTest::newRow("missing timestamp") << QByteArray(R"({"key": "k", "execution_time": 1})");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("trailing comma") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1,})");
    QTest::newRow("trailing garbage") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1} x)");
    QTest::newRow("vertical tab after") << QByteArray("{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1}\v");
    QTest::newRow("byte order mark") << QByteArray(
        "\xef\xbb\xbf{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1}");
    QTest::newRow("two objects") << QByteArray(
        R"({"key": "k", "execution_time": 1, "timestamp": 1}{"key": "k", "execution_time": 1, "timestamp": 1})");
    QTest::newRow("unterminated") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1)");
    QTest::newRow("unterminated string") << QByteArray(R"({"key": "k)");
    QTest::newRow("array") << QByteArray(R"([{"key": "k", "execution_time": 1, "timestamp": 1}])");
    QTest::newRow("number") << QByteArray("42");
    QTest::newRow("empty") << QByteArray();
}

void tst_FastDatagram::declines()
{
    QFETCH(QByteArray, text);
    QVERIFY(!parseSimpleObject(text).has_value());
    StringCache cache;
    QVERIFY(!parseSimpleObject(text, &cache).has_value());
    QVERIFY(!parseSimpleObject(text, &cache).has_value()); // nothing about it was remembered as valid

    // What the datagram then gets is the full parser's verdict, unchanged.
    const auto parsed = parseDatagram(text, &cache);
    if (text.trimmed().isEmpty())
        return;
    const auto full = fullParse(text);
    if (const auto* sample = std::get_if<Sample>(&full)) {
        QCOMPARE(parsed.samples.size(), 1);
        QCOMPARE(difference(parsed.samples.first(), *sample), QString());
    } else {
        QCOMPARE(parsed.rejections.size(), 1);
        QCOMPARE(
            rejectReasonName(parsed.rejections.first().reason), rejectReasonName(std::get<Rejection>(full).reason));
        QCOMPARE(parsed.rejections.first().detail, std::get<Rejection>(full).detail);
    }
}

void tst_FastDatagram::readsTheValuesItShould_data()
{
    // Agreement alone would pass if both parsers were wrong alike; these are the values themselves.
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("executionTime");
    QTest::addColumn<QByteArray>("extra");
    QTest::newRow("escapes") << withKey(R"(\/caf\u00e9-\ud83d\ude80\n)")
                             << QString::fromUtf8("/caf\xc3\xa9-\xf0\x9f\x9a\x80\n") << 1.0 << QByteArray();
    QTest::newRow("negative zero reads as zero") << withNumber("-0.0") << QStringLiteral("k") << 0.0 << QByteArray();
    QTest::newRow("17 digits") << withNumber("10.226964950561523") << QStringLiteral("k") << 10.226964950561523
                               << QByteArray();
    QTest::newRow("extras sorted and compact")
        << withExtra(R"("tags": ["a", "b"], "project": "demo", "ratio": 0.5, "n": 1.0)") << QStringLiteral("k.py-f")
        << 1.5 << QByteArray(R"({"n":1,"project":"demo","ratio":0.5,"tags":["a","b"]})");
}

void tst_FastDatagram::readsTheValuesItShould()
{
    QFETCH(QByteArray, text);
    QFETCH(double, executionTime);
    StringCache cache;
    const auto sample = parseSimpleObject(text, &cache);
    QVERIFY(sample.has_value());
    QTEST(sample->key, "key");
    QCOMPARE(bitsOf(sample->executionTime), bitsOf(executionTime));
    QTEST(sample->extra, "extra");
}

void tst_FastDatagram::agreesWithTheFullParserOnRandomObjects()
{
    // Whenever the fast path accepts, with or without the cache, the full parser must accept too and read the same
    // sample to the bit; and the fast path must take most of what the full parser accepts, extras and escapes included.
    Test::RandomDatagram generator(2024);
    StringCache cache;
    int fullAccepted = 0;
    int fastAccepted = 0;
    int withExtras = 0;
    int withEscapes = 0;
    for (int round = 0; round < 60000; ++round) {
        const QByteArray text = generator.next();
        const auto full = fullParse(text);
        const auto fast = parseSimpleObject(text);
        const auto cached = parseSimpleObject(text, &cache);
        QVERIFY2(fast.has_value() == cached.has_value(), text.constData());
        fullAccepted += std::holds_alternative<Sample>(full) ? 1 : 0;
        if (!fast)
            continue;
        ++fastAccepted;
        QVERIFY2(std::holds_alternative<Sample>(full),
            qPrintable(describe(full) + QLatin1String(": ") + QString::fromUtf8(text)));
        const QString why = difference(*fast, std::get<Sample>(full)) + difference(*cached, std::get<Sample>(full));
        QVERIFY2(why.isEmpty(), qPrintable(why + QLatin1String(" in ") + QString::fromUtf8(text)));
        withExtras += fast->extra.isEmpty() ? 0 : 1;
        withEscapes += text.contains('\\') ? 1 : 0;
    }
    qInfo("full parser accepted %d, the fast path %d (%d with extras, %d with escapes)", fullAccepted, fastAccepted,
        withExtras, withEscapes);
    QVERIFY(fastAccepted > fullAccepted * 6 / 10);
    QVERIFY(withExtras > 5000);
    QVERIFY(withEscapes > 5000);
}

void tst_FastDatagram::cacheSharesStrings()
{
    StringCache cache;
    const QByteArray first = withExtra(R"("project": "demo", "tags": ["a"])");
    const auto a = parseSimpleObject(first, &cache);
    const auto b = parseSimpleObject(QByteArray(first).replace("1.5", "2.5"), &cache);
    QVERIFY(a && b);
    QCOMPARE(a->key, b->key);
    QVERIFY(a->key.constData() == b->key.constData()); // one shared buffer, not a copy per sample
    QVERIFY(a->token.constData() == b->token.constData());
    QVERIFY(a->extra.constData() == b->extra.constData());
    QCOMPARE(b->executionTime, 2.5);
}

void tst_FastDatagram::cacheAgreesAfterAFloodOfDistinctValues()
{
    // More distinct keys and extras than the cache keeps: it empties itself and goes on giving the right answers.
    StringCache cache;
    for (int i = 0; i < 70000; ++i) {
        const QByteArray text = R"({"key": "k)" + QByteArray::number(i) + R"(", "execution_time": 1, "timestamp": 1, )"
            + R"("n": )" + QByteArray::number(i % 5000) + "}";
        const auto sample = parseSimpleObject(text, &cache);
        QVERIFY(sample.has_value());
        QCOMPARE(sample->key, QStringLiteral("k%1").arg(i));
        QCOMPARE(sample->extra, R"({"n":)" + QByteArray::number(i % 5000) + "}");
    }
}

void tst_FastDatagram::cacheAgreesAfterAFloodOfLongTokens()
{
    // Tokens have no length limit; 600 distinct ones of 60 KB are more bytes than the cache keeps (16 MiB).
    StringCache cache;
    for (int i = 0; i < 600; ++i) {
        const QByteArray token = QByteArray::number(i) + QByteArray(60000, 't');
        const QByteArray text = R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": ")" + token + R"("})";
        const auto sample = parseSimpleObject(text, &cache);
        QVERIFY(sample.has_value());
        QCOMPARE(sample->token, QString::fromLatin1(token));
    }
}

QTEST_GUILESS_MAIN(tst_FastDatagram)
#include "tst_fastdatagram.moc"
