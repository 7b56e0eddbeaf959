// SPDX-License-Identifier: MIT
#include "alertscontroller.h"

#include "alerts/alertservice.h"
#include "alertrulemodel.h"
#include "alertspanel.h"
#include "appsettings.h"
#include "alerttray.h"
#include "chartmarkers.h"
#include "chartview.h"
#include "displayformat.h"
#include "functionspanel.h"
#include "timerangecontroller.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QSettings>

namespace Kodemon {

namespace {

constexpr double ShowBefore = 30 * 60; // seconds of calls before the moment: the change is visible
constexpr double ShowAfter = 10 * 60;
const QString DockShownKey = QStringLiteral("alerts/panelShown");

} // namespace

AlertsController::AlertsController(Parts parts, QObject* parent)
    : QObject(parent)
    , m_parts(parts)
    , m_panel(new AlertsPanel)
    , m_dock(new QDockWidget(tr("Alerts")))
    , m_tray(new AlertTray(this))
{
    m_dock->setObjectName(QStringLiteral("alertsDock"));
    m_dock->setWidget(m_panel);
    m_dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    m_parts.window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    m_dock->hide(); // until there are rules, or as the user left it
    toggleAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    connect(toggleAction(), &QAction::triggered, this, [](bool shown) {
        appSettings().setValue(DockShownKey, shown);
    });
    connect(m_panel, &AlertsPanel::openRequested, this, &AlertsController::showFunctionAt);
    connect(m_tray, &AlertTray::openRequested, this, &AlertsController::showFunctionAt);
    connect(m_tray, &AlertTray::activated, this, [this] {
        m_parts.window->showNormal();
        m_parts.window->raise();
        m_parts.window->activateWindow();
    });
    connect(m_parts.functions, &FunctionsPanel::selectionChanged, this, [this] {
        if (const auto key = m_parts.functions->currentKey())
            m_panel->setSuggestedFunction(key->key);
    });
}

AlertsController::~AlertsController()
{
    detach();
}

QAction* AlertsController::toggleAction() const
{
    return m_dock->toggleViewAction();
}

void AlertsController::attach(AlertService* service)
{
    detach();
    m_service = service;
    m_panel->setEditable(service != nullptr);
    m_tray->setEnabled(service != nullptr);
    toggleAction()->setEnabled(service != nullptr);
    if (!service)
        return;
    m_connections = {
        connect(service, &AlertService::updated, this, &AlertsController::onUpdated),
        connect(service, &AlertService::notified, m_tray, &AlertTray::notify),
        connect(service, &AlertService::editFinished, m_panel, &AlertsPanel::showEditResult),
        connect(m_panel, &AlertsPanel::saveRequested, service, &AlertService::saveRule),
        connect(m_panel, &AlertsPanel::deleteRequested, service, &AlertService::deleteRule),
        connect(m_panel, &AlertsPanel::muteRequested, service, &AlertService::setMuted),
    };
    onUpdated(service->snapshot());
}

void AlertsController::detach()
{
    for (const auto& connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_service = nullptr;
    m_panel->setEditable(false);
    m_tray->setEnabled(false);
}

void AlertsController::onUpdated(const AlertSnapshot& snapshot)
{
    // Shown by itself once there are rules, unless the user closed it before.
    const QVariant choice = appSettings().value(DockShownKey);
    if (!m_shownOnce && (choice.isValid() ? choice.toBool() : !snapshot.rules.isEmpty())) {
        m_dock->show();
        // Room for a few rules and their history; the chart keeps the rest.
        m_parts.window->resizeDocks({ m_dock }, { std::max(280, m_parts.window->height() / 3) }, Qt::Vertical);
        m_shownOnce = true;
    }
    m_panel->setSnapshot(snapshot);
    m_tray->setSnapshot(snapshot);
    m_parts.chart->setMarkers(markersOf(snapshot));
}

QList<ChartMarker> AlertsController::markersOf(const AlertSnapshot& snapshot)
{
    QList<ChartMarker> markers;
    for (const auto& status : snapshot.rules) {
        for (const auto& transition : status.recent) {
            const AlertNotice notice = noticeFor(transition.from, transition.to);
            if (notice == AlertNotice::None)
                continue;
            const bool firing = notice == AlertNotice::Firing;
            ChartMarker marker;
            marker.series = transition.series;
            marker.time = transition.time;
            marker.color = AlertRuleModel::stateColor(firing ? AlertState::Firing : AlertState::Resolved);
            marker.label = firing ? tr("▲ %1").arg(status.rule.name) : tr("✓ %1").arg(status.rule.name);
            marker.toolTip = tr("%1 %2 at %3 (%4)")
                                 .arg(status.rule.name, firing ? tr("fired") : tr("resolved"),
                                     DisplayFormat::dateTime(transition.time), transition.condition);
            markers.append(marker);
        }
    }
    return markers;
}

void AlertsController::showFunctionAt(const KeyId& series, double time)
{
    m_parts.window->showNormal();
    m_parts.window->raise();
    m_parts.window->activateWindow();
    m_parts.functions->selectKeys({ series });
    m_parts.range->setCustomRange(time - ShowBefore, std::min(time + ShowAfter, m_parts.range->now()));
}

} // namespace Kodemon
