// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCompleter;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QStringListModel;
class QToolButton;

namespace Kodemon {

class TimeRangeController;
class ViewOptions;

// The second toolbar row: which calls every view shows and how. The active tag filters as removable chips, a
// field to type one more in the one filter syntax (`endpoint:/cart`, `tier!:gold`, `error`, `!error`) with
// completion from the current function's tags, the outcome (all, successful, failed), the tag to group by (and
// whether the functions table splits by it too), and the baseline to compare with. Reads and writes ViewOptions.
class FilterBar final : public QWidget
{
    Q_OBJECT
public:
    FilterBar(ViewOptions* options, TimeRangeController* range, QWidget* parent = nullptr);
    ~FilterBar() override;
    Q_DISABLE_COPY_MOVE(FilterBar)

    // What the field completes: filters made of the current function's tag values.
    void setCompletions(const QStringList& completions);
    // The tags the group-by choice offers (the current function's).
    void setTagNames(const QStringList& names);

    // Adds the filter `text` says, as pressing Enter in the field does; false (and the error shown) when it is
    // not a filter.
    bool addFilterText(const QString& text);
    // Focuses the field, ready to type.
    void focusField();

    QLineEdit* filterEdit() const { return m_edit; }
    QCompleter* completer() const { return m_completer; }
    QComboBox* outcomeBox() const { return m_outcome; }
    QComboBox* groupByBox() const { return m_groupBy; }
    QCheckBox* splitBox() const { return m_split; }
    QComboBox* baselineBox() const { return m_baseline; }
    QToolButton* clearButton() const { return m_clear; }
    // The chips of the active filters, in order; clicking one removes its filter.
    QList<QToolButton*> chips() const;
    // Why the typed text is not a filter; empty when it is (or nothing was typed).
    QString errorText() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* makeFilterPart();
    QWidget* makeViewPart();
    void showFilters();
    void showOutcome();
    void showGroupBy();
    void showBaseline();
    void showError(const QString& error);
    void onBaselineActivated(int index);
    void askCustomBaseline();

    ViewOptions* m_options;
    TimeRangeController* m_range;
    QHBoxLayout* m_chips;
    QLineEdit* m_edit;
    QStringListModel* m_completions;
    QCompleter* m_completer;
    QLabel* m_error;
    QToolButton* m_clear;
    QComboBox* m_outcome;
    QComboBox* m_groupBy;
    QCheckBox* m_split;
    QComboBox* m_baseline;
    QStringList m_tagNames;
};

} // namespace Kodemon
