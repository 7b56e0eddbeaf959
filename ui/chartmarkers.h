// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "charthittest.h"

#include <optional>
#include <QColor>
#include <QList>
#include <QString>

class QGraphicsItem;
class QGraphicsScene;

namespace Kodemon {

// A moment marked on the time chart (an alert that fired or resolved, a deploy), drawn as a vertical line over the
// plot; a period (with an end) is drawn as a shaded span as well.
struct ChartMarker
{
    // Shown only while the chart shows this function. An empty key marks every function of the token (a
    // deploy of one project), and of every project when the token is empty too.
    KeyId series;
    double time = 0; // epoch seconds
    std::optional<double> end; // a period's end: shaded from `time` to here
    QColor color;
    QString label; // short, above the line ("firing")
    QString toolTip; // the whole story, on hover

    // Whether the marker belongs on a chart showing `shown`.
    bool appliesTo(const QList<KeyId>& shown) const;

    friend bool operator==(const ChartMarker& a, const ChartMarker& b)
    {
        return a.series == b.series && a.time == b.time && a.end == b.end && a.color == b.color && a.label == b.label
            && a.toolTip == b.toolTip;
    }
};

// The sets of markers the chart shows together, each set by its own owner.
enum class MarkerLayer { Alerts, Annotations, Change };

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
        QGraphicsItem* span = nullptr; // periods only
    };
    void clear();
    Drawn draw(const ChartMarker& marker);
    void placeOne(int index, const PlotMapping& mapping, bool inside);

    QGraphicsScene* m_scene;
    QList<ChartMarker> m_markers;
    QList<Drawn> m_drawn;
};

} // namespace Kodemon
