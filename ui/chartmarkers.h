// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "charthittest.h"

#include <QColor>
#include <QList>
#include <QString>

class QGraphicsItem;
class QGraphicsScene;

namespace Kodemon {

// A moment marked on the time chart: an alert that fired or resolved, drawn as a vertical line over the plot.
struct ChartMarker
{
    KeyId series; // shown only while the chart shows this function
    double time = 0; // epoch seconds
    QColor color;
    QString label; // short, above the line ("firing")
    QString toolTip; // the whole story, on hover

    friend bool operator==(const ChartMarker& a, const ChartMarker& b)
    {
        return a.series == b.series && a.time == b.time && a.color == b.color && a.label == b.label
            && a.toolTip == b.toolTip;
    }
};

// The markers' graphics items in a chart's scene, placed from the plot mapping whenever the range or the plot
// area changes. Owns nothing but its items.
class ChartMarkers final
{
public:
    explicit ChartMarkers(QGraphicsScene* scene);
    ~ChartMarkers();
    Q_DISABLE_COPY_MOVE(ChartMarkers)

    void setMarkers(const QList<ChartMarker>& markers);
    const QList<ChartMarker>& markers() const { return m_markers; }
    // Shows the markers of `shown` functions that fall inside the mapping's time span, hides the others.
    void place(const PlotMapping& mapping, const QList<KeyId>& shown);
    // The markers drawn now (for tests and tooltips).
    QList<ChartMarker> visible() const;

private:
    struct Drawn
    {
        QGraphicsItem* line = nullptr;
        QGraphicsItem* label = nullptr;
    };
    void clear();

    QGraphicsScene* m_scene;
    QList<ChartMarker> m_markers;
    QList<Drawn> m_drawn;
};

} // namespace Kodemon
