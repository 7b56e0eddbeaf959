// SPDX-License-Identifier: MIT
#pragma once

#include "timerangecontroller.h"

#include <QDateTime>
#include <QWidget>

class QAction;
class QActionGroup;
class QDateTimeEdit;

namespace Kodemon {

// The range part of the toolbar: presets, custom from/to, Live and zoom out. Reads and writes the controller.
class RangePicker final : public QWidget
{
    Q_OBJECT
public:
    RangePicker(TimeRangeController* controller, QWidget* parent = nullptr);
    ~RangePicker() override;
    Q_DISABLE_COPY_MOVE(RangePicker)

    QList<QAction*> presetActions() const;
    QAction* presetAction(TimeRangeController::Preset preset) const;
    QAction* liveAction() const { return m_live; }
    QAction* zoomOutAction() const { return m_zoomOut; }
    QDateTimeEdit* fromEdit() const { return m_from; }
    QDateTimeEdit* toEdit() const { return m_to; }

    // What the chart really covers, for ranges with open ends ("All").
    void showCoveredRange(double from, double to);

private:
    QWidget* makePresetButtons();
    QDateTimeEdit* makeEdit(const QString& toolTip);
    void showRange(const TimeRange& range);
    void display(QDateTimeEdit* edit, QDateTime& shown, double seconds);
    void applyEdits();
    void syncActions();

    TimeRangeController* m_controller;
    QActionGroup* m_presets;
    QAction* m_live;
    QAction* m_zoomOut;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QDateTime m_shownFrom; // what the edits were last set to, to tell edits from focus changes
    QDateTime m_shownTo;
};

} // namespace Kodemon
