// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <QList>
#include <QMetaObject>
#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;

namespace Kodemon {

class AlertService;
class AlertTray;
class AlertsPanel;
class ChartView;
class FunctionsPanel;
class TimeRangeController;

// The window's side of the alerts: the Alerts panel in a dock, the tray icon and the markers on the chart, all fed
// by an AlertService's snapshots; edits from the panel go to the service. Clicking a notification or a
// transition shows that function around that time.
class AlertsController final : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        QMainWindow* window = nullptr;
        ChartView* chart = nullptr;
        FunctionsPanel* functions = nullptr;
        TimeRangeController* range = nullptr;
    };

    explicit AlertsController(Parts parts, QObject* parent = nullptr);
    ~AlertsController() override;
    Q_DISABLE_COPY_MOVE(AlertsController)

    // Follows `service` (null: none, e.g. a window on another Kodemon).
    void attach(AlertService* service);
    void detach();

    AlertsPanel* panel() const { return m_panel; }
    AlertTray* tray() const { return m_tray; }
    QDockWidget* dock() const { return m_dock; }
    QAction* toggleAction() const;

    // Shows `series` from a while before `time` to a while after, paused there.
    void showFunctionAt(const KeyId& series, double time);
    // The chart's markers of a snapshot: every firing and resolution in its rules' recent transitions.
    static QList<struct ChartMarker> markersOf(const AlertSnapshot& snapshot);

private:
    void onUpdated(const AlertSnapshot& snapshot);

    Parts m_parts;
    AlertsPanel* m_panel;
    QDockWidget* m_dock;
    AlertTray* m_tray;
    AlertService* m_service = nullptr;
    bool m_shownOnce = false;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace Kodemon
