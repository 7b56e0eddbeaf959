// SPDX-License-Identifier: MIT
// The chart as the user sees it: points or band and mean, axes, legend, hover values, drag-zoom, zoom out.
#include "chartview.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QtTest>
#include <QValueAxis>

using namespace Kodemon;

namespace {

const KeyId Fetch { QStringLiteral("shop"), QStringLiteral("/srv/app/views.py-fetch_latest") };
const KeyId Checkout { QStringLiteral("shop"), QStringLiteral("/srv/app/views.py-checkout") };

ChartData rawData()
{
    ChartSeries series;
    series.id = Fetch;
    for (int i = 0; i < 60; ++i)
        series.points.append(QPointF(1000 + 10 * i, i == 30 ? 95.0 : 10.0 + i % 5));
    return ChartData { 1000, 1600, { series }, {} };
}

ChartData bucketedData()
{
    ChartSeries series;
    series.id = Checkout;
    series.bucketed = true;
    series.origin = 1000;
    series.step = 6;
    for (int i = 0; i < 100; ++i)
        series.buckets.append(SeriesBucket { 1000 + 6.0 * i, 50, 1, 4, i == 70 ? 480.0 : 9.0, 8 });
    return ChartData { 1000, 1600, { series }, {} };
}

// Bucketed groups of Checkout's calls by endpoint: /cart (fast), /home (slow, one spike) and the calls without one.
ChartData groupedData()
{
    ChartData data { 1000, 1600, {}, {} };
    data.groupBy = QStringLiteral("endpoint");
    const std::pair<TagGroup, double> groups[] = { { TagGroup { TagGroup::Kind::Value, QStringLiteral("/cart") }, 5 },
        { TagGroup { TagGroup::Kind::Value, QStringLiteral("/home") }, 40 },
        { TagGroup { TagGroup::Kind::Missing, {} }, 20 } };
    for (const auto& [group, mean] : groups) {
        ChartSeries series { Checkout, group, 100 * 10, true };
        series.origin = 1000;
        series.step = 6;
        for (int i = 0; i < 100; ++i)
            series.buckets.append(
                SeriesBucket { 1000 + 6.0 * i, 10, 1, mean, i == 50 ? 900.0 : mean * 2, mean, i % 10 == 0 ? 1 : 0 });
        data.series.append(series);
    }
    return data;
}

QStringList visibleLegend(ChartView* view)
{
    QTest::qWait(50); // the legend lays its markers out on the next paint
    QStringList visible;
    for (QLegendMarker* marker : view->chart()->legend()->markers()) {
        if (marker->isVisible())
            visible.append(marker->label());
    }
    return visible;
}

template<typename T> QList<T*> seriesOf(ChartView* view, const QString& name = {})
{
    QList<T*> found;
    for (QAbstractSeries* series : view->chart()->series()) {
        if (auto* typed = qobject_cast<T*>(series); typed && (name.isEmpty() || series->name() == name))
            found.append(typed);
    }
    return found;
}

void sendMouse(
    QWidget* widget, QEvent::Type type, const QPointF& position, Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QMouseEvent event(type, position, widget->mapToGlobal(position), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

} // namespace

class tst_ChartView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void rawCallsArePoints();
    void manyCallsAreABandWithAMeanLine();
    void severalKeysOverlayWithALegend();
    void hoverShowsTheValue();
    void dragZoomsIntoTheDraggedRange();
    void rightClickZoomsOut();
    void emptySelectionExplainsItself();
    void sameShapeReplacesPointsWithoutNewSeries();
    void logarithmicScaleKeepsFastAndSlowReadable();
    void groupsAreALineEach();
    void theBaselineIsDashedInItsSeriesColour();
    void failedCallsAreCircled();
    void theErrorRateIsAnAreaOnASecondAxis();
    void severalFunctionsGetARateLineEach();

private:
    QPoint pixelOf(double seconds, double milliseconds) const;

    std::unique_ptr<ChartView> m_view;
};

void tst_ChartView::init()
{
    m_view = std::make_unique<ChartView>();
    m_view->resize(900, 500);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void tst_ChartView::cleanup()
{
    m_view.reset();
}

QPoint tst_ChartView::pixelOf(double seconds, double milliseconds) const
{
    const QList<QAbstractSeries*> series = m_view->chart()->series();
    const QPointF scene = m_view->chart()->mapToPosition(QPointF(seconds, milliseconds), series.first());
    return m_view->mapFromScene(scene);
}

void tst_ChartView::rawCallsArePoints()
{
    m_view->setData(rawData());
    const auto series = m_view->chart()->series();
    QCOMPARE(series.size(), 1);
    auto* scatter = qobject_cast<QScatterSeries*>(series.first());
    QVERIFY(scatter);
    QCOMPARE(scatter->count(), 60);
    QCOMPARE(m_view->timeAxis()->min(), 1000.0);
    QCOMPARE(m_view->timeAxis()->max(), 1600.0);
    QVERIFY(m_view->valueAxis()->max() >= 95.0);
    QVERIFY(m_view->valueAxis()->max() < 150.0);
    QVERIFY(!m_view->timeAxis()->categoriesLabels().isEmpty());
    QVERIFY(m_view->chart()->title().contains(QStringLiteral("every call")));
}

void tst_ChartView::manyCallsAreABandWithAMeanLine()
{
    m_view->setData(bucketedData());
    const auto series = m_view->chart()->series();
    QCOMPARE(series.size(), 2);
    auto* band = qobject_cast<QAreaSeries*>(series.at(0));
    auto* mean = qobject_cast<QLineSeries*>(series.at(1));
    QVERIFY(band);
    QVERIFY(mean);
    QCOMPARE(band->upperSeries()->count(), 100);
    QCOMPARE(band->lowerSeries()->count(), 100);
    QCOMPARE(mean->count(), 100);
    // The spike stays visible: the band's top reaches it and the axis includes it.
    double top = 0;
    for (const QPointF& point : band->upperSeries()->points())
        top = std::max(top, point.y());
    QCOMPARE(top, 480.0);
    QVERIFY(m_view->valueAxis()->max() >= 480.0);
    QVERIFY(m_view->chart()->title().contains(QStringLiteral("min–max band")));
}

void tst_ChartView::severalKeysOverlayWithALegend()
{
    ChartData data = rawData();
    data.series.append(bucketedData().series.first());
    m_view->setData(data);
    QTest::qWait(50); // the legend lays its markers out on the next paint
    QStringList visible;
    for (QLegendMarker* marker : m_view->chart()->legend()->markers()) {
        if (marker->isVisible())
            visible.append(marker->label());
    }
    QCOMPARE(visible,
        (QStringList { QStringLiteral("views.py-fetch_latest · shop"), QStringLiteral("views.py-checkout · shop") }));
    QVERIFY(m_view->chart()->legend()->isVisible());
}

void tst_ChartView::hoverShowsTheValue()
{
    m_view->setData(rawData());
    const QPoint spike = pixelOf(1300, 95);
    sendMouse(m_view->viewport(), QEvent::MouseMove, spike + QPoint(2, 1), Qt::NoButton, Qt::NoButton);
    QVERIFY2(m_view->hoverText().contains(QStringLiteral("95.0 ms")), qPrintable(m_view->hoverText()));
    QVERIFY(m_view->hoverText().contains(QStringLiteral("views.py-fetch_latest")));
    sendMouse(m_view->viewport(), QEvent::MouseMove, pixelOf(1305, 60), Qt::NoButton, Qt::NoButton);
    QCOMPARE(m_view->hoverText(), QString()); // nothing near
}

void tst_ChartView::dragZoomsIntoTheDraggedRange()
{
    m_view->setData(rawData());
    QSignalSpy zoom(m_view.get(), &ChartView::zoomRequested);
    const QPoint start = pixelOf(1100, 50);
    const QPoint end = pixelOf(1400, 50);
    sendMouse(m_view->viewport(), QEvent::MouseButtonPress, start, Qt::LeftButton, Qt::LeftButton);
    sendMouse(m_view->viewport(), QEvent::MouseMove, (start + end) / 2, Qt::NoButton, Qt::LeftButton);
    sendMouse(m_view->viewport(), QEvent::MouseMove, end, Qt::NoButton, Qt::LeftButton);
    sendMouse(m_view->viewport(), QEvent::MouseButtonRelease, end, Qt::LeftButton, Qt::NoButton);
    QCOMPARE(zoom.size(), 1);
    // Within a pixel's worth of time (600 s over ~800 px).
    QVERIFY(std::abs(zoom.at(0).at(0).toDouble() - 1100) < 1.5);
    QVERIFY(std::abs(zoom.at(0).at(1).toDouble() - 1400) < 1.5);

    // A click without dragging is not a zoom.
    sendMouse(m_view->viewport(), QEvent::MouseButtonPress, start, Qt::LeftButton, Qt::LeftButton);
    sendMouse(m_view->viewport(), QEvent::MouseButtonRelease, start + QPoint(2, 0), Qt::LeftButton, Qt::NoButton);
    QCOMPARE(zoom.size(), 1);
}

void tst_ChartView::rightClickZoomsOut()
{
    m_view->setData(rawData());
    QSignalSpy zoomOut(m_view.get(), &ChartView::zoomOutRequested);
    const QPoint middle = pixelOf(1300, 50);
    sendMouse(m_view->viewport(), QEvent::MouseButtonPress, middle, Qt::RightButton, Qt::RightButton);
    sendMouse(m_view->viewport(), QEvent::MouseButtonRelease, middle, Qt::RightButton, Qt::NoButton);
    QCOMPARE(zoomOut.size(), 1);
}

void tst_ChartView::emptySelectionExplainsItself()
{
    m_view->setData(ChartData {});
    m_view->setMessage(QStringLiteral("Select a function"));
    QCOMPARE(m_view->message(), QStringLiteral("Select a function"));
    ChartData empty = rawData();
    empty.series.first().points.clear();
    m_view->setData(empty);
    QCOMPARE(m_view->message(), QStringLiteral("No calls in this time range"));
}

void tst_ChartView::sameShapeReplacesPointsWithoutNewSeries()
{
    m_view->setData(rawData());
    QPointer<QAbstractSeries> before = m_view->chart()->series().first();
    ChartData more = rawData();
    more.series.first().points.append(QPointF(1599, 12));
    m_view->setData(more);
    QVERIFY(before); // not deleted and rebuilt
    QCOMPARE(m_view->chart()->series().first(), before.data());
    QCOMPARE(qobject_cast<QScatterSeries*>(before)->count(), 61);
}

void tst_ChartView::logarithmicScaleKeepsFastAndSlowReadable()
{
    ChartData data = rawData();
    data.series.first().points.append(QPointF(1500, 0)); // a zero-length call must not break a log axis
    m_view->setData(data);
    m_view->setLogarithmic(true);
    auto* axis = qobject_cast<QLogValueAxis*>(m_view->chart()->axes(Qt::Vertical).value(0));
    QVERIFY(axis);
    QCOMPARE(m_view->chart()->axes(Qt::Vertical).size(), 1);
    QCOMPARE(axis->min(), 10.0); // the decade below the fastest call (10 ms)
    QCOMPARE(axis->max(), 100.0); // the decade above the slowest (95 ms)
    auto* scatter = qobject_cast<QScatterSeries*>(m_view->chart()->series().first());
    QCOMPARE(scatter->count(), 61);
    QCOMPARE(scatter->at(60).y(), 10.0); // drawn on the axis' floor
    sendMouse(m_view->viewport(), QEvent::MouseMove, pixelOf(1300, 95), Qt::NoButton, Qt::NoButton);
    QVERIFY2(m_view->hoverText().contains(QStringLiteral("95.0 ms")), qPrintable(m_view->hoverText()));
    m_view->setLogarithmic(false);
    QVERIFY(qobject_cast<QValueAxis*>(m_view->chart()->axes(Qt::Vertical).value(0)));
    QCOMPARE(m_view->chart()->axes(Qt::Vertical).size(), 1);
}

void tst_ChartView::groupsAreALineEach()
{
    m_view->setData(groupedData());
    const auto lines = seriesOf<QLineSeries>(m_view.get());
    QCOMPARE(lines.size(), 3);
    QVERIFY(seriesOf<QAreaSeries>(m_view.get()).isEmpty()); // lines, not eleven bands over each other
    QCOMPARE(visibleLegend(m_view.get()),
        (QStringList { QStringLiteral("/cart (1,000)").replace(u',', QLocale().groupSeparator()),
            QStringLiteral("/home (1,000)").replace(u',', QLocale().groupSeparator()),
            QStringLiteral("(no endpoint) (1,000)").replace(u',', QLocale().groupSeparator()) }));
    QCOMPARE(lines[0]->pen().color(), ChartView::colorFor(0));
    QCOMPARE(lines[1]->pen().color(), ChartView::colorFor(1));
    QVERIFY(lines[2]->pen().color() != ChartView::colorFor(2)); // "without" is grey, not a value's colour
    QCOMPARE(m_view->colorOf(2), lines[2]->pen().color());
    // The axis fits the means drawn, not a spike no line shows.
    QVERIFY(m_view->valueAxis()->max() >= 40 && m_view->valueAxis()->max() < 100);
    QVERIFY(m_view->chart()->title().contains(QStringLiteral("a line per endpoint")));
    QCOMPARE(lines[1]->count(), 100);
    QCOMPARE(lines[1]->at(0).y(), 40.0);
    // Hovering names the group.
    sendMouse(m_view->viewport(), QEvent::MouseMove, pixelOf(1000 + 6 * 20 + 3, 40), Qt::NoButton, Qt::NoButton);
    QVERIFY2(m_view->hoverText().startsWith(QStringLiteral("/home")), qPrintable(m_view->hoverText()));
}

void tst_ChartView::theBaselineIsDashedInItsSeriesColour()
{
    ChartData data = rawData();
    ChartSeries baseline { Fetch, std::nullopt, 0, true };
    baseline.origin = 1000;
    baseline.step = 60;
    for (int i = 0; i < 12; ++i) // the baseline read 120 s past the range, for live steps
        baseline.buckets.append(SeriesBucket { 1000 + 60.0 * i, 6, 8, 20, 30, 25, 0 });
    data.baseline = { baseline };
    data.baselineLabel = QStringLiteral("previous period");
    m_view->setData(data);
    const auto dashed = seriesOf<QLineSeries>(m_view.get());
    QCOMPARE(dashed.size(), 1);
    QCOMPARE(dashed.first()->pen().style(), Qt::DashLine);
    QCOMPARE(dashed.first()->pen().color(), ChartView::colorFor(0));
    QCOMPARE(dashed.first()->count(), 10); // bucket centres inside 1000..1600 only
    QCOMPARE(dashed.first()->at(0), QPointF(1030, 20));
    QVERIFY(visibleLegend(m_view.get()).contains(QStringLiteral("views.py-fetch_latest · shop, previous period")));
    QVERIFY(m_view->chart()->title().contains(QStringLiteral("dashed: previous period")));

    data.baseline.clear();
    data.baselineError = QStringLiteral("a baseline needs a range with a start and an end");
    m_view->setData(data);
    QVERIFY(seriesOf<QLineSeries>(m_view.get()).isEmpty());
    QVERIFY(m_view->chart()->title().contains(QStringLiteral("no baseline: a baseline needs")));
}

void tst_ChartView::failedCallsAreCircled()
{
    ChartData data = rawData();
    data.series.first().failed = { data.series.first().points[10], data.series.first().points[30] };
    m_view->setData(data);
    QVERIFY(seriesOf<QScatterSeries>(m_view.get(), QStringLiteral("failed calls")).isEmpty());
    m_view->setShowFailures(true);
    const auto rings = seriesOf<QScatterSeries>(m_view.get(), QStringLiteral("failed calls"));
    QCOMPARE(rings.size(), 1);
    QCOMPARE(rings.first()->count(), 2);
    QCOMPARE(rings.first()->at(1), QPointF(1300, 95));
    QCOMPARE(rings.first()->brush().style(), Qt::NoBrush);
    QVERIFY(!m_view->chart()->axes(Qt::Vertical).contains(m_view->rateAxis())); // points need no rate
    QVERIFY(visibleLegend(m_view.get()).contains(QStringLiteral("failed calls")));
    sendMouse(m_view->viewport(), QEvent::MouseMove, pixelOf(1300, 95), Qt::NoButton, Qt::NoButton);
    QVERIFY2(m_view->hoverText().contains(QStringLiteral("failed")), qPrintable(m_view->hoverText()));
    m_view->setShowFailures(false);
    QVERIFY(seriesOf<QScatterSeries>(m_view.get(), QStringLiteral("failed calls")).isEmpty());
}

void tst_ChartView::theErrorRateIsAnAreaOnASecondAxis()
{
    ChartData data = bucketedData();
    for (int i = 0; i < data.series.first().buckets.size(); ++i)
        data.series.first().buckets[i].errors = i < 50 ? 1 : 5; // 2% of 50 calls, then 10%
    m_view->setData(data);
    m_view->setShowFailures(true);
    QVERIFY(m_view->chart()->axes(Qt::Vertical).contains(m_view->rateAxis()));
    QCOMPARE(m_view->chart()->axes(Qt::Vertical, nullptr).size(), 2);
    const auto areas = seriesOf<QAreaSeries>(m_view.get(), QStringLiteral("failed %"));
    QCOMPARE(areas.size(), 1);
    QVERIFY(areas.first()->attachedAxes().contains(m_view->rateAxis()));
    double lowest = 100;
    double highest = 0;
    for (const QPointF& point : areas.first()->upperSeries()->points()) {
        lowest = std::min(lowest, point.y());
        highest = std::max(highest, point.y());
    }
    QCOMPARE(lowest, 2.0);
    QCOMPARE(highest, 10.0);
    // The rates keep to the lower part of the plot: the axis reaches well above the highest.
    QVERIFY(m_view->rateAxis()->max() >= 25 && m_view->rateAxis()->max() <= 100);
    m_view->setShowFailures(false);
    QVERIFY(!m_view->chart()->axes(Qt::Vertical).contains(m_view->rateAxis()));
    QVERIFY(seriesOf<QAreaSeries>(m_view.get(), QStringLiteral("failed %")).isEmpty());

    // Split by a tag: one area for all groups together.
    m_view->setShowFailures(true);
    m_view->setData(groupedData());
    QCOMPARE(seriesOf<QAreaSeries>(m_view.get(), QStringLiteral("failed %")).size(), 1);
}

void tst_ChartView::severalFunctionsGetARateLineEach()
{
    ChartData data = bucketedData();
    ChartSeries second = data.series.first();
    second.id = Fetch;
    data.series.append(second);
    m_view->setShowFailures(true);
    m_view->setData(data);
    const auto lines = seriesOf<QLineSeries>(m_view.get(), QStringLiteral("failed %"));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0]->pen().style(), Qt::DotLine);
    QCOMPARE(lines[1]->pen().color(), ChartView::colorFor(1));
    QVERIFY(seriesOf<QAreaSeries>(m_view.get(), QStringLiteral("failed %")).isEmpty());
}

QTEST_MAIN(tst_ChartView)
#include "tst_chartview.moc"
