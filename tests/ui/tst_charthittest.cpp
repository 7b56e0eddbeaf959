// SPDX-License-Identifier: MIT
// Hovering as geometry: which call or bucket a pointer position finds, on linear and log axes, without widgets.
#include "charthittest.h"

#include <QtTest>

using namespace Kodemon;

namespace {

const KeyId Fetch { QStringLiteral("shop"), QStringLiteral("/srv/app/views.py-fetch_latest") };

// 600 px across 600 s (1 px per second), 100 px up for 0..100 ms: a pixel is easy to compute by hand.
PlotMapping linearPlot()
{
    return PlotMapping { QRectF(100, 50, 600, 100), 1000, 1600, 0, 100, false, 0.001 };
}

ChartData rawCalls()
{
    ChartSeries series;
    series.id = Fetch;
    series.points = { QPointF(1100, 20), QPointF(1300, 80), QPointF(1305, 10) };
    return ChartData { 1000, 1600, { series }, {} };
}

ChartData buckets()
{
    ChartSeries series;
    series.id = Fetch;
    series.bucketed = true;
    series.origin = 1000;
    series.step = 60;
    series.buckets = { SeriesBucket { 1000, 12, 1, 10, 40, 30 }, SeriesBucket { 1120, 3, 5, 50, 90, 88 } };
    return ChartData { 1000, 1600, { series }, {} };
}

} // namespace

class tst_ChartHitTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mapsBothWays_data();
    void mapsBothWays();
    void logarithmicAxis();
    void nearestRawCall_data();
    void nearestRawCall();
    void bucketColumn_data();
    void bucketColumn();
    void nearerSeriesWins();
    void emptyPlotHitsNothing();
};

void tst_ChartHitTest::mapsBothWays_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("milliseconds");
    QTest::addColumn<QPointF>("pixel");
    QTest::newRow("bottom left") << 1000.0 << 0.0 << QPointF(100, 150);
    QTest::newRow("top right") << 1600.0 << 100.0 << QPointF(700, 50);
    QTest::newRow("middle") << 1300.0 << 50.0 << QPointF(400, 100);
}

void tst_ChartHitTest::mapsBothWays()
{
    QFETCH(double, seconds);
    QFETCH(double, milliseconds);
    QFETCH(QPointF, pixel);
    const PlotMapping mapping = linearPlot();
    QCOMPARE(mapping.toPixel(seconds, milliseconds), pixel);
    QCOMPARE(mapping.timeAt(pixel.x()), seconds);
}

void tst_ChartHitTest::logarithmicAxis()
{
    PlotMapping mapping { QRectF(0, 0, 100, 300), 0, 100, 0.1, 100, true, 0.1 };
    QCOMPARE(mapping.toPixel(0, 100).y(), 0.0); // top
    QCOMPARE(mapping.toPixel(0, 0.1).y(), 300.0); // bottom
    QCOMPARE(mapping.toPixel(0, 1).y(), 200.0); // one decade of three up
    QCOMPARE(mapping.toPixel(0, 0).y(), 300.0); // a zero lies on the floor, not at minus infinity
}

void tst_ChartHitTest::nearestRawCall_data()
{
    QTest::addColumn<QPointF>("position");
    QTest::addColumn<bool>("hit");
    QTest::addColumn<QPointF>("anchor");
    QTest::addColumn<QString>("value"); // what the callout says of the call
    QTest::newRow("on a call") << QPointF(200, 130) << true << QPointF(200, 130) << "20.0 ms";
    QTest::newRow("within reach") << QPointF(208, 136) << true << QPointF(200, 130) << "20.0 ms";
    QTest::newRow("out of reach") << QPointF(220, 130) << false << QPointF() << "";
    QTest::newRow("the nearer of two") << QPointF(404, 135) << true << QPointF(405, 140) << "10.0 ms";
    QTest::newRow("above them") << QPointF(402, 72) << true << QPointF(400, 70) << "80.0 ms";
}

void tst_ChartHitTest::nearestRawCall()
{
    QFETCH(QPointF, position);
    QFETCH(bool, hit);
    QFETCH(QPointF, anchor);
    QFETCH(QString, value);
    const HoverHit found = hitTest(rawCalls(), linearPlot(), position);
    QCOMPARE(found.isHit(), hit);
    if (!hit)
        return;
    QCOMPARE(found.series, 0);
    QCOMPARE(found.anchor, anchor);
    QVERIFY2(found.text.contains(value), qPrintable(found.text));
    QVERIFY(found.text.contains(QStringLiteral("views.py-fetch_latest")));
}

void tst_ChartHitTest::bucketColumn_data()
{
    QTest::addColumn<QPointF>("position");
    QTest::addColumn<bool>("hit");
    QTest::addColumn<QString>("calls");
    QTest::newRow("on the mean") << QPointF(130, 140) << true << "12 calls";
    QTest::newRow("high in the column") << QPointF(150, 100) << true << "12 calls"; // 40 px away: 10 after /4
    QTest::newRow("the second bucket") << QPointF(250, 100) << true << "3 calls";
    QTest::newRow("a gap between buckets") << QPointF(200, 140) << false << "";
    QTest::newRow("far above the mean") << QPointF(130, 60) << false << ""; // 80 px: 20 after /4
}

void tst_ChartHitTest::bucketColumn()
{
    QFETCH(QPointF, position);
    QFETCH(bool, hit);
    QFETCH(QString, calls);
    const HoverHit found = hitTest(buckets(), linearPlot(), position);
    QCOMPARE(found.isHit(), hit);
    if (hit)
        QVERIFY2(found.text.contains(calls), qPrintable(found.text));
}

void tst_ChartHitTest::nearerSeriesWins()
{
    ChartData data = rawCalls();
    ChartSeries other;
    other.id = KeyId { QStringLiteral("shop"), QStringLiteral("/srv/app/views.py-checkout") };
    other.points = { QPointF(1100, 25) }; // 5 px above the first series' call at (200, 130)
    data.series.append(other);
    QCOMPARE(hitTest(data, linearPlot(), QPointF(200, 126)).series, 1);
    QCOMPARE(hitTest(data, linearPlot(), QPointF(200, 129)).series, 0);
}

void tst_ChartHitTest::emptyPlotHitsNothing()
{
    PlotMapping mapping = linearPlot();
    mapping.plot = QRectF();
    QVERIFY(!hitTest(rawCalls(), mapping, QPointF(200, 130)).isHit());
    QVERIFY(!hitTest(ChartData {}, linearPlot(), QPointF(200, 130)).isHit());
}

QTEST_MAIN(tst_ChartHitTest)
#include "tst_charthittest.moc"
