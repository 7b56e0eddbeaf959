// SPDX-License-Identifier: MIT
#include "chartmarkers.h"

#include <algorithm>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPen>

namespace Kodemon {

namespace {

constexpr qreal MarkerZ = 6; // above the series (QtCharts draws them near 0-5), below the hover callout
constexpr int SpanAlpha = 40; // of 255: the calls under a period stay readable

} // namespace

bool ChartMarker::appliesTo(const QList<KeyId>& shown) const
{
    if (!series.key.isEmpty())
        return shown.contains(series);
    if (series.token.isEmpty())
        return !shown.isEmpty();
    return std::any_of(shown.begin(), shown.end(), [this](const KeyId& id) { return id.token == series.token; });
}

ChartMarkers::ChartMarkers(QGraphicsScene* scene)
    : m_scene(scene)
{ }

ChartMarkers::~ChartMarkers()
{
    clear();
}

void ChartMarkers::clear()
{
    for (const auto& drawn : std::as_const(m_drawn)) {
        delete drawn.line;
        delete drawn.label;
        delete drawn.span;
    }
    m_drawn.clear();
}

void ChartMarkers::setMarkers(const QList<ChartMarker>& markers)
{
    if (markers == m_markers)
        return;
    clear();
    m_markers = markers;
    for (const auto& marker : std::as_const(m_markers))
        m_drawn.append(draw(marker));
}

ChartMarkers::Drawn ChartMarkers::draw(const ChartMarker& marker)
{
    Drawn drawn;
    auto* line = new QGraphicsLineItem;
    QPen pen(marker.color, 1.5, Qt::DashLine);
    pen.setCosmetic(true);
    line->setPen(pen);
    drawn.line = line;
    auto* label = new QGraphicsSimpleTextItem(marker.label);
    label->setBrush(marker.color);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    font.setBold(true);
    label->setFont(font);
    drawn.label = label;
    if (marker.end) {
        auto* span = new QGraphicsRectItem;
        QColor fill = marker.color;
        fill.setAlpha(SpanAlpha);
        span->setBrush(fill);
        span->setPen(Qt::NoPen);
        drawn.span = span;
    }
    for (QGraphicsItem* item : { drawn.span, drawn.line, drawn.label }) {
        if (!item)
            continue;
        item->setToolTip(marker.toolTip);
        item->setZValue(MarkerZ);
        item->hide();
        m_scene->addItem(item);
    }
    return drawn;
}

void ChartMarkers::place(const PlotMapping& mapping, const QList<KeyId>& shown)
{
    const bool spans = mapping.to > mapping.from && mapping.plot.width() > 0;
    for (int i = 0; i < m_markers.size(); ++i) {
        const ChartMarker& marker = m_markers[i];
        const bool inside = spans && marker.time <= mapping.to && marker.end.value_or(marker.time) >= mapping.from
            && marker.appliesTo(shown);
        placeOne(i, mapping, inside);
    }
}

void ChartMarkers::placeOne(int index, const PlotMapping& mapping, bool inside)
{
    const ChartMarker& marker = m_markers[index];
    auto* line = static_cast<QGraphicsLineItem*>(m_drawn[index].line);
    auto* label = static_cast<QGraphicsSimpleTextItem*>(m_drawn[index].label);
    auto* span = static_cast<QGraphicsRectItem*>(m_drawn[index].span);
    // A period that began before the range has no start line to show; its span and label still do.
    line->setVisible(inside && marker.time >= mapping.from);
    label->setVisible(inside);
    if (span)
        span->setVisible(inside);
    if (!inside)
        return;
    const QRectF plot = mapping.plot;
    const auto xOf = [&](double time) {
        const double clamped = std::clamp(time, mapping.from, mapping.to);
        return plot.left() + (clamped - mapping.from) / (mapping.to - mapping.from) * plot.width();
    };
    const qreal x = xOf(marker.time);
    line->setLine(QLineF(x, plot.top(), x, plot.bottom()));
    if (span)
        span->setRect(QRectF(QPointF(x, plot.top()), QPointF(xOf(*marker.end), plot.bottom())));
    // Beside the line, inside the plot: right of it unless that would leave the plot.
    const QRectF text = label->boundingRect();
    const qreal left = x + 3 + text.width() <= plot.right() ? x + 3 : x - 3 - text.width();
    label->setPos(std::max(left, plot.left()), plot.top() + 2);
}

QList<ChartMarker> ChartMarkers::visible() const
{
    QList<ChartMarker> visible;
    for (int i = 0; i < m_markers.size(); ++i) {
        if (m_drawn[i].label->isVisible())
            visible.append(m_markers[i]);
    }
    return visible;
}

} // namespace Kodemon
