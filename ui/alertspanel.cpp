// SPDX-License-Identifier: MIT
#include "alertspanel.h"

#include "alertruledialog.h"
#include "alertrulemodel.h"
#include "alerts/rulesfile.h"
#include "displayformat.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

enum HistoryColumn { TimeColumn, FunctionColumn, ChangeColumn, ValueColumn, ThresholdColumn, HistoryColumnCount };
constexpr int SeriesRole = Qt::UserRole + 1;
constexpr int TimeRole = Qt::UserRole + 2;

// The stored condition (as the rule was then) says which statistic, and so which unit, the value is of.
QString valueOf(const std::optional<double>& value, const QString& condition)
{
    if (!value)
        return {};
    const auto parsed = parseCondition(condition);
    return parsed ? formatAlertValue(parsed->statistic, *value) : QString::number(*value, 'g', 4);
}

// The rule to show first: the first of the most urgent state.
QString mostUrgentRule(const AlertSnapshot& snapshot)
{
    const AlertRuleStatus* urgent = nullptr;
    for (const auto& status : snapshot.rules) {
        if (!urgent || stateUrgency(status.state()) > stateUrgency(urgent->state()))
            urgent = &status;
    }
    return urgent ? urgent->rule.name : QString();
}

} // namespace

AlertsPanel::AlertsPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new AlertRuleModel(this))
    , m_table(new QTableView)
    , m_history(new QTableWidget(0, HistoryColumnCount))
    , m_status(new QLabel)
    , m_error(new QLabel)
    , m_new(new QPushButton(tr("&New Rule…")))
    , m_edit(new QPushButton(tr("&Edit…")))
    , m_mute(new QPushButton(tr("&Mute")))
    , m_delete(new QPushButton(tr("&Delete")))
{
    m_table->setObjectName(QStringLiteral("alertRules"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setObjectName(QStringLiteral("alertHistory"));
    m_history->setHorizontalHeaderLabels({ tr("Time"), tr("Function"), tr("Change"), tr("Value"), tr("Threshold") });
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setToolTip(tr("Double-click a change to see its function's chart at that time"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));
    m_error->hide();
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    for (auto* button : { m_new, m_edit, m_mute, m_delete })
        buttons->addWidget(button);
    buttons->addStretch();
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_history);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(m_new, &QPushButton::clicked, this, &AlertsPanel::newRule);
    connect(m_edit, &QPushButton::clicked, this, &AlertsPanel::editRule);
    connect(m_mute, &QPushButton::clicked, this, &AlertsPanel::toggleMute);
    connect(m_delete, &QPushButton::clicked, this, &AlertsPanel::deleteRule);
    connect(m_table, &QTableView::doubleClicked, this, &AlertsPanel::editRule);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateButtons();
        updateHistory();
    });
    connect(m_history, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        const auto* item = m_history->item(row, TimeColumn);
        if (item)
            Q_EMIT openRequested(item->data(SeriesRole).value<KeyId>(), item->data(TimeRole).toDouble());
    });
    updateButtons();
    updateStatus();
}

AlertsPanel::~AlertsPanel() = default;

AlertRuleDialog* AlertsPanel::dialog() const
{
    return m_dialog;
}

void AlertsPanel::setSnapshot(const AlertSnapshot& snapshot)
{
    const QString selected = selectedRule();
    m_model->setSnapshot(snapshot);
    if (!selected.isEmpty())
        selectRule(selected); // a reset (rules added or removed) would lose it
    else if (const QString urgent = mostUrgentRule(snapshot); !urgent.isEmpty())
        selectRule(urgent); // its history shows at once
    updateButtons();
    updateHistory();
    updateStatus();
}

void AlertsPanel::setEditable(bool editable)
{
    m_editable = editable;
    updateButtons();
}

void AlertsPanel::showEditResult(const QString& error)
{
    m_error->setText(error.isEmpty() ? QString() : tr("The rules file was not changed: %1").arg(error));
    m_error->setVisible(!error.isEmpty());
}

void AlertsPanel::setSuggestedFunction(const QString& key)
{
    m_suggestedFunction = key;
}

QString AlertsPanel::selectedRule() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.constFirst().data(AlertRuleModel::RuleNameRole).toString();
}

void AlertsPanel::selectRule(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row >= 0)
        m_table->selectRow(row);
}

const AlertRuleStatus* AlertsPanel::selectedStatus() const
{
    return m_model->statusAt(m_model->rowOf(selectedRule()));
}

void AlertsPanel::updateButtons()
{
    const auto* status = selectedStatus();
    m_new->setEnabled(m_editable);
    m_edit->setEnabled(m_editable && status);
    m_delete->setEnabled(m_editable && status);
    m_mute->setEnabled(m_editable && status);
    m_mute->setText(status && status->rule.muted ? tr("Un&mute") : tr("&Mute"));
}

void AlertsPanel::updateHistory()
{
    const auto* status = selectedStatus();
    const QList<AlertTransition> transitions = status ? status->recent : QList<AlertTransition>();
    const double now = m_model->snapshot().time;
    m_history->setRowCount(int(transitions.size()));
    for (int row = 0; row < transitions.size(); ++row) {
        const auto& transition = transitions[row];
        auto* time = new QTableWidgetItem(DisplayFormat::clockTime(transition.time, now));
        time->setData(SeriesRole, QVariant::fromValue(transition.series));
        time->setData(TimeRole, transition.time);
        time->setToolTip(DisplayFormat::dateTime(transition.time));
        m_history->setItem(row, TimeColumn, time);
        QString function = DisplayFormat::shortKey(transition.series.key);
        if (!transition.series.token.isEmpty())
            function += QStringLiteral(" · ") + transition.series.token;
        auto* functionItem = new QTableWidgetItem(function);
        functionItem->setToolTip(transition.series.key);
        m_history->setItem(row, FunctionColumn, functionItem);
        auto* change = new QTableWidgetItem(
            QStringLiteral("%1 → %2").arg(alertStateName(transition.from), alertStateName(transition.to)));
        change->setForeground(AlertRuleModel::stateColor(transition.to));
        m_history->setItem(row, ChangeColumn, change);
        m_history->setItem(row, ValueColumn, new QTableWidgetItem(valueOf(transition.value, transition.condition)));
        m_history->setItem(row, ThresholdColumn,
            new QTableWidgetItem(transition.threshold ? valueOf(transition.threshold, transition.condition)
                                                      : transition.condition));
    }
    m_history->resizeColumnsToContents();
}

void AlertsPanel::updateStatus()
{
    const AlertSnapshot& snapshot = m_model->snapshot();
    if (snapshot.rulesPath.isEmpty()) {
        m_status->setText(m_editable ? QString() : tr("Alerts are evaluated by the Kodemon that collects the calls."));
        return;
    }
    QString text = tr("Rules in %1 · evaluated every %2").arg(snapshot.rulesPath, formatDuration(snapshot.settings.interval));
    if (snapshot.time > 0)
        text += tr(", last at %1 in %2 ms")
                    .arg(DisplayFormat::clockTime(snapshot.time, snapshot.time))
                    .arg(snapshot.evaluationMs, 0, 'f', 1);
    const auto& deliveries = snapshot.deliveries;
    if (deliveries.delivered + deliveries.failed + deliveries.waiting > 0)
        text += tr(" · notifications: %1 sent, %2 waiting, %3 failed").arg(deliveries.delivered).arg(deliveries.waiting).arg(deliveries.failed);
    if (!snapshot.rulesError.isEmpty())
        text += u'\n' + tr("The file as changed cannot be read (the rules before stay in force): %1").arg(snapshot.rulesError);
    m_status->setText(text);
}

void AlertsPanel::openDialog(const AlertRule& rule, const QString& previousName)
{
    if (m_dialog)
        m_dialog->close();
    m_dialog = new AlertRuleDialog(this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->setRule(rule);
    connect(m_dialog, &QDialog::accepted, this, [this, previousName, dialog = m_dialog] {
        if (const auto rule = dialog->rule())
            Q_EMIT saveRequested(previousName, *rule);
    });
    m_dialog->open();
}

void AlertsPanel::newRule()
{
    AlertRule rule;
    rule.function = m_suggestedFunction;
    rule.condition.threshold = 25;
    rule.forSeconds = 60;
    rule.keepFiringFor = 60;
    rule.name.clear();
    openDialog(rule, QString());
}

void AlertsPanel::editRule()
{
    if (const auto* status = selectedStatus(); status && m_editable)
        openDialog(status->rule, status->rule.name);
}

void AlertsPanel::toggleMute()
{
    if (const auto* status = selectedStatus(); status && m_editable)
        Q_EMIT muteRequested(status->rule.name, !status->rule.muted);
}

void AlertsPanel::deleteRule()
{
    const auto* status = selectedStatus();
    if (!status || !m_editable)
        return;
    const QString name = status->rule.name;
    auto* box = new QMessageBox(QMessageBox::Question, tr("Delete Alert Rule"),
        tr("Delete the rule \"%1\" from the rules file?").arg(name), QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("deleteRuleBox"));
    connect(box, &QMessageBox::finished, this, [this, name](int result) {
        if (result == QMessageBox::Yes)
            Q_EMIT deleteRequested(name);
    });
    box->open();
}

} // namespace Kodemon
