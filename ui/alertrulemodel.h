// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <QAbstractTableModel>
#include <QColor>

namespace Kodemon {

// The Alerts panel's table: one row per rule with its most urgent alert. Passive: it shows the snapshots it is
// given (AlertService::updated) and never asks the engine anything.
class AlertRuleModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StateColumn, NameColumn, FunctionColumn, ConditionColumn, ValueColumn, ChangedColumn, ColumnCount };
    enum Role {
        RuleNameRole = Qt::UserRole + 1, // QString
        StateRole, // int(AlertState) of the most urgent alert
    };

    explicit AlertRuleModel(QObject* parent = nullptr);
    ~AlertRuleModel() override;
    Q_DISABLE_COPY_MOVE(AlertRuleModel)

    // Replaces the rows; rows keep their place (and selection) while the rules stay the same.
    void setSnapshot(const AlertSnapshot& snapshot);
    const AlertSnapshot& snapshot() const { return m_snapshot; }
    int rowOf(const QString& rule) const;
    const AlertRuleStatus* statusAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The colour each state is shown in, here, in the tray and on the chart.
    static QColor stateColor(AlertState state);
    // "firing", "pending"... as the panel shows it ("firing, muted", "no calls yet" for a rule watching nothing).
    static QString stateText(const AlertRuleStatus& status);

private:
    QVariant display(const AlertRuleStatus& status, int column) const;
    QString toolTip(const AlertRuleStatus& status) const;

    AlertSnapshot m_snapshot;
};

} // namespace Kodemon
