// SPDX-License-Identifier: MIT
// parseDatagram() against every quirk of the decorator's wire format and every reason to reject.
#include "ingest/datagram.h"
#include "testdata.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

Q_DECLARE_METATYPE(Kodemon::RejectReason)

class tst_Datagram : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validObject_data();
    void validObject();
    void rejected_data();
    void rejected();
    void capturedDecoratorDatagrams();
    void batchesSplitOnNewlines();
    void prettyPrintedObjectIsOneSample();
    void badLineDoesNotStopItsNeighbours();
    void keyLengthLimitIsInUtf8Bytes();
    void tooLargeDatagram();
};

void tst_Datagram::validObject_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("token");
    QTest::addColumn<double>("executionTime");
    QTest::addColumn<double>("timestamp");
    QTest::addColumn<QByteArray>("extra"); // compact JSON, keys sorted, empty when none

    const QString views = QStringLiteral("/srv/app/views.py-fetch_latest");
    QTest::newRow("brief example") << QByteArray(
        R"({"key": "/srv/app/views.py-fetch_latest", "execution_time": 31.9, "timestamp": 1413404125, "token": "test-token"})")
                                   << views << "test-token" << 31.9 << 1413404125.0 << QByteArray();
    QTest::newRow("compact separators") << QByteArray(
        R"({"key":"/srv/app/views.py-fetch_latest","execution_time":31.9,"timestamp":1413404125,"token":"t"})")
                                        << views << "t" << 31.9 << 1413404125.0 << QByteArray();
    QTest::newRow("python2 field order") << QByteArray(
        R"({"execution_time": 10.2, "timestamp": 1795608118, "token": "test-token", "key": "emit.py-with_parens"})")
                                         << "emit.py-with_parens"
                                         << "test-token" << 10.2 << 1795608118.0 << QByteArray();
    QTest::newRow("token first") << QByteArray(R"({"token": "x", "timestamp": 5, "execution_time": 1, "key": "k"})")
                                 << "k"
                                 << "x" << 1.0 << 5.0 << QByteArray();
    QTest::newRow("no token") << QByteArray(R"({"key": "k", "execution_time": 1.5, "timestamp": 10})") << "k"
                              << "" << 1.5 << 10.0 << QByteArray();
    QTest::newRow("empty token") << QByteArray(R"({"key": "k", "execution_time": 1.5, "timestamp": 10, "token": ""})")
                                 << "k"
                                 << "" << 1.5 << 10.0 << QByteArray();
    QTest::newRow("relative key with ..") << QByteArray(
        R"({"key": "../emit.py-plain", "execution_time": 0.00095367431640625, "timestamp": 1795608119, "token": "test-token"})")
                                          << "../emit.py-plain"
                                          << "test-token" << 0.00095367431640625 << 1795608119.0 << QByteArray();
    QTest::newRow("deep path key") << QByteArray(
        R"({"key": "/srv/app/emitpkg/deep/nested/work.py-nested_job", "execution_time": 2.7, "timestamp": 1, "token": "t"})")
                                   << "/srv/app/emitpkg/deep/nested/work.py-nested_job"
                                   << "t" << 2.7 << 1.0 << QByteArray();
    QTest::newRow("key with spaces") << QByteArray(
        R"({"key": "/home/me/My Projects/app.py-run job", "execution_time": 1, "timestamp": 1, "token": "t"})")
                                     << "/home/me/My Projects/app.py-run job"
                                     << "t" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("unicode escapes in key") << QByteArray(
        R"({"key": "/srv/caf\u00e9/\u65e5\u672c.py-f\u00fcr", "execution_time": 1, "timestamp": 1, "token": "t"})")
                                            << QString::fromUtf8("/srv/café/日本.py-für") << "t" << 1.0 << 1.0
                                            << QByteArray();
    QTest::newRow("raw utf-8 in key") << QByteArray(
        "{\"key\": \"/srv/caf\xc3\xa9.py-f\", \"execution_time\": 1, \"timestamp\": 1}")
                                      << QString::fromUtf8("/srv/café.py-f") << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("surrogate pair escape")
        << QByteArray(R"({"key": "emoji-\ud83d\ude80", "execution_time": 1, "timestamp": 1})")
        << QString::fromUtf8("emoji-\xF0\x9F\x9A\x80") << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("key with quote and backslash")
        << QByteArray(R"({"key": "a\"b\\c", "execution_time": 1, "timestamp": 1})") << "a\"b\\c"
        << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("key with percent plus hash")
        << QByteArray(R"({"key": "/a%20b+c?d#e-f", "execution_time": 1, "timestamp": 1})") << "/a%20b+c?d#e-f"
        << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("kwargs override key") << QByteArray(
        R"({"token": "test-token", "key": "custom-key", "execution_time": 0.0021457672119140625, "timestamp": 0})")
                                         << "custom-key"
                                         << "test-token" << 0.0021457672119140625 << 0.0 << QByteArray();
    QTest::newRow("timestamp 0") << QByteArray(R"({"key": "k", "execution_time": 3, "timestamp": 0})") << "k"
                                 << "" << 3.0 << 0.0 << QByteArray();
    QTest::newRow("fractional timestamp")
        << QByteArray(R"({"key": "k", "execution_time": 3, "timestamp": 1413404125.25})") << "k"
        << "" << 3.0 << 1413404125.25 << QByteArray();
    QTest::newRow("negative timestamp") << QByteArray(R"({"key": "k", "execution_time": 3, "timestamp": -86400})")
                                        << "k"
                                        << "" << 3.0 << -86400.0 << QByteArray();
    QTest::newRow("execution time 0") << QByteArray(R"({"key": "k", "execution_time": 0, "timestamp": 1})") << "k"
                                      << "" << 0.0 << 1.0 << QByteArray();
    QTest::newRow("exponent execution time")
        << QByteArray(R"({"key": "k", "execution_time": 1.5e-05, "timestamp": 1})") << "k"
        << "" << 1.5e-05 << 1.0 << QByteArray();
    QTest::newRow("huge execution time") << QByteArray(R"({"key": "k", "execution_time": 8.64e7, "timestamp": 1})")
                                         << "k"
                                         << "" << 8.64e7 << 1.0 << QByteArray();
    QTest::newRow("kwargs scalars") << QByteArray(
        R"({"project": "demo", "token": "test-token", "version": 3, "ratio": 0.5, "key": "emit.py-with_kwargs", "execution_time": 0.5, "timestamp": 1795608118})")
                                    << "emit.py-with_kwargs"
                                    << "test-token" << 0.5 << 1795608118.0
                                    << QByteArray(R"({"project":"demo","ratio":0.5,"version":3})");
    QTest::newRow("kwargs array") << QByteArray(
        R"({"key": "k", "execution_time": 1, "timestamp": 1, "tags": ["a", "b"]})")
                                  << "k"
                                  << "" << 1.0 << 1.0 << QByteArray(R"({"tags":["a","b"]})");
    QTest::newRow("kwargs nested object")
        << QByteArray(
               R"({"key": "k", "execution_time": 1, "timestamp": 1, "meta": {"host": "web-1", "n": [1, {"x": null}]}})")
        << "k"
        << "" << 1.0 << 1.0 << QByteArray(R"({"meta":{"host":"web-1","n":[1,{"x":null}]}})");
    QTest::newRow("kwargs nested 63 deep")
        << QByteArray("{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1, \"x\": " + QByteArray(63, '[')
               + QByteArray(63, ']') + "}")
        << "k"
        << "" << 1.0 << 1.0 << QByteArray("{\"x\":" + QByteArray(63, '[') + QByteArray(63, ']') + "}");
    QTest::newRow("brackets inside strings do not nest")
        << QByteArray("{\"key\": \"" + QByteArray(100, '[') + "\", \"execution_time\": 1, \"timestamp\": 1}")
        << QString(100, u'[') << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("kwargs bool and null")
        << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "cached": true, "user": null})") << "k"
        << "" << 1.0 << 1.0 << QByteArray(R"({"cached":true,"user":null})");
    QTest::newRow("kwargs component") << QByteArray(
        R"({"execution_time": 0.00095367431640625, "timestamp": 1795608118, "token": "test-token", "component": "worker", "key": "/srv/app/emitpkg/deep/nested/work.py-run"})")
                                      << "/srv/app/emitpkg/deep/nested/work.py-run"
                                      << "test-token" << 0.00095367431640625 << 1795608118.0
                                      << QByteArray(R"({"component":"worker"})");
    QTest::newRow("leading and trailing whitespace")
        << QByteArray(" \t{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1}\r\n") << "k"
        << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("duplicate member: last wins")
        << QByteArray(R"({"key": "first", "key": "second", "execution_time": 1, "timestamp": 1})") << "second"
        << "" << 1.0 << 1.0 << QByteArray();
    QTest::newRow("key at the byte limit")
        << QByteArray("{\"key\": \"" + QByteArray(1024, 'a') + "\", \"execution_time\": 1, \"timestamp\": 1}")
        << QString(1024, u'a') << "" << 1.0 << 1.0 << QByteArray();
}

void tst_Datagram::validObject()
{
    QFETCH(QByteArray, datagram);
    const auto parsed = parseDatagram(datagram);
    QVERIFY2(
        parsed.rejections.isEmpty(), parsed.rejections.isEmpty() ? "" : qPrintable(parsed.rejections.first().detail));
    QCOMPARE(parsed.samples.size(), 1);
    const auto& sample = parsed.samples.first();
    QTEST(sample.key, "key");
    QTEST(sample.token, "token");
    QTEST(sample.executionTime, "executionTime");
    QTEST(sample.timestamp, "timestamp");
    QTEST(sample.extra, "extra");
}

void tst_Datagram::rejected_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<RejectReason>("reason");

    QTest::newRow("empty") << QByteArray() << RejectReason::Empty;
    QTest::newRow("whitespace only") << QByteArray(" \n\t ") << RejectReason::Empty;
    QTest::newRow("plain text") << QByteArray("hello") << RejectReason::NotJson;
    QTest::newRow("truncated json") << QByteArray(R"({"key": "k", "execution_ti)") << RejectReason::NotJson;
    QTest::newRow("python repr") << QByteArray("{'key': 'k', 'execution_time': 1, 'timestamp': 1}")
                                 << RejectReason::NotJson;
    QTest::newRow("NaN literal") << QByteArray(R"({"key": "k", "execution_time": NaN, "timestamp": 1})")
                                 << RejectReason::NotJson;
    QTest::newRow("Infinity literal") << QByteArray(R"({"key": "k", "execution_time": Infinity, "timestamp": 1})")
                                      << RejectReason::NotJson;
    QTest::newRow("overflowing number") << QByteArray(R"({"key": "k", "execution_time": 1e999, "timestamp": 1})")
                                        << RejectReason::NotJson;
    QTest::newRow("invalid utf-8") << QByteArray("{\"key\": \"\xff\xfe\", \"execution_time\": 1, \"timestamp\": 1}")
                                   << RejectReason::NotJson;
    QTest::newRow("deep nesting") << QByteArray(QByteArray(5000, '[') + QByteArray(5000, ']')) << RejectReason::NotJson;
    QTest::newRow("kwargs nested 64 deep") << QByteArray(
        "{\"key\": \"k\", \"execution_time\": 1, \"timestamp\": 1, \"x\": " + QByteArray(64, '[') + QByteArray(64, ']')
        + "}") << RejectReason::NotJson;
    QTest::newRow("random bytes") << QByteArray("\x00\x01\x02\x8f\xff{", 6) << RejectReason::NotJson;
    QTest::newRow("array") << QByteArray(R"([{"key": "k", "execution_time": 1, "timestamp": 1}])")
                           << RejectReason::NotObject;
    QTest::newRow("number") << QByteArray("42") << RejectReason::NotObject;
    QTest::newRow("string") << QByteArray(R"("key")") << RejectReason::NotObject;
    QTest::newRow("null") << QByteArray("null") << RejectReason::NotObject;
    QTest::newRow("missing key") << QByteArray(R"({"execution_time": 1, "timestamp": 1})") << RejectReason::MissingKey;
    QTest::newRow("empty object") << QByteArray("{}") << RejectReason::MissingKey;
    QTest::newRow("key is a number") << QByteArray(R"({"key": 7, "execution_time": 1, "timestamp": 1})")
                                     << RejectReason::BadKey;
    QTest::newRow("key is null") << QByteArray(R"({"key": null, "execution_time": 1, "timestamp": 1})")
                                 << RejectReason::BadKey;
    QTest::newRow("key is empty") << QByteArray(R"({"key": "", "execution_time": 1, "timestamp": 1})")
                                  << RejectReason::BadKey;
    QTest::newRow("key too long") << QByteArray(
        "{\"key\": \"" + QByteArray(1025, 'a') + "\", \"execution_time\": 1, \"timestamp\": 1}")
                                  << RejectReason::BadKey;
    QTest::newRow("missing execution_time")
        << QByteArray(R"({"key": "k", "timestamp": 1})") << RejectReason::MissingExecutionTime;
    QTest::newRow("execution_time is a string")
        << QByteArray(R"({"key": "k", "execution_time": "31.9", "timestamp": 1})") << RejectReason::BadExecutionTime;
    QTest::newRow("execution_time is null")
        << QByteArray(R"({"key": "k", "execution_time": null, "timestamp": 1})") << RejectReason::BadExecutionTime;
    QTest::newRow("execution_time is negative")
        << QByteArray(R"({"key": "k", "execution_time": -0.5, "timestamp": 1})") << RejectReason::BadExecutionTime;
    QTest::newRow("execution_time is an array")
        << QByteArray(R"({"key": "k", "execution_time": [1], "timestamp": 1})") << RejectReason::BadExecutionTime;
    QTest::newRow("missing timestamp") << QByteArray(R"({"key": "k", "execution_time": 1})")
                                       << RejectReason::MissingTimestamp;
    QTest::newRow("timestamp is a string")
        << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": "2014-10-15"})") << RejectReason::BadTimestamp;
    QTest::newRow("timestamp is bool") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": true})")
                                       << RejectReason::BadTimestamp;
    QTest::newRow("token is a number") << QByteArray(R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": 5})")
                                       << RejectReason::BadToken;
    QTest::newRow("token is an object") << QByteArray(
        R"({"key": "k", "execution_time": 1, "timestamp": 1, "token": {}})")
                                        << RejectReason::BadToken;
    QTest::newRow("too large") << QByteArray(MaxDatagramBytes + 1, ' ') << RejectReason::TooLarge;
}

void tst_Datagram::rejected()
{
    QFETCH(QByteArray, datagram);
    QFETCH(RejectReason, reason);
    const auto parsed = parseDatagram(datagram);
    QVERIFY(parsed.samples.isEmpty());
    QCOMPARE(parsed.rejections.size(), 1);
    QCOMPARE(rejectReasonName(parsed.rejections.first().reason), rejectReasonName(reason));
    QVERIFY(!parsed.rejections.first().detail.isEmpty());
}

void tst_Datagram::capturedDecoratorDatagrams()
{
    const auto datagrams = Test::decoratorDatagrams();
    QCOMPARE(datagrams.size(), 15);
    for (const auto& datagram : datagrams) {
        const auto parsed = parseDatagram(datagram);
        QVERIFY2(parsed.rejections.isEmpty(), datagram.constData());
        QCOMPARE(parsed.samples.size(), 1);
        const auto original = QJsonDocument::fromJson(datagram).object();
        const auto& sample = parsed.samples.first();
        QCOMPARE(sample.key, original.value(QLatin1String("key")).toString());
        QCOMPARE(sample.executionTime, original.value(QLatin1String("execution_time")).toDouble());
        QCOMPARE(sample.timestamp, original.value(QLatin1String("timestamp")).toDouble());
        QCOMPARE(sample.token, QStringLiteral("test-token"));
        // Every member the decorator's kwargs added survives in extra, unchanged.
        auto extras = original;
        for (const char* known : { "key", "execution_time", "timestamp", "token" })
            extras.remove(QLatin1String(known));
        QCOMPARE(QJsonDocument::fromJson(sample.extra).object(), extras);
    }
}

void tst_Datagram::batchesSplitOnNewlines()
{
    const QByteArray datagram = R"({"key": "a", "execution_time": 1, "timestamp": 1}
{"key": "b", "execution_time": 2, "timestamp": 2}

{"key": "c", "execution_time": 3, "timestamp": 3})";
    const auto parsed = parseDatagram(datagram);
    QCOMPARE(parsed.rejections.size(), 0);
    QCOMPARE(parsed.samples.size(), 3);
    QCOMPARE(parsed.samples.at(2).key, QStringLiteral("c"));
    QCOMPARE(parsed.samples.at(2).executionTime, 3.0);
}

void tst_Datagram::prettyPrintedObjectIsOneSample()
{
    const QByteArray datagram = "{\n  \"key\": \"k\",\n  \"execution_time\": 1,\n  \"timestamp\": 1\n}\n";
    const auto parsed = parseDatagram(datagram);
    QCOMPARE(parsed.rejections.size(), 0);
    QCOMPARE(parsed.samples.size(), 1);

    const QByteArray invalid = "{\n  \"key\": \"k\",\n  \"timestamp\": 1\n}";
    const auto rejected = parseDatagram(invalid);
    QCOMPARE(rejected.rejections.size(), 1);
    QCOMPARE(rejected.rejections.first().reason, RejectReason::MissingExecutionTime);
}

void tst_Datagram::badLineDoesNotStopItsNeighbours()
{
    const QByteArray datagram = R"({"key": "a", "execution_time": 1, "timestamp": 1}
not json at all
{"key": "", "execution_time": 1, "timestamp": 1}
{"key": "d", "execution_time": 4, "timestamp": 4})";
    const auto parsed = parseDatagram(datagram);
    QCOMPARE(parsed.samples.size(), 2);
    QCOMPARE(parsed.samples.at(0).key, QStringLiteral("a"));
    QCOMPARE(parsed.samples.at(1).key, QStringLiteral("d"));
    QCOMPARE(parsed.rejections.size(), 2);
    QCOMPARE(parsed.rejections.at(0).reason, RejectReason::NotJson);
    QCOMPARE(parsed.rejections.at(1).reason, RejectReason::BadKey);
}

void tst_Datagram::keyLengthLimitIsInUtf8Bytes()
{
    // 512 two-byte characters are 1024 bytes: allowed; one more is not.
    const QByteArray fits
        = "{\"key\": \"" + QString(512, QChar(0xe9)).toUtf8() + "\", \"execution_time\": 1, \"timestamp\": 1}";
    QCOMPARE(parseDatagram(fits).samples.size(), 1);
    const QByteArray over
        = "{\"key\": \"" + QString(513, QChar(0xe9)).toUtf8() + "\", \"execution_time\": 1, \"timestamp\": 1}";
    QCOMPARE(parseDatagram(over).rejections.value(0).reason, RejectReason::BadKey);
}

void tst_Datagram::tooLargeDatagram()
{
    // The biggest datagram UDP carries still parses: a large kwargs payload is legal.
    QByteArray big = R"({"key": "k", "execution_time": 1, "timestamp": 1, "blob": ")";
    big += QByteArray(MaxDatagramBytes - big.size() - 2, 'x') + "\"}";
    QCOMPARE(big.size(), MaxDatagramBytes);
    QCOMPARE(parseDatagram(big).samples.size(), 1);
}

QTEST_GUILESS_MAIN(tst_Datagram)
#include "tst_datagram.moc"
