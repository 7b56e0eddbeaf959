// SPDX-License-Identifier: MIT
#include "alertrulemodel.h"

#include "displayformat.h"

#include <QDateTime>

namespace Kodemon {

namespace {

QString functionText(const AlertRuleStatus& status)
{
    const AlertRule& rule = status.rule;
    QString text = rule.pattern ? rule.function : DisplayFormat::shortKey(rule.function);
    if (rule.pattern && !status.instances.isEmpty())
        text += QObject::tr(" (%n function(s))", nullptr, int(status.instances.size()));
    if (rule.token)
        text += QStringLiteral(" · ") + *rule.token;
    return text;
}

QString valueText(const AlertRuleStatus& status)
{
    const AlertInstance* worst = status.worst();
    const AlertStatistic statistic = status.rule.condition.statistic;
    if (!worst)
        return {};
    if (statistic == AlertStatistic::NoCalls)
        return worst->value ? QObject::tr("%n call(s)", nullptr, int(*worst->value)) : QString();
    if (!worst->value)
        return QObject::tr("no calls");
    QString text = formatAlertValue(statistic, *worst->value);
    if (worst->threshold && status.rule.condition.isRelative())
        text += QObject::tr(" (threshold %1)").arg(formatAlertValue(statistic, *worst->threshold));
    return text;
}

} // namespace

AlertRuleModel::AlertRuleModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

AlertRuleModel::~AlertRuleModel() = default;

QColor AlertRuleModel::stateColor(AlertState state)
{
    switch (state) {
    case AlertState::Firing:
        return QColor(0xd6, 0x27, 0x28); // red
    case AlertState::Resolving:
        return QColor(0xe3, 0x6c, 0x0a); // orange: still firing, recovering
    case AlertState::Pending:
        return QColor(0xd9, 0xa4, 0x00); // amber
    case AlertState::Resolved:
        return QColor(0x2c, 0xa0, 0x2c); // green
    case AlertState::Ok:
        return QColor(0x7f, 0x7f, 0x7f);
    }
    return {};
}

QString AlertRuleModel::stateText(const AlertRuleStatus& status)
{
    QString text = status.instances.isEmpty() ? tr("no calls yet") : alertStateName(status.state());
    if (!status.error.isEmpty())
        text = tr("error");
    if (status.rule.muted)
        text += tr(", muted");
    return text;
}

void AlertRuleModel::setSnapshot(const AlertSnapshot& snapshot)
{
    bool sameRows = snapshot.rules.size() == m_snapshot.rules.size();
    for (int i = 0; sameRows && i < snapshot.rules.size(); ++i)
        sameRows = snapshot.rules[i].rule.name == m_snapshot.rules[i].rule.name;
    if (!sameRows) {
        beginResetModel();
        m_snapshot = snapshot;
        endResetModel();
        return;
    }
    m_snapshot = snapshot;
    if (!m_snapshot.rules.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_snapshot.rules.size()) - 1, ColumnCount - 1));
}

int AlertRuleModel::rowOf(const QString& rule) const
{
    for (int i = 0; i < m_snapshot.rules.size(); ++i) {
        if (m_snapshot.rules[i].rule.name == rule)
            return i;
    }
    return -1;
}

const AlertRuleStatus* AlertRuleModel::statusAt(int row) const
{
    return row >= 0 && row < m_snapshot.rules.size() ? &m_snapshot.rules[row] : nullptr;
}

int AlertRuleModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_snapshot.rules.size());
}

int AlertRuleModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertRuleModel::data(const QModelIndex& index, int role) const
{
    const AlertRuleStatus* status = statusAt(index.row());
    if (!status || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return display(*status, index.column());
    case Qt::ToolTipRole:
        return toolTip(*status);
    case Qt::ForegroundRole:
        if (index.column() == StateColumn)
            return stateColor(status->instances.isEmpty() ? AlertState::Ok : status->state());
        return status->rule.muted ? QVariant(QColor(0x90, 0x90, 0x90)) : QVariant();
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(stateColor(status->state())) : QVariant();
    case RuleNameRole:
        return status->rule.name;
    case StateRole:
        return int(status->state());
    default:
        return {};
    }
}

QVariant AlertRuleModel::display(const AlertRuleStatus& status, int column) const
{
    switch (column) {
    case StateColumn:
        return stateText(status);
    case NameColumn:
        return status.rule.name;
    case FunctionColumn:
        return functionText(status);
    case ConditionColumn: {
        QString text = conditionText(status.rule.condition);
        if (status.rule.forSeconds > 0)
            text += tr(" for %1").arg(formatDuration(status.rule.forSeconds));
        return QString(text + tr(" (window %1)").arg(formatDuration(status.rule.window)));
    }
    case ValueColumn:
        return valueText(status);
    case ChangedColumn:
        return status.recent.isEmpty()
            ? QString()
            : tr("%1 %2").arg(alertStateName(status.recent.constFirst().to),
                  DisplayFormat::clockTime(status.recent.constFirst().time, m_snapshot.time));
    default:
        return {};
    }
}

QString AlertRuleModel::toolTip(const AlertRuleStatus& status) const
{
    QStringList lines;
    lines.append(status.rule.name);
    lines.append(status.rule.function + (status.rule.pattern ? tr(" (pattern)") : QString()));
    if (!status.rule.description.isEmpty())
        lines.append(status.rule.description);
    for (const auto& instance : status.instances) {
        lines.append(tr("%1 · %2: %3 since %4")
                         .arg(DisplayFormat::shortKey(instance.series.key),
                             instance.series.token.isEmpty() ? tr("no token") : instance.series.token,
                             alertStateName(instance.state),
                             instance.since > 0 ? DisplayFormat::clockTime(instance.since, m_snapshot.time) : tr("start")));
    }
    if (!status.error.isEmpty())
        lines.append(tr("Last evaluation failed: %1").arg(status.error));
    return lines.join(u'\n');
}

QVariant AlertRuleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StateColumn:
        return tr("State");
    case NameColumn:
        return tr("Rule");
    case FunctionColumn:
        return tr("Function");
    case ConditionColumn:
        return tr("Condition");
    case ValueColumn:
        return tr("Now");
    case ChangedColumn:
        return tr("Last change");
    default:
        return {};
    }
}

} // namespace Kodemon
