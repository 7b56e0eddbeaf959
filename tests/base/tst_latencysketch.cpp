// SPDX-License-Identifier: MIT
// The mergeable histogram behind summaries: every quantile within 1% of the exact nearest-rank value on the
// shapes execution times take, merging is the sketch of the union, subtracting takes calls back out, and the
// binary form round-trips and refuses damaged bytes.
#include "base/callsummary.h"
#include "base/latencysketch.h"
#include "base/stats.h"

#include <cmath>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_LatencySketch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void quantilesWithinOnePercent_data();
    void quantilesWithinOnePercent();
    void mergeIsTheSketchOfTheUnion();
    void mergingEncodedBytesIsMergingTheSketch();
    void subtractTakesCallsBack();
    void encodingRoundTrips();
    void damagedBytesAreRefused_data();
    void damagedBytesAreRefused();
    void summaryStatistics();
    void aChunkOfCallsTakesAFewHundredBytes();
};

namespace {

double normal(QRandomGenerator& random)
{
    const double u1 = 1 - random.generateDouble();
    const double u2 = random.generateDouble();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

QList<double> shape(const QString& name, int n, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<double> values;
    for (int i = 0; i < n; ++i) {
        if (name == u"lognormal")
            values.append(10 * std::exp(normal(random)));
        else if (name == u"bimodal") // a cache: fast hits, slow misses
            values.append(random.bounded(10) < 8 ? 0.2 * std::exp(0.3 * normal(random)) : 40 * std::exp(0.2 * normal(random)));
        else if (name == u"constant")
            values.append(31.9);
        else if (name == u"with zeros")
            values.append(i % 5 == 0 ? 0.0 : 1e-3 * std::exp(3 * normal(random)));
        else // "wide": microseconds to minutes
            values.append(std::pow(10.0, random.generateDouble() * 8 - 3));
    }
    return values;
}

} // namespace

void tst_LatencySketch::quantilesWithinOnePercent_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("count");
    for (const char* name : { "lognormal", "bimodal", "constant", "with zeros", "wide" }) {
        QTest::addRow("%s, 1", name) << QString::fromLatin1(name) << 1;
        QTest::addRow("%s, 1,000", name) << QString::fromLatin1(name) << 1000;
        QTest::addRow("%s, 100,000", name) << QString::fromLatin1(name) << 100000;
    }
}

void tst_LatencySketch::quantilesWithinOnePercent()
{
    QFETCH(QString, name);
    QFETCH(int, count);
    QList<double> values = shape(name, count, 11);
    LatencySketch sketch;
    for (const double v : values)
        sketch.add(v);
    QCOMPARE(sketch.count(), count);
    sortValues(values);
    for (const int permille : { 1, 10, 250, 500, 900, 950, 990, 999, 1000 }) {
        const double exact = nearestRank(values, permille);
        const double estimate = sketch.quantile(permille);
        const double bound = exact <= 1e-6 ? 0 : LatencySketch::RelativeAccuracy * exact * (1 + 1e-12);
        QVERIFY2(std::abs(estimate - exact) <= bound,
            qPrintable(QStringLiteral("p%1: %2 vs exact %3").arg(permille / 10.0).arg(estimate, 0, 'g', 17).arg(exact, 0, 'g', 17)));
    }
}

void tst_LatencySketch::mergeIsTheSketchOfTheUnion()
{
    const QList<double> a = shape(QStringLiteral("lognormal"), 5000, 1);
    const QList<double> b = shape(QStringLiteral("wide"), 3000, 2);
    LatencySketch left, right, all;
    for (const double v : a) {
        left.add(v);
        all.add(v);
    }
    for (const double v : b) {
        right.add(v);
        all.add(v);
    }
    left.merge(right);
    QVERIFY(left == all);
    LatencySketch empty;
    empty.merge(all);
    QVERIFY(empty == all);
}

void tst_LatencySketch::mergingEncodedBytesIsMergingTheSketch()
{
    // Readers merge stored sketches from their bytes (LatencySketch::mergeEncoded): into empty sketches, sketches
    // below, above, inside and around the merged one's buckets, and with zero times, the result is merge(decode()).
    const QList<std::pair<const char*, const char*>> pairs = { { "lognormal", "wide" }, { "wide", "lognormal" },
        { "constant", "with zeros" }, { "with zeros", "bimodal" }, { "bimodal", "constant" } };
    for (const auto& [intoShape, storedShape] : pairs) {
        for (const int intoCount : { 0, 1, 700 }) {
            LatencySketch into, stored;
            for (const double v : shape(QString::fromLatin1(intoShape), intoCount, 9))
                into.add(v);
            for (const double v : shape(QString::fromLatin1(storedShape), 900, 10))
                stored.add(v);
            LatencySketch expected = into;
            expected.merge(*LatencySketch::decode(stored.encode()));
            QVERIFY(into.mergeEncoded(stored.encode(), stored.count()));
            QVERIFY2(into == expected, intoShape);
            QCOMPARE(into.count(), intoCount + 900);
            QCOMPARE(into.quantile(950), expected.quantile(950));
            // Bytes whose counts are not the summary's: refused, nothing merged.
            QVERIFY(!into.mergeEncoded(stored.encode(), stored.count() + 1));
            QVERIFY(into == expected);
        }
    }
    LatencySketch empty;
    QVERIFY(empty.mergeEncoded(LatencySketch().encode(), 0));
    QVERIFY(empty.isEmpty());
}

void tst_LatencySketch::subtractTakesCallsBack()
{
    const QList<double> kept = shape(QStringLiteral("bimodal"), 4000, 3);
    const QList<double> gone = shape(QStringLiteral("lognormal"), 2500, 4);
    LatencySketch all, removed, expected;
    for (const double v : kept) {
        all.add(v);
        expected.add(v);
    }
    for (const double v : gone) {
        all.add(v);
        removed.add(v);
    }
    all.subtract(removed);
    QVERIFY(all == expected);
    QCOMPARE(all.count(), 4000);
    all.subtract(expected);
    QVERIFY(all.isEmpty());
    QCOMPARE(all.quantile(500), 0.0);
}

void tst_LatencySketch::encodingRoundTrips()
{
    for (const char* name : { "lognormal", "with zeros", "wide", "constant" }) {
        LatencySketch sketch;
        for (const double v : shape(QString::fromLatin1(name), 3000, 5))
            sketch.add(v);
        const auto back = LatencySketch::decode(sketch.encode());
        QVERIFY(back);
        QVERIFY(*back == sketch);
        QCOMPARE(back->quantile(950), sketch.quantile(950));
    }
    const auto empty = LatencySketch::decode(LatencySketch().encode());
    QVERIFY(empty && empty->isEmpty());
}

void tst_LatencySketch::damagedBytesAreRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    LatencySketch sketch;
    for (const double v : shape(QStringLiteral("lognormal"), 100, 6))
        sketch.add(v);
    const QByteArray good = sketch.encode();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << good.left(good.size() - 1);
    QTest::newRow("trailing byte") << good + '\x01';
    QTest::newRow("huge bucket count") << QByteArray("\x00\x00\xff\xff\xff\xff\x0f", 7);
    QTest::newRow("first bucket out of range") << QByteArray("\x00\xff\xff\x03\x01\x01", 6);
    QTest::newRow("unterminated varint") << QByteArray("\x80\x80\x80", 3);
    // 2^62 zero times and a bucket of 2^62: each allowed, their sum past qint64 (found by fuzz_summaries).
    const QByteArray quarter("\x80\x80\x80\x80\x80\x80\x80\x80\x40", 9);
    QTest::newRow("first bucket at the end of qint64") << QByteArray("\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01\x01", 13);
    QTest::newRow("counts summing past qint64") << quarter + QByteArray("\x00\x01", 2) + quarter;
}

void tst_LatencySketch::damagedBytesAreRefused()
{
    QFETCH(QByteArray, bytes);
    QVERIFY(!LatencySketch::decode(bytes));
    // Merged from the bytes: refused too, and the sketch merged into is left as it was.
    LatencySketch into;
    for (const double v : shape(QStringLiteral("wide"), 50, 8))
        into.add(v);
    const LatencySketch before = into;
    QVERIFY(!into.mergeEncoded(bytes, 100));
    QVERIFY(into == before);
    QCOMPARE(into.count(), 50);
}

void tst_LatencySketch::summaryStatistics()
{
    QList<double> values = shape(QStringLiteral("lognormal"), 20000, 7);
    CallSummary summary;
    for (qsizetype i = 0; i < values.size(); ++i)
        summary.add(values[i], i % 10 == 0);
    const KeyStats exact = computeStats(values);
    const KeyStats fromSummary = summary.stats();
    QVERIFY(!fromSummary.exact);
    QCOMPARE(fromSummary.count, exact.count);
    QCOMPARE(fromSummary.errors, 2000);
    QCOMPARE(fromSummary.min, exact.min); // extremes are exact: spikes survive
    QCOMPARE(fromSummary.max, exact.max);
    QVERIFY(qFuzzyCompare(fromSummary.mean, exact.mean));
    QVERIFY(std::abs(fromSummary.stddev - exact.stddev) < 1e-6 * exact.stddev);
    for (const auto& [got, want] : { std::pair { fromSummary.p50, exact.p50 }, std::pair { fromSummary.p99, exact.p99 },
             std::pair { fromSummary.p999, exact.p999 } })
        QVERIFY2(std::abs(got - want) <= 0.01 * want, qPrintable(QStringLiteral("%1 vs %2").arg(got).arg(want)));
    // A constant series reads back exactly: the estimate is clamped to [min, max].
    CallSummary constant;
    for (int i = 0; i < 100; ++i)
        constant.add(31.9, false);
    QCOMPARE(constant.stats().p95, 31.9);
    QCOMPARE(constant.stats().stddev, 0.0);
}

void tst_LatencySketch::aChunkOfCallsTakesAFewHundredBytes()
{
    LatencySketch sketch;
    for (const double v : shape(QStringLiteral("lognormal"), 1024, 8))
        sketch.add(v);
    const auto size = sketch.encode().size();
    qInfo() << "1,024 lognormal calls (sigma 1):" << size << "bytes";
    QVERIFY2(size < 600, qPrintable(QString::number(size)));
}

QTEST_GUILESS_MAIN(tst_LatencySketch)
#include "tst_latencysketch.moc"
