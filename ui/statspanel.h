// SPDX-License-Identifier: MIT
#pragma once

#include "samplewindow.h"

#include <QWidget>

class QLabel;

namespace Kodemon {

class HistogramView;

// Statistics of the current key over the shown range: count, min, mean, percentiles, max, and the histogram.
class StatsPanel final : public QWidget
{
    Q_OBJECT
public:
    enum Figure { Count, Min, Mean, P50, P90, P95, P99, Max, FigureCount };

    explicit StatsPanel(QWidget* parent = nullptr);
    ~StatsPanel() override;
    Q_DISABLE_COPY_MOVE(StatsPanel)

    void setTitle(const QString& title);
    QString title() const;
    void setData(const KeyStats& stats, const Histogram& histogram);
    // Empties the figures and shows `message` in their place.
    void clear(const QString& message);
    // The text shown for one figure, as the user reads it.
    QString figureText(Figure figure) const;
    HistogramView* histogram() const { return m_histogram; }

private:
    QWidget* makeFigures();

    QLabel* m_title;
    QLabel* m_note;
    QLabel* m_values[FigureCount] = {};
    HistogramView* m_histogram;
};

} // namespace Kodemon
