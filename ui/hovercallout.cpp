// SPDX-License-Identifier: MIT
#include "hovercallout.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>

namespace Kodemon {

namespace {

constexpr qreal Padding = 6;
constexpr qreal Gap = 12; // between the anchor and the box
constexpr qreal MarkerRadius = 4;

} // namespace

HoverCallout::HoverCallout()
{
    setZValue(100);
    hide();
}

HoverCallout::~HoverCallout() = default;

void HoverCallout::show(const QPointF& anchor, const QString& text, const QColor& color, const QRectF& bounds)
{
    prepareGeometryChange();
    m_text = text;
    m_color = color;
    const QFontMetricsF metrics(QApplication::font());
    const QRectF textRect = metrics.boundingRect(QRectF(0, 0, 1000, 1000), Qt::AlignLeft, text);
    QSizeF size = textRect.size() + QSizeF(2 * Padding, 2 * Padding);
    // Right of and above the anchor, flipped where it would leave the plot.
    qreal x = anchor.x() + Gap;
    qreal y = anchor.y() - Gap - size.height();
    if (x + size.width() > bounds.right())
        x = anchor.x() - Gap - size.width();
    if (y < bounds.top())
        y = anchor.y() + Gap;
    x = std::max(x, bounds.left());
    m_box = QRectF(QPointF(x, y) - anchor, size);
    setPos(anchor);
    QGraphicsItem::show();
    update();
}

QRectF HoverCallout::boundingRect() const
{
    const QRectF marker(-MarkerRadius, -MarkerRadius, 2 * MarkerRadius, 2 * MarkerRadius);
    return m_box.united(marker).adjusted(-2, -2, 2, 2);
}

void HoverCallout::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(m_color, 2));
    painter->setBrush(Qt::white);
    painter->drawEllipse(QPointF(0, 0), MarkerRadius, MarkerRadius);
    painter->setPen(QPen(m_color.darker(110), 1));
    painter->setBrush(QColor(255, 255, 255, 235));
    painter->drawRoundedRect(m_box, 4, 4);
    painter->setPen(QColor(0x20, 0x20, 0x20));
    painter->setFont(QApplication::font());
    painter->drawText(m_box.adjusted(Padding, Padding, -Padding, -Padding), Qt::AlignLeft | Qt::AlignTop, m_text);
}

} // namespace Kodemon
