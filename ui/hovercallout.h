// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QGraphicsItem>

namespace Kodemon {

// The small box the chart shows under the mouse: a marker on the value and its text, kept inside the plot.
class HoverCallout final : public QGraphicsItem
{
public:
    HoverCallout();
    ~HoverCallout() override;
    Q_DISABLE_COPY_MOVE(HoverCallout)

    // Points at `anchor` (scene coordinates) with `text`, placed so that it stays inside `bounds`.
    void show(const QPointF& anchor, const QString& text, const QColor& color, const QRectF& bounds);
    QString text() const { return isVisible() ? m_text : QString(); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString m_text;
    QColor m_color;
    QRectF m_box; // in item coordinates; the anchor is at (0, 0)
};

} // namespace Kodemon
