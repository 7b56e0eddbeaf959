// SPDX-License-Identifier: MIT
#include "alertruledialog.h"

#include "alerts/rulesfile.h"
#include "base/tagfilter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

// The comparison box: a threshold's operators, then the two ways of comparing with a baseline.
const QStringList Comparisons = { QStringLiteral(">"), QStringLiteral(">="), QStringLiteral("<"),
    QStringLiteral("<="), QStringLiteral("% above baseline"), QStringLiteral("% below baseline") };
constexpr int FirstRelative = 4;

const QList<AlertStatistic> Statistics = { AlertStatistic::P95, AlertStatistic::P99, AlertStatistic::P90,
    AlertStatistic::P50, AlertStatistic::Mean, AlertStatistic::Max, AlertStatistic::ErrorRate,
    AlertStatistic::CallsPerMinute, AlertStatistic::NoCalls };

QString number(double value)
{
    return QString::number(value, 'g', 12);
}

} // namespace

AlertRuleDialog::AlertRuleDialog(QWidget* parent)
    : QDialog(parent)
    , m_name(new QLineEdit)
    , m_function(new QLineEdit)
    , m_pattern(new QCheckBox(tr("Pattern (* any text, ? one character)")))
    , m_token(new QLineEdit)
    , m_tags(new QPlainTextEdit)
    , m_outcome(new QComboBox)
    , m_statistic(new QComboBox)
    , m_comparison(new QComboBox)
    , m_threshold(new QDoubleSpinBox)
    , m_unit(new QLabel)
    , m_baseline(new QComboBox)
    , m_window(new QLineEdit(QStringLiteral("5m")))
    , m_for(new QLineEdit(QStringLiteral("0s")))
    , m_keepFiring(new QLineEdit(QStringLiteral("0s")))
    , m_webhook(new QLineEdit)
    , m_command(new QLineEdit)
    , m_description(new QLineEdit)
    , m_muted(new QCheckBox(tr("Muted: evaluate and record, but do not notify")))
    , m_error(new QLabel)
{
    setWindowTitle(tr("Alert Rule"));
    m_name->setPlaceholderText(tr("checkout is slow"));
    m_function->setPlaceholderText(tr("/srv/shop/views.py-checkout"));
    m_token->setPlaceholderText(tr("every token"));
    m_tags->setPlaceholderText(tr("one filter a line: endpoint:/cart, tier!:free, !retry"));
    m_tags->setFixedHeight(m_tags->fontMetrics().lineSpacing() * 3 + 12);
    m_outcome->addItems({ tr("all calls"), tr("succeeded calls"), tr("failed calls") });
    for (const auto statistic : Statistics)
        m_statistic->addItem(statisticName(statistic), int(statistic));
    m_comparison->addItems(Comparisons);
    m_threshold->setRange(0, 1e9);
    m_threshold->setDecimals(3);
    m_threshold->setValue(25);
    m_baseline->addItem(tr("the same window a week earlier"), QStringLiteral("-1w"));
    m_baseline->addItem(tr("the same window a day earlier"), QStringLiteral("-1d"));
    m_baseline->addItem(tr("the window just before"), QStringLiteral("previous"));
    m_webhook->setPlaceholderText(tr("the rules file's webhook"));
    m_command->setPlaceholderText(tr("the rules file's command, e.g. notify-send Kodemon \"$KODEMON_ALERT_TEXT\""));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_error->hide();

    auto* condition = new QHBoxLayout;
    condition->addWidget(m_statistic);
    condition->addWidget(m_comparison);
    condition->addWidget(m_threshold);
    condition->addWidget(m_unit);
    condition->addStretch();
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Function:"), m_function);
    form->addRow(QString(), m_pattern);
    form->addRow(tr("&Token:"), m_token);
    form->addRow(tr("Ta&gs:"), m_tags);
    form->addRow(tr("&Calls:"), m_outcome);
    form->addRow(tr("&When:"), condition);
    form->addRow(tr("&Baseline:"), m_baseline);
    form->addRow(tr("Wi&ndow:"), m_window);
    form->addRow(tr("F&or:"), m_for);
    form->addRow(tr("&Keep firing for:"), m_keepFiring);
    form->addRow(tr("Web&hook:"), m_webhook);
    form->addRow(tr("Co&mmand:"), m_command);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(QString(), m_muted);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &AlertRuleDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_statistic, &QComboBox::currentIndexChanged, this, &AlertRuleDialog::updateConditionFields);
    connect(m_comparison, &QComboBox::currentIndexChanged, this, &AlertRuleDialog::updateConditionFields);
    updateConditionFields();
    resize(560, sizeHint().height());
}

AlertRuleDialog::~AlertRuleDialog() = default;

void AlertRuleDialog::updateConditionFields()
{
    const auto statistic = AlertStatistic(m_statistic->currentData().toInt());
    const bool noCalls = statistic == AlertStatistic::NoCalls;
    const bool relative = m_comparison->currentIndex() >= FirstRelative;
    m_comparison->setVisible(!noCalls);
    m_threshold->setVisible(!noCalls);
    m_unit->setVisible(!noCalls);
    m_baseline->setEnabled(relative && !noCalls);
    m_unit->setText(relative ? tr("%") : statisticUnit(statistic));
}

void AlertRuleDialog::setRule(const AlertRule& rule)
{
    m_name->setText(rule.name);
    m_function->setText(rule.function);
    m_pattern->setChecked(rule.pattern);
    m_token->setText(rule.token.value_or(QString()));
    QStringList tags;
    for (const auto& tag : rule.tags)
        tags.append(formatTagFilter(tag));
    m_tags->setPlainText(tags.join(u'\n'));
    m_outcome->setCurrentIndex(int(rule.outcome));
    m_statistic->setCurrentIndex(int(Statistics.indexOf(rule.condition.statistic)));
    const auto& condition = rule.condition;
    if (condition.isRelative()) {
        const bool above = condition.op == AlertOperator::Above || condition.op == AlertOperator::AtLeast;
        m_comparison->setCurrentIndex(above ? FirstRelative : FirstRelative + 1);
        m_threshold->setValue(condition.percent);
        const int baseline = m_baseline->findData(baselineText(*condition.baseline));
        if (baseline < 0)
            m_baseline->addItem(baselineText(*condition.baseline), baselineText(*condition.baseline));
        m_baseline->setCurrentIndex(m_baseline->findData(baselineText(*condition.baseline)));
    } else {
        m_comparison->setCurrentIndex(Comparisons.indexOf(operatorSymbol(condition.op)));
        m_threshold->setValue(condition.threshold);
    }
    m_window->setText(formatDuration(rule.window));
    m_for->setText(formatDuration(rule.forSeconds));
    m_keepFiring->setText(formatDuration(rule.keepFiringFor));
    m_webhook->setText(rule.webhook);
    m_command->setText(rule.command);
    m_description->setText(rule.description);
    m_muted->setChecked(rule.muted);
    updateConditionFields();
}

// The dialog writes what a person would write in the file, so that both are checked by the same code.
QList<QPair<QString, QString>> AlertRuleDialog::fields() const
{
    QList<QPair<QString, QString>> fields;
    const auto add = [&](const char* name, const QString& value) {
        if (!value.trimmed().isEmpty())
            fields.append({ QLatin1String(name), value.trimmed() });
    };
    add(m_pattern->isChecked() ? "functions" : "function", m_function->text());
    add("token", m_token->text());
    for (const auto& line : m_tags->toPlainText().split(u'\n'))
        add("tag", line);
    if (m_outcome->currentIndex() > 0)
        add("outcome", outcomeName(CallOutcome(m_outcome->currentIndex())));
    const auto statistic = AlertStatistic(m_statistic->currentData().toInt());
    const QString name = statisticName(statistic);
    if (statistic == AlertStatistic::NoCalls) {
        add("when", name);
    } else if (m_comparison->currentIndex() >= FirstRelative) {
        add("when", QStringLiteral("%1 %2%3").arg(name, number(m_threshold->value()), m_comparison->currentText()));
        add("baseline", m_baseline->currentData().toString());
    } else {
        add("when", QStringLiteral("%1 %2 %3 %4").arg(name, m_comparison->currentText(), number(m_threshold->value()),
                        statisticUnit(statistic)));
    }
    add("window", m_window->text());
    add("for", m_for->text());
    add("keep_firing_for", m_keepFiring->text());
    add("webhook", m_webhook->text());
    add("command", m_command->text());
    add("description", m_description->text());
    if (m_muted->isChecked())
        add("muted", QStringLiteral("yes"));
    return fields;
}

Result<AlertRule> AlertRuleDialog::rule() const
{
    return ruleFromFields(m_name->text(), fields());
}

QString AlertRuleDialog::error() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void AlertRuleDialog::accept()
{
    const auto checked = rule();
    if (!checked) {
        m_error->setText(checked.error());
        m_error->show();
        return;
    }
    m_error->hide();
    QDialog::accept();
}

} // namespace Kodemon
