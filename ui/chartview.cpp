// SPDX-License-Identifier: MIT
#include "chartview.h"

#include "axisticks.h"
#include "charthittest.h"
#include "chartstyle.h"
#include "displayformat.h"
#include "hovercallout.h"

#include <algorithm>
#include <cmath>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QDateTime>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QRubberBand>
#include <QScatterSeries>
#include <QValueAxis>

namespace Kodemon {

namespace {

constexpr int MinDragPixels = 5;

constexpr int SparseLinePoints = 60; // a line with fewer buckets also marks each, so that lone calls show

// Bucket centres, so that a band lines up with the calls it summarizes.
QList<QPointF> bucketLine(const ChartSeries& series, double SeriesBucket::*field)
{
    QList<QPointF> out;
    out.reserve(series.buckets.size());
    for (const auto& bucket : series.buckets)
        out.append(QPointF(bucket.start + series.step / 2, bucket.*field));
    return out;
}

double highestMean(const ChartSeries& series)
{
    double peak = 0;
    for (const auto& bucket : series.buckets)
        peak = std::max(peak, bucket.mean);
    return peak;
}

} // namespace

ChartView::ChartView(QWidget* parent)
    : QChartView(new QChart, parent)
    , m_timeAxis(new QCategoryAxis)
    , m_valueAxis(new QValueAxis)
    , m_logAxis(new QLogValueAxis(this))
    , m_rateAxis(new QValueAxis(this))
    , m_message(new QGraphicsSimpleTextItem)
    , m_callout(new HoverCallout)
    , m_rubberBand(new QRubberBand(QRubberBand::Rectangle, viewport()))
{
    setUpChart();
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setRubberBand(QChartView::NoRubberBand);
    setToolTip(tr("Drag to zoom into a time range · right-click or Ctrl+- to zoom out"));
    m_markers = std::make_unique<ChartMarkers>(chart()->scene());
    connect(chart(), &QChart::plotAreaChanged, this, &ChartView::placeMarkers);
}

ChartView::~ChartView() = default;

void ChartView::setUpChart()
{
    QChart* c = chart();
    c->setMargins(QMargins(4, 4, 12, 4));
    const QFont small = ChartStyle::smallFont(font());
    ChartStyle::apply(c, small);
    c->legend()->setAlignment(Qt::AlignTop);
    c->legend()->setShowToolTips(true);
    for (QAbstractAxis* axis : std::initializer_list<QAbstractAxis*> { m_timeAxis, m_valueAxis, m_logAxis, m_rateAxis })
        ChartStyle::apply(axis, small);
    m_rateAxis->setTitleText(tr("Failed calls (%)"));
    m_rateAxis->setTitleBrush(ChartStyle::failureColor());
    m_rateAxis->setLabelFormat(QStringLiteral("%g"));
    m_rateAxis->setGridLineVisible(false);
    m_rateAxis->setMinorGridLineVisible(false);
    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_valueAxis->setTitleText(tr("Execution time (ms)"));
    m_valueAxis->setLabelFormat(QStringLiteral("%g"));
    m_valueAxis->setMinorTickCount(1);
    m_logAxis->setTitleText(tr("Execution time (ms, log scale)"));
    m_logAxis->setLabelFormat(QStringLiteral("%g"));
    m_logAxis->setBase(10);
    m_logAxis->setMinorTickCount(8);
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_valueAxis, Qt::AlignLeft);
    c->scene()->addItem(m_message);
    c->scene()->addItem(m_callout);
    m_message->setBrush(QColor(0x70, 0x70, 0x70));
}

QColor ChartView::colorFor(int index)
{
    return ChartStyle::seriesColor(index);
}

QColor ChartView::colorOf(int index) const
{
    if (index < 0 || index >= m_data.series.size())
        return colorFor(index);
    const auto& group = m_data.series[index].group;
    if (!group)
        return colorFor(index);
    int values = 0;
    for (int i = 0; i < index; ++i)
        values += m_data.series[i].group && m_data.series[i].group->kind == TagGroup::Kind::Value ? 1 : 0;
    return ChartStyle::groupColor(*group, values);
}

void ChartView::setData(const ChartData& data)
{
    const bool rebuildNeeded = !sameShape(data);
    m_data = data;
    updateAxes(); // first: the log scale's floor decides where zeros are drawn
    if (rebuildNeeded) {
        rebuild();
    } else {
        for (int i = 0; i < m_drawn.size(); ++i)
            fill(m_drawn[i], i);
        fillRates();
    }
    updateTitle();
    m_callout->hide();
    // A new time range re-lays out the axes in a later event, which repainted the whole chart a second time per
    // live step: laid out now, the step paints once.
    chart()->layout()->activate();
    placeMarkers();
}

void ChartView::setMarkers(const QList<ChartMarker>& markers, MarkerLayer layer)
{
    m_markerLayers[layer] = markers;
    QList<ChartMarker> all;
    for (const auto& shown : std::as_const(m_markerLayers))
        all += shown;
    m_markers->setMarkers(all);
    placeMarkers();
}

QList<ChartMarker> ChartView::visibleMarkers() const
{
    return m_markers->visible();
}

void ChartView::placeMarkers()
{
    QList<KeyId> shown;
    for (const auto& series : m_data.series)
        shown.append(series.id);
    m_markers->place(mapping(), shown);
}

bool ChartView::sameShape(const ChartData& data) const
{
    if (data.series.size() != m_data.series.size() || m_drawn.size() != m_data.series.size())
        return false;
    if (data.baseline.size() != m_data.baseline.size() || data.groupBy != m_data.groupBy)
        return false;
    for (int i = 0; i < data.series.size(); ++i) {
        const ChartSeries& a = data.series[i];
        const ChartSeries& b = m_data.series[i];
        if (a.id != b.id || a.bucketed != b.bucketed || !(a.group == b.group))
            return false;
        // A sparse line marks its points: a line that grew past that is drawn anew.
        if (a.group && (a.buckets.size() <= SparseLinePoints) != (b.buckets.size() <= SparseLinePoints))
            return false;
        // The legend counts a group's calls.
        if (a.group && a.groupCalls != b.groupCalls)
            return false;
    }
    return true;
}

void ChartView::rebuild()
{
    chart()->removeAllSeries();
    m_drawn.clear();
    m_rateArea = nullptr;
    m_rateLine = nullptr;
    // The axis first: series attach to it as they are added.
    showRateAxis(m_showFailures
        && std::any_of(
            m_data.series.begin(), m_data.series.end(), [](const ChartSeries& series) { return series.bucketed; }));
    if (rateAsArea())
        addRateArea();
    for (int i = 0; i < m_data.series.size(); ++i) {
        m_drawn.append(addSeries(i));
        fill(m_drawn.last(), i);
    }
    fillRates();
    chart()->legend()->setVisible(!m_data.series.isEmpty());
}

// One chart-wide share of failed calls, as a red area along the bottom: for one function, or its groups together.
// Several functions get a dotted line each in their colour instead.
bool ChartView::rateAsArea() const
{
    if (!chart()->axes(Qt::Vertical).contains(m_rateAxis))
        return false;
    return !m_data.groupBy.isEmpty()
        || std::count_if(m_data.series.begin(), m_data.series.end(), [](const ChartSeries& s) { return s.bucketed; })
        == 1;
}

void ChartView::addRateArea()
{
    m_rateLine = new QLineSeries;
    m_rateArea = new QAreaSeries(m_rateLine);
    m_rateLine->setParent(m_rateArea);
    QColor fill = ChartStyle::failureColor();
    fill.setAlpha(38);
    m_rateArea->setBrush(fill);
    QColor edge = ChartStyle::failureColor();
    edge.setAlpha(150);
    m_rateArea->setPen(QPen(edge, 1));
    m_rateArea->setName(tr("failed %"));
    attach(m_rateArea, true);
}

void ChartView::attach(QAbstractSeries* series, bool rate)
{
    chart()->addSeries(series);
    series->attachAxis(m_timeAxis);
    series->attachAxis(rate ? static_cast<QAbstractAxis*>(m_rateAxis) : yAxis());
}

ChartView::Drawn ChartView::addSeries(int index)
{
    const ChartSeries& series = m_data.series[index];
    const QColor color = colorOf(index);
    const QString name = seriesLabel(m_data, index)
        + (series.group ? QStringLiteral(" (%1)").arg(DisplayFormat::count(series.groupCalls)) : QString());
    Drawn drawn;
    if (series.group) {
        // One line per group: eleven bands on top of each other would hide each other.
        drawn.mean = new QLineSeries;
        drawn.mean->setPen(QPen(color, 1.8));
        drawn.mean->setPointsVisible(series.buckets.size() <= SparseLinePoints);
        drawn.mean->setName(name);
        attach(drawn.mean);
    } else if (!series.bucketed) {
        drawn.calls = new QScatterSeries;
        drawn.calls->setMarkerSize(7);
        drawn.calls->setColor(color);
        drawn.calls->setBorderColor(color.darker(130));
        drawn.calls->setName(name);
        attach(drawn.calls);
    } else {
        drawn.upper = new QLineSeries;
        drawn.lower = new QLineSeries;
        drawn.band = new QAreaSeries(drawn.upper, drawn.lower);
        drawn.upper->setParent(drawn.band); // the area series does not own its lines
        drawn.lower->setParent(drawn.band);
        QColor fill = color;
        fill.setAlpha(70);
        drawn.band->setBrush(fill);
        drawn.band->setPen(QPen(color.lighter(120), 0.8));
        drawn.mean = new QLineSeries;
        drawn.mean->setPen(QPen(color.darker(115), 1.6));
        drawn.mean->setName(name);
        attach(drawn.band);
        attach(drawn.mean);
        for (QLegendMarker* marker : chart()->legend()->markers(drawn.band))
            marker->setVisible(false);
    }
    addBaseline(drawn, index);
    addFailures(drawn, index);
    return drawn;
}

void ChartView::addBaseline(Drawn& drawn, int index)
{
    if (index >= m_data.baseline.size())
        return;
    drawn.baseline = new QLineSeries;
    drawn.baseline->setPen(QPen(colorOf(index), 1.4, Qt::DashLine));
    drawn.baseline->setPointsVisible(m_data.baseline[index].buckets.size() <= SparseLinePoints);
    drawn.baseline->setName(tr("%1, %2").arg(seriesLabel(m_data, index), m_data.baselineLabel));
    attach(drawn.baseline);
    // Split by a tag, the title says what the dashed lines are: a second legend entry per group is too many.
    if (m_data.series[index].group) {
        for (QLegendMarker* marker : chart()->legend()->markers(drawn.baseline))
            marker->setVisible(false);
    }
}

void ChartView::addFailures(Drawn& drawn, int index)
{
    const ChartSeries& series = m_data.series[index];
    if (!m_showFailures || series.group)
        return;
    const bool first = std::none_of(
        m_drawn.begin(), m_drawn.end(), [](const Drawn& other) { return other.failures || other.errorRate; });
    if (!series.bucketed) {
        drawn.failures = new QScatterSeries;
        drawn.failures->setMarkerSize(13);
        drawn.failures->setBrush(Qt::NoBrush);
        drawn.failures->setPen(QPen(ChartStyle::failureColor(), 1.8));
        drawn.failures->setName(tr("failed calls"));
        attach(drawn.failures);
        for (QLegendMarker* marker : chart()->legend()->markers(drawn.failures))
            marker->setVisible(first);
        return;
    }
    if (m_rateArea)
        return;
    drawn.errorRate = new QLineSeries;
    drawn.errorRate->setPen(QPen(colorOf(index), 1.6, Qt::DotLine));
    drawn.errorRate->setName(tr("failed %"));
    attach(drawn.errorRate, true);
    for (QLegendMarker* marker : chart()->legend()->markers(drawn.errorRate))
        marker->setVisible(first && !m_rateArea);
}

void ChartView::fill(const Drawn& drawn, int index)
{
    const ChartSeries& series = m_data.series[index];
    const auto drawable = [this](QList<QPointF> points) {
        for (QPointF& point : points)
            point.setY(drawnValue(point.y()));
        return points;
    };
    if (drawn.calls)
        drawn.calls->replace(drawable(series.points));
    if (drawn.failures)
        drawn.failures->replace(drawable(series.failed));
    if (drawn.band) {
        drawn.upper->replace(drawable(bucketLine(series, &SeriesBucket::max)));
        drawn.lower->replace(drawable(bucketLine(series, &SeriesBucket::min)));
    }
    if (drawn.mean)
        drawn.mean->replace(drawable(bucketLine(series, &SeriesBucket::mean)));
    if (drawn.baseline) {
        QList<QPointF> line = drawable(bucketLine(m_data.baseline[index], &SeriesBucket::mean));
        // Only where the shown range is: the baseline was read a little further, for live steps.
        line.removeIf([this](const QPointF& point) { return point.x() < m_data.from || point.x() > m_data.to; });
        drawn.baseline->replace(line);
    }
}

double ChartView::rateBinSeconds() const
{
    // About 12 pixels a bin: a bucket of a few calls would swing between 0 and 100%.
    for (const auto& series : m_data.series) {
        if (series.bucketed && series.step > 0) {
            const double wanted = (m_data.to - m_data.from) / std::max(1.0, plotWidth() / 12.0);
            return series.step * std::max(1.0, std::round(wanted / series.step));
        }
    }
    return 0;
}

void ChartView::fillRates()
{
    if (!chart()->axes(Qt::Vertical).contains(m_rateAxis))
        return;
    const double bin = rateBinSeconds();
    double peak = 0;
    const auto steps = [&](const QList<ChartSeries>& series) {
        QList<ChartSeries> bucketed;
        for (const auto& one : series) {
            if (one.bucketed)
                bucketed.append(one);
        }
        const QList<QPointF> points = errorRateSteps(bucketed, bin, m_data.from, m_data.to);
        for (const QPointF& point : points)
            peak = std::max(peak, point.y());
        return points;
    };
    if (m_rateLine)
        m_rateLine->replace(steps(m_data.series));
    for (int i = 0; i < m_drawn.size(); ++i) {
        if (m_drawn[i].errorRate)
            m_drawn[i].errorRate->replace(steps({ m_data.series[i] }));
    }
    // The rates keep to the lower part of the plot, under the execution times.
    const auto scale = AxisTicks::niceScale(std::max(peak, 0.4) * 3, 5);
    m_rateAxis->setRange(0, std::min(scale.max, 100.0));
    m_rateAxis->setTickCount(scale.max > 100 ? 6 : scale.tickCount);
}

void ChartView::showRateAxis(bool show)
{
    const bool inChart = chart()->axes(Qt::Vertical).contains(m_rateAxis);
    if (show && !inChart) {
        chart()->addAxis(m_rateAxis, Qt::AlignRight);
    } else if (!show && inChart) {
        chart()->removeAxis(m_rateAxis);
        m_rateAxis->setParent(this); // the chart let go of it
    }
}

void ChartView::setShowFailures(bool show)
{
    if (show == m_showFailures)
        return;
    m_showFailures = show;
    rebuild();
    updateTitle();
    chart()->layout()->activate();
}

double ChartView::drawnValue(double milliseconds) const
{
    return m_logarithmic ? std::max(milliseconds, m_floor) : milliseconds;
}

QAbstractAxis* ChartView::yAxis() const
{
    return m_logarithmic ? static_cast<QAbstractAxis*>(m_logAxis) : m_valueAxis;
}

void ChartView::setLogarithmic(bool logarithmic)
{
    if (logarithmic == m_logarithmic)
        return;
    QAbstractAxis* old = yAxis();
    const QList<QAbstractSeries*> series = chart()->series();
    for (QAbstractSeries* s : series)
        s->detachAxis(old);
    chart()->removeAxis(old);
    old->setParent(this); // the chart let go of it; it comes back when the scale is switched again
    m_logarithmic = logarithmic;
    chart()->addAxis(yAxis(), Qt::AlignLeft);
    for (QAbstractSeries* s : series)
        s->attachAxis(yAxis());
    updateAxes();
    for (int i = 0; i < m_drawn.size(); ++i)
        fill(m_drawn[i], i);
}

void ChartView::updateAxes()
{
    updateTimeTicks();
    double peak = 0;
    for (const auto& series : m_data.series)
        peak = std::max(peak, series.group ? highestMean(series) : series.peak()); // groups draw their means
    for (const auto& series : m_data.baseline) {
        for (const auto& bucket : series.buckets)
            peak = bucket.start >= m_data.from && bucket.start <= m_data.to ? std::max(peak, bucket.mean) : peak;
    }
    if (m_logarithmic) {
        updateLogAxis(peak);
        return;
    }
    const auto scale = AxisTicks::niceScale(peak, 7);
    m_valueAxis->setRange(0, scale.max);
    m_valueAxis->setTickCount(scale.tickCount);
}

void ChartView::updateLogAxis(double peak)
{
    double lowest = peak;
    for (const auto& series : m_data.series) {
        for (const auto& point : series.points)
            lowest = point.y() > 0 ? std::min(lowest, point.y()) : lowest;
        for (const auto& bucket : series.buckets)
            lowest = bucket.min > 0 ? std::min(lowest, bucket.min) : lowest;
    }
    for (const auto& series : m_data.baseline) {
        for (const auto& bucket : series.buckets)
            lowest = bucket.mean > 0 ? std::min(lowest, bucket.mean) : lowest;
    }
    // Whole decades, so that every label is a power of ten.
    m_floor = lowest > 0 ? std::pow(10.0, std::floor(std::log10(lowest))) : 0.001;
    const double top = peak > 0 ? std::pow(10.0, std::ceil(std::log10(peak * 1.01))) : 1;
    m_logAxis->setRange(m_floor, std::max(top, m_floor * 10));
}

void ChartView::updateTimeTicks()
{
    const double to = std::max(m_data.to, m_data.from + 1);
    m_timeAxis->setRange(m_data.from, to);
    m_timeAxis->setStartValue(m_data.from);
    QList<AxisTicks::TimeTick> ticks;
    for (const auto& tick : AxisTicks::timeTicks(m_data.from, to, std::max(2, plotWidth() / 90))) {
        if (tick.seconds > m_data.from)
            ticks.append(tick);
    }
    // While live the range moves twice a second but the round times on it change far less often: laying out the
    // labels' text again each time was most of a live update.
    if (sameTicks(ticks, m_ticks))
        return;
    m_ticks = ticks;
    for (const QString& label : m_timeAxis->categoriesLabels())
        m_timeAxis->remove(label);
    for (auto tick : std::as_const(ticks)) {
        // A category axis needs distinct labels; the same time on two days gets an invisible difference.
        while (m_timeAxis->categoriesLabels().contains(tick.label))
            tick.label += QChar(0x200B);
        m_timeAxis->append(tick.label, tick.seconds);
    }
}

bool ChartView::sameTicks(const QList<AxisTicks::TimeTick>& a, const QList<AxisTicks::TimeTick>& b)
{
    return std::equal(
        a.begin(), a.end(), b.begin(), b.end(), [](const AxisTicks::TimeTick& x, const AxisTicks::TimeTick& y) {
            return x.seconds == y.seconds && x.label == y.label;
        });
}

void ChartView::updateTitle()
{
    qint64 calls = 0;
    const ChartSeries* bucketed = nullptr;
    for (const auto& series : m_data.series) {
        calls += series.calls();
        bucketed = series.bucketed ? &series : bucketed;
    }
    QString title;
    if (!m_data.groupBy.isEmpty() && bucketed)
        title = tr("%1 calls of %2 · mean per %3, a line per %4")
                    .arg(DisplayFormat::count(calls), DisplayFormat::shortKey(bucketed->id.key),
                        DisplayFormat::span(bucketed->step), m_data.groupBy);
    else if (bucketed)
        title = tr("%1 calls · min–max band and mean per %2")
                    .arg(DisplayFormat::count(calls), DisplayFormat::span(bucketed->step));
    else if (calls > 0)
        title = tr("%1 calls · every call shown").arg(DisplayFormat::count(calls));
    if (!m_data.baseline.isEmpty() && !title.isEmpty())
        title += tr(" · dashed: %1").arg(m_data.baselineLabel);
    if (!m_data.baselineError.isEmpty())
        title
            += (title.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("no baseline: %1").arg(m_data.baselineError);
    chart()->setTitle(title);
    setMessage(m_data.series.isEmpty() && m_data.groupBy.isEmpty() ? message()
            : calls == 0 ? (m_data.error.isEmpty() ? tr("No calls in this time range") : m_data.error)
                         : QString());
}

void ChartView::setMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    placeMessage();
}

QString ChartView::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ChartView::placeMessage()
{
    const QRectF plot = chart()->plotArea();
    const QRectF text = m_message->boundingRect();
    m_message->setPos(plot.center() - QPointF(text.width() / 2, text.height() / 2));
}

int ChartView::plotWidth() const
{
    const int width = int(chart()->plotArea().width());
    return width > 50 ? width : std::max(200, viewport()->width() - 100);
}

QString ChartView::hoverText() const
{
    return m_callout->text();
}

PlotMapping ChartView::mapping() const
{
    PlotMapping mapping { chart()->plotArea(), m_data.from, m_data.to, m_valueAxis->min(), m_valueAxis->max(),
        m_logarithmic, m_floor };
    if (m_logarithmic) {
        mapping.yMin = m_logAxis->min();
        mapping.yMax = m_logAxis->max();
    }
    return mapping;
}

void ChartView::updateHover(const QPointF& position)
{
    const HoverHit best = hitTest(m_data, mapping(), position);
    if (!best.isHit())
        m_callout->hide();
    else
        m_callout->show(best.anchor, best.text, colorOf(best.series), chart()->plotArea());
}

void ChartView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && chart()->plotArea().contains(event->position())) {
        m_dragStart = event->position().x();
        m_rubberBand->setGeometry(QRect());
        m_rubberBand->show();
        m_callout->hide();
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragStart) {
        const QRectF plot = chart()->plotArea();
        const qreal x = std::clamp(event->position().x(), plot.left(), plot.right());
        m_rubberBand->setGeometry(
            QRectF(QPointF(std::min(x, *m_dragStart), plot.top()), QPointF(std::max(x, *m_dragStart), plot.bottom()))
                .toRect());
    } else {
        updateHover(event->position());
    }
    QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::RightButton) {
        Q_EMIT zoomOutRequested();
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton && m_dragStart) {
        const QRectF plot = chart()->plotArea();
        const qreal end = std::clamp(event->position().x(), plot.left(), plot.right());
        const qreal start = *m_dragStart;
        m_dragStart.reset();
        m_rubberBand->hide();
        if (std::abs(end - start) >= MinDragPixels)
            Q_EMIT zoomRequested(mapping().timeAt(std::min(start, end)), mapping().timeAt(std::max(start, end)));
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ChartView::leaveEvent(QEvent* event)
{
    m_callout->hide();
    QChartView::leaveEvent(event);
}

void ChartView::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    updateTimeTicks();
    placeMessage();
}

} // namespace Kodemon
