// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace Kodemon {

class AlertRuleDialog;
class AlertRuleModel;

// The Alerts panel: every rule with its state, current value and last change; the selected rule's transitions
// below; buttons to create, edit, mute and delete rules. It only asks: the edits go out as signals (to
// AlertService, which writes the rules file) and come back as the next snapshot.
class AlertsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit AlertsPanel(QWidget* parent = nullptr);
    ~AlertsPanel() override;
    Q_DISABLE_COPY_MOVE(AlertsPanel)

    void setSnapshot(const AlertSnapshot& snapshot);
    // Whether rules can be changed here (not in a window on another Kodemon, which shows none).
    void setEditable(bool editable);
    // An edit did not reach the file: the error stays shown until the next edit.
    void showEditResult(const QString& error);
    // A new rule starts on this function (the one the window shows).
    void setSuggestedFunction(const QString& key);

    QString selectedRule() const;
    void selectRule(const QString& name);

    AlertRuleModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QTableWidget* history() const { return m_history; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* errorLabel() const { return m_error; }
    QPushButton* newButton() const { return m_new; }
    QPushButton* editButton() const { return m_edit; }
    QPushButton* muteButton() const { return m_mute; }
    QPushButton* deleteButton() const { return m_delete; }
    // The dialog open now, if any.
    AlertRuleDialog* dialog() const;

    void newRule();
    void editRule();
    void toggleMute();
    void deleteRule();

Q_SIGNALS:
    void saveRequested(const QString& previousName, const Kodemon::AlertRule& rule);
    void deleteRequested(const QString& name);
    void muteRequested(const QString& name, bool muted);
    // Double-click on a transition: show its function at that time.
    void openRequested(const Kodemon::KeyId& series, double time);

private:
    void openDialog(const AlertRule& rule, const QString& previousName);
    void updateButtons();
    void updateHistory();
    void updateStatus();
    const AlertRuleStatus* selectedStatus() const;

    AlertRuleModel* m_model;
    QTableView* m_table;
    QTableWidget* m_history;
    QLabel* m_status;
    QLabel* m_error;
    QPushButton* m_new;
    QPushButton* m_edit;
    QPushButton* m_mute;
    QPushButton* m_delete;
    QPointer<AlertRuleDialog> m_dialog;
    QString m_suggestedFunction;
    bool m_editable = false;
};

} // namespace Kodemon
