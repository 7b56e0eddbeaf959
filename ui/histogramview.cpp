// SPDX-License-Identifier: MIT
#include "histogramview.h"

#include "axisticks.h"
#include "chartstyle.h"
#include "displayformat.h"

#include <cmath>
#include <QAreaSeries>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

namespace Kodemon {

namespace {

const QColor BarColor = ChartStyle::seriesColor(0);

} // namespace

HistogramView::HistogramView(QWidget* parent)
    : QChartView(new QChart, parent)
    , m_timeAxis(new QLogValueAxis)
    , m_countAxis(new QValueAxis)
    , m_steps(new QLineSeries)
    , m_bars(new QAreaSeries(m_steps))
{
    m_steps->setParent(m_bars);
    setUpChart();
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(140);
}

HistogramView::~HistogramView() = default;

void HistogramView::setUpChart()
{
    QChart* c = chart();
    c->setMargins(QMargins(2, 2, 8, 2));
    const QFont small = ChartStyle::smallFont(font());
    ChartStyle::apply(c, small);
    c->legend()->setAlignment(Qt::AlignRight);
    m_timeAxis->setBase(10);
    m_timeAxis->setLabelFormat(QStringLiteral("%g"));
    m_timeAxis->setMinorTickCount(8);
    m_timeAxis->setTitleText(tr("Execution time (ms, log scale)"));
    m_countAxis->setTitleText(tr("Calls"));
    m_countAxis->setLabelFormat(QStringLiteral("%.0f"));
    for (QAbstractAxis* axis : std::initializer_list<QAbstractAxis*> { m_timeAxis, m_countAxis })
        ChartStyle::apply(axis, small);
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_countAxis, Qt::AlignLeft);
    QColor fill = BarColor;
    fill.setAlpha(150);
    m_bars->setBrush(fill);
    m_bars->setPen(QPen(BarColor.darker(120), 1));
    c->addSeries(m_bars);
    m_bars->attachAxis(m_timeAxis);
    m_bars->attachAxis(m_countAxis);
    for (QLegendMarker* marker : c->legend()->markers(m_bars))
        marker->setVisible(false);
    addMarkers();
    clear();
}

void HistogramView::addMarkers()
{
    for (const QColor& color :
        { QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xa1, 0x00), QColor(0xf2, 0x6b, 0x2b), QColor(0xc4, 0x1e, 0x3a) }) {
        auto* marker = new QLineSeries;
        marker->setPen(QPen(color, 1.6, Qt::DashLine));
        chart()->addSeries(marker);
        marker->attachAxis(m_timeAxis);
        marker->attachAxis(m_countAxis);
        m_markers.append(marker);
    }
}

void HistogramView::clear()
{
    for (QLineSeries* marker : std::as_const(m_markers))
        marker->setVisible(false);
    m_steps->clear();
    m_timeAxis->setRange(0.01, 100);
    m_countAxis->setRange(0, 5);
}

void HistogramView::setData(const Histogram& histogram, const KeyStats& stats)
{
    if (histogram.counts.isEmpty()) {
        clear();
        return;
    }
    QList<QPointF> steps;
    qint64 peak = 0;
    for (qsizetype i = 0; i < histogram.counts.size(); ++i) {
        const double count = double(histogram.counts[i]);
        steps << QPointF(histogram.edges[i], count) << QPointF(histogram.edges[i + 1], count);
        peak = std::max(peak, histogram.counts[i]);
    }
    m_steps->replace(steps);
    m_timeAxis->setRange(histogram.edges.front(), histogram.edges.back());
    const auto scale = AxisTicks::niceScale(double(peak), 5, true);
    m_countAxis->setRange(0, scale.max);
    m_countAxis->setTickCount(scale.tickCount);
    const std::pair<const char*, double> percentiles[]
        = { { "p50", stats.p50 }, { "p90", stats.p90 }, { "p95", stats.p95 }, { "p99", stats.p99 } };
    for (qsizetype i = 0; i < m_markers.size(); ++i)
        placeMarker(m_markers[i], QLatin1String(percentiles[i].first), percentiles[i].second);
    // The legend (new percentile values) and the chart laid out now: in a later event they repainted the whole
    // histogram a second time per live step.
    chart()->legend()->layout()->activate();
    chart()->layout()->activate();
}

void HistogramView::placeMarker(QLineSeries* marker, const QString& name, double value)
{
    // On a log axis a zero would vanish; such a marker sits at the left edge.
    const double x = std::max(value, m_timeAxis->min());
    const QString label = QStringLiteral("%1  %2").arg(name, DisplayFormat::duration(value));
    if (marker->name() != label)
        marker->setName(label); // the legend lays its text out again only when it changed
    marker->replace(QList<QPointF> { QPointF(x, 0), QPointF(x, m_countAxis->max()) });
    marker->setVisible(true);
}

QStringList HistogramView::markerNames() const
{
    QStringList names;
    for (const QLineSeries* marker : m_markers) {
        if (marker->isVisible())
            names.append(marker->name());
    }
    return names;
}

} // namespace Kodemon
