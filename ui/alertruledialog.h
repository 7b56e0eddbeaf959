// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertrule.h"
#include "base/result.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace Kodemon {

// Creates or edits one alert rule: which calls, the condition, its timing and where to notify. Checks the rule
// as the rules file does (ruleFromFields) and stays open, saying what is wrong, until it reads back.
class AlertRuleDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit AlertRuleDialog(QWidget* parent = nullptr);
    ~AlertRuleDialog() override;
    Q_DISABLE_COPY_MOVE(AlertRuleDialog)

    void setRule(const AlertRule& rule);
    // The rule the fields describe, or what is wrong with it.
    Result<AlertRule> rule() const;
    QString error() const;

    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* functionEdit() const { return m_function; }
    QComboBox* statisticBox() const { return m_statistic; }
    QComboBox* comparisonBox() const { return m_comparison; }
    QDoubleSpinBox* thresholdBox() const { return m_threshold; }
    QLineEdit* windowEdit() const { return m_window; }
    QLineEdit* forEdit() const { return m_for; }
    QLineEdit* keepFiringEdit() const { return m_keepFiring; }

    void accept() override;

private:
    void updateConditionFields();
    QList<QPair<QString, QString>> fields() const;

    QLineEdit* m_name;
    QLineEdit* m_function;
    QCheckBox* m_pattern;
    QLineEdit* m_token;
    QPlainTextEdit* m_tags;
    QComboBox* m_outcome;
    QComboBox* m_statistic;
    QComboBox* m_comparison;
    QDoubleSpinBox* m_threshold;
    QLabel* m_unit;
    QComboBox* m_baseline;
    QLineEdit* m_window;
    QLineEdit* m_for;
    QLineEdit* m_keepFiring;
    QLineEdit* m_webhook;
    QLineEdit* m_command;
    QLineEdit* m_description;
    QCheckBox* m_muted;
    QLabel* m_error;
};

} // namespace Kodemon
