// SPDX-License-Identifier: MIT
#pragma once

#include "samplewindow.h"
#include "store/comparison.h"

#include <optional>
#include <QWidget>

class QLabel;

namespace Kodemon {

class HistogramView;

// Statistics of the current key over the shown range: count, failed calls and error rate, min, mean,
// percentiles, max, and the histogram. With a baseline, each figure sits beside the baseline's with the change in
// % (green faster, red slower), under the rank test's verdict.
class StatsPanel final : public QWidget
{
    Q_OBJECT
public:
    enum Figure { Count, Failed, ErrorRate, Min, Mean, P50, P90, P95, P99, Max, FigureCount };

    explicit StatsPanel(QWidget* parent = nullptr);
    ~StatsPanel() override;
    Q_DISABLE_COPY_MOVE(StatsPanel)

    void setTitle(const QString& title);
    QString title() const;
    // A line under the title naming the filters the figures obey; empty hides it.
    void setFilterNote(const QString& note);
    QString filterNote() const;
    void setData(const KeyStats& stats, const Histogram& histogram);
    // A line under the figures (how they were computed); cleared by the next setData().
    void setNote(const QString& note);
    QString note() const;
    // Empties the figures and shows `message` in their place.
    void clear(const QString& message);
    // The baseline's figures beside the current ones, and the verdict; `label` names the baseline ("1 week
    // earlier"). The changes are computed against the figures set by setData(), now and after each update.
    void setComparison(const Comparison& comparison, const QString& label);
    // No baseline columns; `note` says why there is no comparison when one was asked for.
    void clearComparison(const QString& note = {});
    bool isComparing() const { return m_comparison.has_value(); }

    // The texts shown for one figure, as the user reads them.
    QString figureText(Figure figure) const;
    QString baselineText(Figure figure) const;
    QString changeText(Figure figure) const;
    // The colour a change is shown in (red slower, green faster, the text colour otherwise).
    QColor changeColor(Figure figure) const;
    QString verdictText() const;
    HistogramView* histogram() const { return m_histogram; }

private:
    QWidget* makeFigures();
    void showValues(QLabel* const* labels, const KeyStats& stats);
    void showChanges();
    void setChange(Figure figure, const QString& text, int direction);
    void showVerdict();
    void setComparisonVisible(bool visible);

    QLabel* m_title;
    QLabel* m_filterNote;
    QLabel* m_note;
    QLabel* m_verdict;
    QLabel* m_values[FigureCount] = {};
    QLabel* m_baselines[FigureCount] = {};
    QLabel* m_changes[FigureCount] = {};
    QList<QWidget*> m_comparisonWidgets; // the baseline and change columns with their headings
    QLabel* m_baselineHeading = nullptr;
    HistogramView* m_histogram;
    KeyStats m_stats;
    bool m_hasStats = false;
    std::optional<Comparison> m_comparison;
};

} // namespace Kodemon
