// SPDX-License-Identifier: MIT
#include "chartview.h"

#include "axisticks.h"
#include "charthittest.h"
#include "chartstyle.h"
#include "displayformat.h"
#include "hovercallout.h"

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

// Bucket centres, so that a band lines up with the calls it summarizes.
QList<QPointF> bucketLine(const ChartSeries& series, double SeriesBucket::*field)
{
    QList<QPointF> out;
    out.reserve(series.buckets.size());
    for (const auto& bucket : series.buckets)
        out.append(QPointF(bucket.start + series.step / 2, bucket.*field));
    return out;
}

} // namespace

ChartView::ChartView(QWidget* parent)
    : QChartView(new QChart, parent)
    , m_timeAxis(new QCategoryAxis)
    , m_valueAxis(new QValueAxis)
    , m_logAxis(new QLogValueAxis(this))
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
    for (QAbstractAxis* axis : std::initializer_list<QAbstractAxis*> { m_timeAxis, m_valueAxis, m_logAxis })
        ChartStyle::apply(axis, small);
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

void ChartView::setData(const ChartData& data)
{
    const bool rebuildNeeded = !sameShape(data);
    m_data = data;
    updateAxes(); // first: the log scale's floor decides where zeros are drawn
    if (rebuildNeeded) {
        rebuild();
    } else {
        for (int i = 0; i < m_drawn.size(); ++i)
            fill(m_drawn[i], m_data.series[i]);
    }
    updateTitle();
    m_callout->hide();
    // A new time range re-lays out the axes in a later event, which repainted the whole chart a second time per
    // live step: laid out now, the step paints once.
    chart()->layout()->activate();
    placeMarkers();
}

void ChartView::setMarkers(const QList<ChartMarker>& markers)
{
    m_markers->setMarkers(markers);
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
    for (int i = 0; i < data.series.size(); ++i) {
        if (data.series[i].id != m_data.series[i].id || data.series[i].bucketed != m_data.series[i].bucketed)
            return false;
    }
    return true;
}

void ChartView::rebuild()
{
    chart()->removeAllSeries();
    m_drawn.clear();
    for (int i = 0; i < m_data.series.size(); ++i) {
        m_drawn.append(addSeries(m_data.series[i], i));
        fill(m_drawn.last(), m_data.series[i]);
    }
    chart()->legend()->setVisible(!m_data.series.isEmpty());
}

ChartView::Drawn ChartView::addSeries(const ChartSeries& series, int index)
{
    const QColor color = colorFor(index);
    Drawn drawn;
    QList<QAbstractSeries*> added;
    if (!series.bucketed) {
        drawn.calls = new QScatterSeries;
        drawn.calls->setMarkerSize(7);
        drawn.calls->setColor(color);
        drawn.calls->setBorderColor(color.darker(130));
        drawn.calls->setName(seriesName(series));
        added.append(drawn.calls);
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
        drawn.mean->setName(seriesName(series));
        added << drawn.band << drawn.mean;
    }
    for (QAbstractSeries* s : added) {
        chart()->addSeries(s);
        s->attachAxis(m_timeAxis);
        s->attachAxis(yAxis());
    }
    if (drawn.band) {
        for (QLegendMarker* marker : chart()->legend()->markers(drawn.band))
            marker->setVisible(false);
    }
    return drawn;
}

void ChartView::fill(const Drawn& drawn, const ChartSeries& series)
{
    const auto drawable = [this](QList<QPointF> points) {
        for (QPointF& point : points)
            point.setY(drawnValue(point.y()));
        return points;
    };
    if (drawn.calls) {
        drawn.calls->replace(drawable(series.points));
        return;
    }
    drawn.upper->replace(drawable(bucketLine(series, &SeriesBucket::max)));
    drawn.lower->replace(drawable(bucketLine(series, &SeriesBucket::min)));
    drawn.mean->replace(drawable(bucketLine(series, &SeriesBucket::mean)));
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
        fill(m_drawn[i], m_data.series[i]);
}

QString ChartView::seriesName(const ChartSeries& series) const
{
    QString name = DisplayFormat::shortKey(series.id.key);
    if (!series.id.token.isEmpty())
        name += QStringLiteral(" · ") + series.id.token;
    return name;
}

void ChartView::updateAxes()
{
    updateTimeTicks();
    double peak = 0;
    for (const auto& series : m_data.series)
        peak = std::max(peak, series.peak());
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
        for (const auto& bucket : series.buckets)
            calls += bucket.count;
        calls += series.points.size();
        bucketed = series.bucketed ? &series : bucketed;
    }
    QString title;
    if (bucketed)
        title = tr("%1 calls · min–max band and mean per %2")
                    .arg(DisplayFormat::count(calls), DisplayFormat::span(bucketed->step));
    else if (calls > 0)
        title = tr("%1 calls · every call shown").arg(DisplayFormat::count(calls));
    chart()->setTitle(title);
    setMessage(m_data.series.isEmpty() ? message()
            : calls == 0               ? (m_data.error.isEmpty() ? tr("No calls in this time range") : m_data.error)
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
        m_callout->show(best.anchor, best.text, colorFor(best.series), chart()->plotArea());
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
