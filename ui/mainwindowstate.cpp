// SPDX-License-Identifier: MIT
// The window's state across restarts (QSettings): geometry, splitters, columns, range and selection.
#include "appsettings.h"
#include "chartview.h"
#include "functionspanel.h"
#include "mainwindow.h"
#include "timerangecontroller.h"

#include <QAction>
#include <QSettings>
#include <QSplitter>

namespace Kodemon {

void MainWindow::saveState() const
{
    QSettings store = appSettings();
    store.setValue(QStringLiteral("window/geometry"), saveGeometry());
    store.setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    store.setValue(QStringLiteral("window/rightSplitter"), m_rightSplitter->saveState());
    store.setValue(QStringLiteral("window/functionsHeader"), m_functions->headerState());
    store.setValue(QStringLiteral("chart/logarithmic"), m_chart->isLogarithmic());
    store.setValue(QStringLiteral("range/preset"), int(m_range->preset()));
    store.setValue(QStringLiteral("range/live"), m_range->isLive());
    const TimeRange range = m_range->range();
    store.setValue(QStringLiteral("range/from"), range.from ? QVariant(*range.from) : QVariant());
    store.setValue(QStringLiteral("range/to"), range.to ? QVariant(*range.to) : QVariant());
    QStringList keys;
    QStringList tokens;
    for (const auto& id : m_functions->selectedKeys()) {
        keys.append(id.key);
        tokens.append(id.token);
    }
    store.setValue(QStringLiteral("selection/keys"), keys);
    store.setValue(QStringLiteral("selection/tokens"), tokens);
}

void MainWindow::restoreState()
{
    const QSettings store = appSettings();
    if (!restoreGeometry(store.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 880);
    if (!m_mainSplitter->restoreState(store.value(QStringLiteral("window/mainSplitter")).toByteArray()))
        m_mainSplitter->setSizes({ 560, 880 });
    if (!m_rightSplitter->restoreState(store.value(QStringLiteral("window/rightSplitter")).toByteArray()))
        m_rightSplitter->setSizes({ 480, 300 });
    m_functions->restoreHeaderState(store.value(QStringLiteral("window/functionsHeader")).toByteArray());
    m_logScaleAction->setChecked(store.value(QStringLiteral("chart/logarithmic"), false).toBool());
    const QStringList keys = store.value(QStringLiteral("selection/keys")).toStringList();
    const QStringList tokens = store.value(QStringLiteral("selection/tokens")).toStringList();
    for (qsizetype i = 0; i < keys.size() && i < tokens.size(); ++i)
        m_restoredSelection.append(KeyId { tokens[i], keys[i] });
    restoreRange();
}

void MainWindow::restoreRange()
{
    const QSettings store = appSettings();
    using Preset = TimeRangeController::Preset;
    const int saved = store.value(QStringLiteral("range/preset"), int(Preset::LastHour)).toInt();
    const auto preset = saved >= 0 && saved <= int(Preset::Custom) ? Preset(saved) : Preset::LastHour;
    const bool live = store.value(QStringLiteral("range/live"), true).toBool();
    const QVariant from = store.value(QStringLiteral("range/from"));
    const QVariant to = store.value(QStringLiteral("range/to"));
    if (preset == Preset::Custom && from.isValid() && to.isValid())
        m_range->setCustomRange(from.toDouble(), to.toDouble());
    else
        m_range->setPreset(preset == Preset::Custom ? Preset::LastHour : preset);
    m_range->setLive(live);
}

} // namespace Kodemon
