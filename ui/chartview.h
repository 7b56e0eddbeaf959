// SPDX-License-Identifier: MIT
#pragma once

#include "axisticks.h"
#include "chartdata.h"
#include "charthittest.h"
#include "chartmarkers.h"

#include <memory>
#include <QMap>
#include <QChartView>

class QAreaSeries;
class QCategoryAxis;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QLogValueAxis;
class QRubberBand;
class QScatterSeries;
class QValueAxis;

namespace Kodemon {

class HoverCallout;

// Execution time over time for the selected keys: raw calls as points, or a min–max band with the mean line
// when there are more calls than pixels; split by a tag, one line per group. Failed calls can be circled (points)
// or their rate drawn per bucket on a second axis; a baseline is drawn dashed in the colour of its series.
// Drag to pick a range, right-click to go back, hover for values.
class ChartView final : public QChartView
{
    Q_OBJECT
public:
    explicit ChartView(QWidget* parent = nullptr);
    ~ChartView() override;
    Q_DISABLE_COPY_MOVE(ChartView)

    // Shows `data` (series are rebuilt only when keys or modes changed; points always via replace()).
    void setData(const ChartData& data);
    const ChartData& data() const { return m_data; }
    // A centred note shown while nothing is drawn ("Select a function…", "No calls in this range").
    void setMessage(const QString& message);
    QString message() const;
    // Pixels across the plot: the most raw points worth drawing.
    int plotWidth() const;
    // What the hover callout says now; empty when it is hidden.
    QString hoverText() const;
    // x: epoch seconds, labelled at round local times.
    QCategoryAxis* timeAxis() const { return m_timeAxis; }
    // y: the linear axis, or the logarithmic one while isLogarithmic().
    QValueAxis* valueAxis() const { return m_valueAxis; }
    QLogValueAxis* logAxis() const { return m_logAxis; }
    // A log scale keeps fast and slow functions (and spikes) readable in one chart.
    void setLogarithmic(bool logarithmic);
    bool isLogarithmic() const { return m_logarithmic; }
    // Failed calls circled in red (points), or the failed share per bucket on a right-hand axis (bands, groups).
    void setShowFailures(bool show);
    bool showsFailures() const { return m_showFailures; }
    // The right-hand axis of error rates (%); in the chart only while an error rate is drawn.
    QValueAxis* rateAxis() const { return m_rateAxis; }

    // Moments to mark with a vertical line (alerts firing and resolving, deploys), periods shaded; each shows while
    // its function does. Each layer is replaced on its own: the alerts do not wipe out the deploys.
    void setMarkers(const QList<ChartMarker>& markers, MarkerLayer layer = MarkerLayer::Alerts);
    QList<ChartMarker> visibleMarkers() const;

    static QColor colorFor(int index);
    // The colour series `index` of the shown data is drawn in (a group's colour when split by a tag).
    QColor colorOf(int index) const;
    // Where values land on the plot now, for hovering and drag-zoom.
    PlotMapping mapping() const;

Q_SIGNALS:
    void zoomRequested(double from, double to); // epoch seconds
    void zoomOutRequested();

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Drawn
    {
        QScatterSeries* calls = nullptr;
        QScatterSeries* failures = nullptr; // raw: rings around the failed calls
        QLineSeries* upper = nullptr;
        QLineSeries* lower = nullptr;
        QAreaSeries* band = nullptr;
        QLineSeries* mean = nullptr;
        QLineSeries* errorRate = nullptr; // one of several bucketed functions: failed % per bin, right axis
        QLineSeries* baseline = nullptr; // dashed
    };
    void setUpChart();
    bool sameShape(const ChartData& data) const;
    void rebuild();
    Drawn addSeries(int index);
    void addBaseline(Drawn& drawn, int index);
    void addFailures(Drawn& drawn, int index);
    void attach(QAbstractSeries* series, bool rate = false);
    void fill(const Drawn& drawn, int index);
    bool rateAsArea() const;
    void addRateArea();
    double rateBinSeconds() const;
    void fillRates();
    void showRateAxis(bool show);
    void updateAxes();
    void updateLogAxis(double peak);
    QAbstractAxis* yAxis() const;
    double drawnValue(double milliseconds) const;
    void updateTimeTicks();
    static bool sameTicks(const QList<AxisTicks::TimeTick>& a, const QList<AxisTicks::TimeTick>& b);
    void updateTitle();
    void updateHover(const QPointF& position);
    void placeMessage();

    ChartData m_data;
    QList<Drawn> m_drawn;
    QCategoryAxis* m_timeAxis = nullptr;
    QList<AxisTicks::TimeTick> m_ticks; // what the time axis shows now
    QValueAxis* m_valueAxis = nullptr;
    QLogValueAxis* m_logAxis = nullptr;
    QValueAxis* m_rateAxis = nullptr;
    QAreaSeries* m_rateArea = nullptr; // one function (or its groups together): the failed % as an area
    QLineSeries* m_rateLine = nullptr; // the area's upper edge
    bool m_showFailures = false;
    bool m_logarithmic = false;
    double m_floor = 0.001; // the log axis' bottom; smaller values (zeros) are drawn on it
    QGraphicsSimpleTextItem* m_message = nullptr;
    HoverCallout* m_callout = nullptr;
    QRubberBand* m_rubberBand = nullptr;
    std::optional<double> m_dragStart; // x pixel where a left drag began
    std::unique_ptr<ChartMarkers> m_markers;
    QMap<MarkerLayer, QList<ChartMarker>> m_markerLayers;
    void placeMarkers();
};

} // namespace Kodemon
