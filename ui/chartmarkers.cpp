// SPDX-License-Identifier: MIT
#include "chartmarkers.h"

#include <QGraphicsLineItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QPen>

namespace Kodemon {

namespace {

constexpr qreal MarkerZ = 6; // above the series (QtCharts draws them near 0-5), below the hover callout

} // namespace

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
    }
    m_drawn.clear();
}

void ChartMarkers::setMarkers(const QList<ChartMarker>& markers)
{
    if (markers == m_markers)
        return;
    clear();
    m_markers = markers;
    for (const auto& marker : std::as_const(m_markers)) {
        auto* line = new QGraphicsLineItem;
        QPen pen(marker.color, 1.5, Qt::DashLine);
        pen.setCosmetic(true);
        line->setPen(pen);
        line->setToolTip(marker.toolTip);
        line->setZValue(MarkerZ);
        auto* label = new QGraphicsSimpleTextItem(marker.label);
        label->setBrush(marker.color);
        label->setToolTip(marker.toolTip);
        label->setZValue(MarkerZ);
        QFont font = label->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        font.setBold(true);
        label->setFont(font);
        line->hide();
        label->hide();
        m_scene->addItem(line);
        m_scene->addItem(label);
        m_drawn.append({ line, label });
    }
}

void ChartMarkers::place(const PlotMapping& mapping, const QList<KeyId>& shown)
{
    const QRectF plot = mapping.plot;
    const bool spans = mapping.to > mapping.from && plot.width() > 0;
    for (int i = 0; i < m_markers.size(); ++i) {
        const ChartMarker& marker = m_markers[i];
        auto* line = static_cast<QGraphicsLineItem*>(m_drawn[i].line);
        auto* label = static_cast<QGraphicsSimpleTextItem*>(m_drawn[i].label);
        const bool inside = spans && marker.time >= mapping.from && marker.time <= mapping.to && shown.contains(marker.series);
        line->setVisible(inside);
        label->setVisible(inside);
        if (!inside)
            continue;
        const qreal x = plot.left() + (marker.time - mapping.from) / (mapping.to - mapping.from) * plot.width();
        line->setLine(QLineF(x, plot.top(), x, plot.bottom()));
        // Beside the line, inside the plot: right of it unless that would leave the plot.
        const QRectF text = label->boundingRect();
        const qreal left = x + 3 + text.width() <= plot.right() ? x + 3 : x - 3 - text.width();
        label->setPos(left, plot.top() + 2);
    }
}

QList<ChartMarker> ChartMarkers::visible() const
{
    QList<ChartMarker> visible;
    for (int i = 0; i < m_markers.size(); ++i) {
        if (m_drawn[i].line->isVisible())
            visible.append(m_markers[i]);
    }
    return visible;
}

} // namespace Kodemon
