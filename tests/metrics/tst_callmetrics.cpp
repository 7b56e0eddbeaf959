// SPDX-License-Identifier: MIT
// The /metrics registry: which bucket a call lands in (the bounds are inclusive), sums, failed calls, token scopes,
// and the bound on the number of functions.
#include "metrics/callmetrics.h"

#include <QtTest>

using namespace Kodemon;

class tst_CallMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void buckets_data();
    void buckets();
    void countsSumsAndFailures();
    void scopes();
    void boundedNumberOfFunctions();
};

namespace {

Sample call(const char* key, double ms, const char* token = "t", QByteArray extra = {})
{
    Sample s;
    s.key = QString::fromUtf8(key);
    s.token = QString::fromUtf8(token);
    s.executionTime = ms;
    s.extra = std::move(extra);
    return s;
}

} // namespace

void tst_CallMetrics::buckets_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<qsizetype>("bucket");
    QTest::newRow("zero") << 0.0 << qsizetype(0);
    QTest::newRow("0.1 ms is le 0.0001") << 0.1 << qsizetype(0);
    QTest::newRow("just above 0.1 ms") << 0.1000001 << qsizetype(1);
    QTest::newRow("1 ms") << 1.0 << qsizetype(3);
    QTest::newRow("31.9 ms") << 31.9 << qsizetype(8);
    QTest::newRow("1 s") << 1000.0 << qsizetype(12);
    QTest::newRow("60 s") << 60000.0 << qsizetype(17);
    QTest::newRow("over a minute") << 60000.5 << qsizetype(18);
    QTest::newRow("an hour") << 3.6e6 << qsizetype(18);
}

void tst_CallMetrics::buckets()
{
    QFETCH(double, ms);
    QFETCH(qsizetype, bucket);
    QCOMPARE(CallMetrics::bucketOf(ms), bucket);
}

void tst_CallMetrics::countsSumsAndFailures()
{
    CallMetrics metrics;
    metrics.record({ call("a", 1), call("a", 2, "t", R"({"error":"ValueError"})"), call("b", 5000),
        call("a", 3, "t", R"({"error":false})"), call("a", 4, "t", R"({"error":null,"x":1})") });
    metrics.record({ call("a", 10, "t", R"({"error":true})") });
    const auto series = metrics.series();
    QCOMPARE(series.size(), 2);
    QCOMPARE(series[0].id.key, QStringLiteral("a"));
    QCOMPARE(series[0].count, 5u);
    QCOMPARE(series[0].sumSeconds, 0.02);
    QCOMPARE(series[0].failed, 2u);
    QCOMPARE(series[0].buckets[3], 1u); // 1 ms
    QCOMPARE(series[0].buckets[4], 1u); // 2 ms (le 2.5 ms)
    QCOMPARE(series[0].buckets[5], 2u); // 3 and 4 ms (le 5 ms)
    QCOMPARE(series[1].count, 1u);
    QCOMPARE(series[1].buckets[CallMetrics::bucketOf(5000)], 1u);
}

void tst_CallMetrics::scopes()
{
    CallMetrics metrics;
    metrics.record({ call("a", 1, "shop"), call("a", 1, "blog"), call("b", 1, "shop") });
    QCOMPARE(metrics.series().size(), 3);
    const auto shop = metrics.series(QStringList { QStringLiteral("shop") });
    QCOMPARE(shop.size(), 2);
    QVERIFY(std::all_of(shop.begin(), shop.end(), [](const auto& s) { return s.id.token == u"shop"; }));
    QCOMPARE(metrics.series(QStringList {}).size(), 0);
}

void tst_CallMetrics::boundedNumberOfFunctions()
{
    CallMetrics metrics;
    QList<Sample> calls;
    for (int i = 0; i < CallMetrics::MaxSeries + 500; ++i)
        calls.append(call(qPrintable(QStringLiteral("f%1").arg(i)), 1));
    metrics.record(calls);
    metrics.record({ call("f0", 2), call("f2100", 2) });
    QCOMPARE(metrics.series().size(), CallMetrics::MaxSeries);
    QCOMPARE(metrics.series()[0].count, 2u); // tracked functions keep counting
    QCOMPARE(metrics.omittedSeries(), 500);
    QCOMPARE(metrics.omittedCalls(), 501);
}

QTEST_GUILESS_MAIN(tst_CallMetrics)
#include "tst_callmetrics.moc"
