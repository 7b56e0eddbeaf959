// SPDX-License-Identifier: MIT
// The window's state across restarts (QSettings): geometry, splitters, columns, range, selection, filters,
// group-by and baseline.
#include "appsettings.h"
#include "base/logging.h"
#include "base/tagfilter.h"
#include "chartview.h"
#include "functionspanel.h"
#include "mainwindow.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

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
    store.setValue(QStringLiteral("window/leftSplitter"), m_leftSplitter->saveState());
    store.setValue(QStringLiteral("window/functionsHeader"), m_functions->headerState());
    store.setValue(QStringLiteral("chart/logarithmic"), m_chart->isLogarithmic());
    store.setValue(QStringLiteral("chart/failures"), m_chart->showsFailures());
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
    saveViewOptions();
}

void MainWindow::saveViewOptions() const
{
    QSettings store = appSettings();
    store.setValue(QStringLiteral("filters/tags"), m_options->filterTexts());
    store.setValue(QStringLiteral("filters/outcome"), outcomeName(m_options->outcome()));
    store.setValue(QStringLiteral("view/groupBy"), m_options->groupBy());
    store.setValue(QStringLiteral("view/splitTable"), m_options->splitsTable());
    const BaselineChoice& baseline = m_options->baseline();
    store.setValue(QStringLiteral("baseline/kind"), int(baseline.kind));
    store.setValue(
        QStringLiteral("baseline/from"), baseline.custom.from ? QVariant(*baseline.custom.from) : QVariant());
    store.setValue(QStringLiteral("baseline/to"), baseline.custom.to ? QVariant(*baseline.custom.to) : QVariant());
}

void MainWindow::restoreViewOptions()
{
    const QSettings store = appSettings();
    QList<TagFilter> filters;
    for (const QString& text : store.value(QStringLiteral("filters/tags")).toStringList()) {
        if (const auto filter = parseTagFilter(text))
            filters.append(*filter);
        else
            qCWarning(lcUi) << "ignoring the saved filter" << text << ":" << filter.error();
    }
    m_options->setTagFilters(filters);
    m_options->setOutcome(
        parseOutcome(store.value(QStringLiteral("filters/outcome")).toString()).value_or(CallOutcome::All));
    m_options->setGroupBy(store.value(QStringLiteral("view/groupBy")).toString());
    m_options->setSplitTable(store.value(QStringLiteral("view/splitTable"), true).toBool());
    using Kind = BaselineChoice::Kind;
    const int kind = store.value(QStringLiteral("baseline/kind"), int(Kind::None)).toInt();
    BaselineChoice baseline { kind >= 0 && kind <= int(Kind::Custom) ? Kind(kind) : Kind::None, {} };
    const QVariant from = store.value(QStringLiteral("baseline/from"));
    const QVariant to = store.value(QStringLiteral("baseline/to"));
    if (from.isValid() && to.isValid())
        baseline.custom = TimeRange { from.toDouble(), to.toDouble() };
    if (baseline.kind == Kind::Custom && (!from.isValid() || !to.isValid()))
        baseline.kind = Kind::None;
    m_options->setBaseline(baseline);
    showOptionColumns();
}

void MainWindow::restoreState()
{
    const QSettings store = appSettings();
    if (!restoreGeometry(store.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 880);
    if (!m_mainSplitter->restoreState(store.value(QStringLiteral("window/mainSplitter")).toByteArray()))
        m_mainSplitter->setSizes({ 600, 840 });
    if (!m_rightSplitter->restoreState(store.value(QStringLiteral("window/rightSplitter")).toByteArray()))
        m_rightSplitter->setSizes({ 480, 300 });
    if (!m_leftSplitter->restoreState(store.value(QStringLiteral("window/leftSplitter")).toByteArray()))
        m_leftSplitter->setSizes({ 520, 260 });
    m_functions->restoreHeaderState(store.value(QStringLiteral("window/functionsHeader")).toByteArray());
    m_logScaleAction->setChecked(store.value(QStringLiteral("chart/logarithmic"), false).toBool());
    m_failuresAction->setChecked(store.value(QStringLiteral("chart/failures"), false).toBool());
    const QStringList keys = store.value(QStringLiteral("selection/keys")).toStringList();
    const QStringList tokens = store.value(QStringLiteral("selection/tokens")).toStringList();
    for (qsizetype i = 0; i < keys.size() && i < tokens.size(); ++i)
        m_restoredSelection.append(KeyId { tokens[i], keys[i] });
    restoreViewOptions();
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
