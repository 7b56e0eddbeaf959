// SPDX-License-Identifier: MIT
#pragma once

#include "chartdata.h"

#include <QPointF>
#include <QRectF>
#include <QString>

namespace Kodemon {

// Where the chart's values land on screen: the plot rectangle, the time span across it and the value axis'
// range, linear or logarithmic. Pure geometry, so hovering is tested without widgets.
struct PlotMapping
{
    QRectF plot;
    double from = 0; // epoch seconds at plot.left()
    double to = 0; // at plot.right()
    double yMin = 0; // milliseconds at plot.bottom()
    double yMax = 1; // at plot.top()
    bool logarithmic = false;
    double floor = 0.001; // log scale: smaller values (zeros) are drawn on it

    double timeAt(double x) const;
    QPointF toPixel(double seconds, double milliseconds) const;
};

// What hovering at a position finds: the nearest raw call within reach, or the bucket whose column holds the
// position, with the callout's text.
struct HoverHit
{
    static constexpr qreal Reach = 14; // pixels: farther away is no hit
    qreal distance = Reach;
    QPointF anchor; // the pixel the callout points at
    QString text;
    int series = -1; // index into ChartData::series; -1: nothing hit

    bool isHit() const { return series >= 0; }
};

HoverHit hitTest(const ChartData& data, const PlotMapping& mapping, const QPointF& position);

} // namespace Kodemon
