// SPDX-License-Identifier: MIT
#include "alerttray.h"

#include "alertrulemodel.h"
#include "displayformat.h"

#include <QPainter>
#include <QSystemTrayIcon>

namespace Kodemon {

namespace {

// A round badge in the state's colour with a white pulse line: readable at 16 px on light and dark panels.
QPixmap badge(const QColor& color, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1));
    QPen pen(Qt::white, std::max(1.0, size / 10.0));
    pen.setJoinStyle(Qt::RoundJoin);
    painter.setPen(pen);
    const qreal s = size;
    const QPointF line[] = { { s * 0.18, s * 0.55 }, { s * 0.38, s * 0.55 }, { s * 0.48, s * 0.28 },
        { s * 0.58, s * 0.75 }, { s * 0.66, s * 0.5 }, { s * 0.82, s * 0.5 } };
    painter.drawPolyline(line, 6);
    return pixmap;
}

// Unmuted alerts only: a muted rule is meant to stay quiet.
AlertState mostUrgent(const AlertSnapshot& snapshot, int& firing)
{
    AlertState state = AlertState::Ok;
    firing = 0;
    for (const auto& status : snapshot.rules) {
        if (status.rule.muted)
            continue;
        for (const auto& instance : status.instances) {
            firing += isFiring(instance.state) ? 1 : 0;
            if (stateUrgency(instance.state) > stateUrgency(state))
                state = instance.state;
        }
    }
    return state == AlertState::Resolving ? AlertState::Firing : state;
}

} // namespace

AlertTray::AlertTray(QObject* parent)
    : QObject(parent)
    , m_tray(new QSystemTrayIcon(this))
{
    m_tray->setIcon(iconFor(AlertState::Ok));
    m_tray->setToolTip(tr("Kodemon: no alerts"));
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &AlertTray::onMessageClicked);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT activated();
    });
}

AlertTray::~AlertTray() = default;

QIcon AlertTray::iconFor(AlertState state)
{
    // Resolved is no longer a worry: the same green as all clear.
    const QColor color = state == AlertState::Ok || state == AlertState::Resolved
        ? QColor(0x2c, 0xa0, 0x2c)
        : AlertRuleModel::stateColor(state);
    QIcon icon;
    for (const int size : { 16, 22, 24, 32, 48, 64 })
        icon.addPixmap(badge(color, size));
    return icon;
}

bool AlertTray::isTrayAvailable() const
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void AlertTray::setEnabled(bool enabled)
{
    m_enabled = enabled;
    m_tray->setVisible(enabled && isTrayAvailable());
}

QIcon AlertTray::icon() const
{
    return m_tray->icon();
}

QString AlertTray::toolTip() const
{
    return m_tray->toolTip();
}

void AlertTray::setSnapshot(const AlertSnapshot& snapshot)
{
    int firing = 0;
    const AlertState state = mostUrgent(snapshot, firing);
    if (state != m_state || m_tray->icon().isNull())
        m_tray->setIcon(iconFor(state));
    m_state = state;
    QString tip;
    if (firing > 0)
        tip = tr("Kodemon: %n alert(s) firing", nullptr, firing);
    else if (state == AlertState::Pending)
        tip = tr("Kodemon: an alert is pending");
    else
        tip = tr("Kodemon: no alert firing (%n rule(s))", nullptr, int(snapshot.rules.size()));
    m_tray->setToolTip(tip);
}

void AlertTray::notify(const AlertEvent& event)
{
    const bool firing = event.notice == AlertNotice::Firing;
    m_title = firing ? tr("Firing: %1").arg(event.rule.name) : tr("Resolved: %1").arg(event.rule.name);
    const auto& transition = event.transition;
    const auto statistic = event.rule.condition.statistic;
    QString measured = transition.value ? statisticName(statistic) + u' ' + formatAlertValue(statistic, *transition.value)
                                        : tr("no calls");
    if (statistic == AlertStatistic::NoCalls)
        measured = firing ? tr("no calls for %1").arg(formatDuration(event.rule.window)) : tr("calls again");
    m_message = tr("%1\n%2 (%3)\nClick to open its chart.")
                    .arg(DisplayFormat::shortKey(transition.series.key), measured, transition.condition);
    m_lastEvent = event;
    if (m_tray->isVisible())
        m_tray->showMessage(m_title, m_message,
            firing ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, 10000);
}

void AlertTray::onMessageClicked()
{
    if (m_lastEvent)
        Q_EMIT openRequested(m_lastEvent->transition.series, m_lastEvent->transition.time);
}

} // namespace Kodemon
