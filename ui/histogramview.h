// SPDX-License-Identifier: MIT
#pragma once

#include "samplewindow.h"

#include <QChartView>

class QAreaSeries;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace Kodemon {

// How execution times are distributed: calls per bin on a logarithmic time axis, with p50/p90/p95/p99 marked.
class HistogramView final : public QChartView
{
    Q_OBJECT
public:
    explicit HistogramView(QWidget* parent = nullptr);
    ~HistogramView() override;
    Q_DISABLE_COPY_MOVE(HistogramView)

    void setData(const Histogram& histogram, const KeyStats& stats);
    void clear();

    QLogValueAxis* timeAxis() const { return m_timeAxis; }
    QValueAxis* countAxis() const { return m_countAxis; }
    // The legend entries of the percentile markers, e.g. "p95 12.3 ms".
    QStringList markerNames() const;

private:
    void setUpChart();
    void addMarkers();
    void placeMarker(QLineSeries* marker, const QString& name, double value);

    QLogValueAxis* m_timeAxis;
    QValueAxis* m_countAxis;
    QLineSeries* m_steps; // upper edge of the bars
    QAreaSeries* m_bars;
    QList<QLineSeries*> m_markers; // p50, p90, p95, p99: made once, moved by setData (adding series re-lays out
                                   // the whole chart: a fifth of the UI thread's time while live)
};

} // namespace Kodemon
