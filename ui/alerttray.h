// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <optional>
#include <QIcon>
#include <QObject>

class QSystemTrayIcon;

namespace Kodemon {

// Kodemon in the system tray, where the platform has one: red while an alert fires, amber while one is pending,
// green otherwise; a notification when an alert fires or resolves, and clicking it asks to open the function's
// chart at that time. Without a tray (offscreen, some desktops) it keeps the same state and shows nothing.
class AlertTray final : public QObject
{
    Q_OBJECT
public:
    explicit AlertTray(QObject* parent = nullptr);
    ~AlertTray() override;
    Q_DISABLE_COPY_MOVE(AlertTray)

    void setSnapshot(const AlertSnapshot& snapshot);
    // Shows the notification of an alert that fired or resolved.
    void notify(const AlertEvent& event);
    void setEnabled(bool enabled); // shown while alerts run; hidden when the window has none

    QSystemTrayIcon* trayIcon() const { return m_tray; }
    bool isTrayAvailable() const;
    // What the tray shows: the icon's state colour, its tooltip, the last notification.
    AlertState shownState() const { return m_state; }
    QIcon icon() const;
    QString toolTip() const;
    QString lastTitle() const { return m_title; }
    QString lastMessage() const { return m_message; }

    static QIcon iconFor(AlertState state);

Q_SIGNALS:
    // The user clicked a notification: show `series` around `time` (epoch seconds).
    void openRequested(const Kodemon::KeyId& series, double time);
    // The user clicked the icon itself.
    void activated();

private:
    void onMessageClicked();

    QSystemTrayIcon* m_tray;
    AlertState m_state = AlertState::Ok;
    QString m_title;
    QString m_message;
    std::optional<AlertEvent> m_lastEvent;
    bool m_enabled = false;
};

} // namespace Kodemon
