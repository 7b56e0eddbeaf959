// SPDX-License-Identifier: MIT
#include "filterbar.h"

#include "base/tagfilter.h"
#include "baselinedialog.h"
#include "displayformat.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QToolButton>

namespace Kodemon {

namespace {

using Kind = BaselineChoice::Kind;

const QString ChipStyle = QStringLiteral(
    "QToolButton { background: #e4eef8; border: 1px solid #a9c1dc; border-radius: 9px; padding: 1px 7px; }"
    "QToolButton:hover { background: #f8e1e1; border-color: #d79a9a; }");

QLabel* caption(const QString& text)
{
    auto* label = new QLabel(text);
    label->setContentsMargins(8, 0, 0, 0);
    return label;
}

QString shortTime(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000)).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

FilterBar::FilterBar(ViewOptions* options, TimeRangeController* range, QWidget* parent)
    : QWidget(parent)
    , m_options(options)
    , m_range(range)
    , m_chips(new QHBoxLayout)
    , m_edit(new QLineEdit)
    , m_completions(new QStringListModel(this))
    , m_completer(new QCompleter(m_completions, this))
    , m_error(new QLabel)
    , m_clear(new QToolButton)
    , m_outcome(new QComboBox)
    , m_groupBy(new QComboBox)
    , m_split(new QCheckBox(tr("Split table")))
    , m_baseline(new QComboBox)
{
    setObjectName(QStringLiteral("filterBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(makeFilterPart(), 1);
    layout->addWidget(makeViewPart());
    connect(m_options, &ViewOptions::filterChanged, this, [this] {
        showFilters();
        showOutcome();
    });
    connect(m_options, &ViewOptions::groupByChanged, this, &FilterBar::showGroupBy);
    connect(m_options, &ViewOptions::splitTableChanged, this, &FilterBar::showGroupBy);
    connect(m_options, &ViewOptions::baselineChanged, this, &FilterBar::showBaseline);
    showFilters();
    showOutcome();
    showGroupBy();
    showBaseline();
}

FilterBar::~FilterBar() = default;

QWidget* FilterBar::makeFilterPart()
{
    auto* part = new QWidget;
    auto* layout = new QHBoxLayout(part);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_chips->setContentsMargins(0, 0, 0, 0);
    m_chips->setSpacing(4);
    layout->addWidget(new QLabel(tr("Calls:")));
    layout->addLayout(m_chips);
    m_edit->setObjectName(QStringLiteral("tagFilterEdit"));
    m_edit->setPlaceholderText(tr("Add a filter: endpoint:/cart, tier!:gold, error, !error"));
    m_edit->setToolTip(tr("name:value the tag has this value · name!:value any other value or none · name the tag "
                          "is there · !name it is not (Enter adds it; Ctrl+Shift+F comes here)"));
    m_edit->setMinimumWidth(m_edit->fontMetrics().horizontalAdvance(m_edit->placeholderText()) + 24);
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setMaxVisibleItems(14);
    m_edit->setCompleter(m_completer);
    connect(m_edit, &QLineEdit::returnPressed, this, [this] { addFilterText(m_edit->text()); });
    connect(m_edit, &QLineEdit::textEdited, this, [this] { showError({}); });
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
        [this](const QString& text) { addFilterText(text); });
    m_error->setObjectName(QStringLiteral("tagFilterError"));
    QPalette warning = m_error->palette();
    warning.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_error->setPalette(warning);
    m_error->hide();
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Show every call again: remove all filters and the outcome"));
    connect(m_clear, &QToolButton::clicked, m_options, &ViewOptions::clearFilters);
    layout->addWidget(m_edit);
    layout->addWidget(m_error);
    layout->addWidget(m_clear);
    layout->addStretch();
    return part;
}

QWidget* FilterBar::makeViewPart()
{
    auto* part = new QWidget;
    auto* layout = new QHBoxLayout(part);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_outcome->setObjectName(QStringLiteral("outcomeBox"));
    m_outcome->addItem(tr("All calls"), int(CallOutcome::All));
    m_outcome->addItem(tr("Successful calls"), int(CallOutcome::Succeeded));
    m_outcome->addItem(tr("Failed calls"), int(CallOutcome::Failed));
    m_outcome->setToolTip(tr("Every call, only those that succeeded, or only those that failed (they carry an "
                             "\"error\" member)"));
    connect(m_outcome, &QComboBox::activated, this,
        [this] { m_options->setOutcome(CallOutcome(m_outcome->currentData().toInt())); });
    m_groupBy->setObjectName(QStringLiteral("groupByBox"));
    m_groupBy->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_groupBy->setToolTip(tr("Draw one line per value of a tag of the current function (the 10 with the most "
                             "calls, then the others)"));
    connect(
        m_groupBy, &QComboBox::activated, this, [this] { m_options->setGroupBy(m_groupBy->currentData().toString()); });
    m_split->setObjectName(QStringLiteral("splitTableBox"));
    m_split->setToolTip(tr("Split each function in the table into one row per value of the group-by tag"));
    connect(m_split, &QCheckBox::toggled, m_options, &ViewOptions::setSplitTable);
    m_baseline->setObjectName(QStringLiteral("baselineBox"));
    m_baseline->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_baseline->setToolTip(tr("Compare the shown range with an earlier one: dashed in the chart, changes in the "
                              "statistics and the functions table"));
    for (Kind kind : { Kind::None, Kind::Previous, Kind::DayEarlier, Kind::WeekEarlier, Kind::Custom })
        m_baseline->addItem(QString(), int(kind));
    connect(m_baseline, &QComboBox::activated, this, &FilterBar::onBaselineActivated);
    layout->addWidget(m_outcome);
    layout->addWidget(caption(tr("Group by")));
    layout->addWidget(m_groupBy);
    layout->addWidget(m_split);
    layout->addWidget(caption(tr("Compare with")));
    layout->addWidget(m_baseline);
    return part;
}

void FilterBar::setCompletions(const QStringList& completions)
{
    if (completions != m_completions->stringList())
        m_completions->setStringList(completions);
}

void FilterBar::setTagNames(const QStringList& names)
{
    if (names == m_tagNames)
        return;
    m_tagNames = names;
    showGroupBy();
}

bool FilterBar::addFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return false;
    const auto filter = parseTagFilter(trimmed);
    if (!filter) {
        showError(filter.error());
        return false;
    }
    showError({});
    m_options->addTagFilter(*filter);
    m_edit->clear();
    // Again once a completion chosen from the list is done: the completer puts its text in the field after this.
    QMetaObject::invokeMethod(m_edit, &QLineEdit::clear, Qt::QueuedConnection);
    return true;
}

void FilterBar::focusField()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FilterBar::showError(const QString& error)
{
    m_error->setText(error.isEmpty() ? QString() : tr("Not a filter: %1").arg(error));
    m_error->setVisible(!error.isEmpty());
    QPalette colours = palette();
    if (!error.isEmpty())
        colours.setColor(QPalette::Base, QColor(0xfd, 0xec, 0xea));
    m_edit->setPalette(colours);
}

QString FilterBar::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool FilterBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && !m_edit->text().isEmpty()) {
        m_edit->clear();
        showError({});
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

QList<QToolButton*> FilterBar::chips() const
{
    QList<QToolButton*> chips;
    for (int i = 0; i < m_chips->count(); ++i) {
        if (auto* chip = qobject_cast<QToolButton*>(m_chips->itemAt(i)->widget()))
            chips.append(chip);
    }
    return chips;
}

void FilterBar::showFilters()
{
    while (QLayoutItem* item = m_chips->takeAt(0)) {
        // Later: a chip's click is what removed its filter, and it is still in its click handler.
        item->widget()->hide();
        item->widget()->deleteLater();
        delete item;
    }
    for (const auto& filter : m_options->tagFilters()) {
        const QString text = formatTagFilter(filter);
        auto* chip = new QToolButton;
        chip->setObjectName(QStringLiteral("filterChip"));
        chip->setText(text + QStringLiteral("  ✕"));
        chip->setToolTip(tr("Remove the filter %1").arg(text));
        chip->setStyleSheet(ChipStyle);
        chip->setCursor(Qt::PointingHandCursor);
        connect(chip, &QToolButton::clicked, m_options,
            [options = m_options, filter] { options->removeTagFilter(filter); });
        m_chips->addWidget(chip);
    }
    m_clear->setVisible(m_options->filtersCalls());
}

void FilterBar::showOutcome()
{
    m_outcome->setCurrentIndex(m_outcome->findData(int(m_options->outcome())));
}

void FilterBar::showGroupBy()
{
    const QString current = m_options->groupBy();
    m_groupBy->clear();
    m_groupBy->addItem(tr("Nothing"), QString());
    QStringList names = m_tagNames;
    if (!current.isEmpty() && !names.contains(current))
        names.prepend(current); // chosen for another function: kept, its calls are "(no tag)" here
    for (const QString& name : std::as_const(names))
        m_groupBy->addItem(name, name);
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(current)));
    m_groupBy->setEnabled(m_groupBy->count() > 1);
    const QSignalBlocker blocker(m_split);
    m_split->setChecked(m_options->splitsTable());
    m_split->setEnabled(!current.isEmpty());
}

void FilterBar::showBaseline()
{
    const BaselineChoice& baseline = m_options->baseline();
    for (int i = 0; i < m_baseline->count(); ++i) {
        const auto kind = Kind(m_baseline->itemData(i).toInt());
        QString text = kind == Kind::None ? tr("Nothing") : ViewOptions::baselineLabel(BaselineChoice { kind, {} });
        if (kind == Kind::Custom) {
            text = baseline.kind == Kind::Custom ? tr("%1 – %2").arg(
                       shortTime(baseline.custom.from.value_or(0)), shortTime(baseline.custom.to.value_or(0)))
                                                 : tr("Custom range…");
        }
        m_baseline->setItemText(i, text);
    }
    m_baseline->setCurrentIndex(m_baseline->findData(int(baseline.kind)));
}

void FilterBar::onBaselineActivated(int index)
{
    const auto kind = Kind(m_baseline->itemData(index).toInt());
    if (kind == Kind::Custom) {
        askCustomBaseline();
        return;
    }
    m_options->setBaseline(BaselineChoice { kind, {} });
}

void FilterBar::askCustomBaseline()
{
    // Proposed: the shown range's length just before it (or the custom range chosen before).
    TimeRange proposed = m_options->baseline().custom;
    const TimeRange shown = m_range->range();
    if (!proposed.from || !proposed.to) {
        const double to = shown.from.value_or(m_range->now() - 3600);
        const double length = shown.from && shown.to ? *shown.to - *shown.from : 3600.0;
        proposed = TimeRange { to - length, to };
    }
    auto* dialog = new BaselineDialog(proposed, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_options->setBaseline(BaselineChoice { Kind::Custom, dialog->range() });
    });
    connect(dialog, &QDialog::finished, this, &FilterBar::showBaseline); // cancelled: back to what is in effect
    dialog->open();
}

} // namespace Kodemon
