// SPDX-License-Identifier: MIT
#include "rangepicker.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolButton>

namespace Kodemon {

namespace {

QString presetToolTip(TimeRangeController::Preset preset)
{
    return preset == TimeRangeController::Preset::All
        ? QObject::tr("Everything stored")
        : QObject::tr("The last %1").arg(TimeRangeController::presetLabel(preset));
}

// A dot that is red while live (like a recording light) and grey otherwise.
QIcon liveIcon()
{
    QIcon icon;
    for (auto [colour, state] :
        { std::pair { QColor(0xd3, 0x2f, 0x2f), QIcon::On }, std::pair { QColor(0x9e, 0x9e, 0x9e), QIcon::Off } }) {
        QPixmap pixmap(16, 16);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawEllipse(QRectF(3, 3, 10, 10));
        icon.addPixmap(pixmap, QIcon::Normal, state);
    }
    return icon;
}

QDateTime toDateTime(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000));
}

} // namespace

RangePicker::RangePicker(TimeRangeController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_presets(new QActionGroup(this))
    , m_live(new QAction(tr("Live"), this))
    , m_zoomOut(new QAction(tr("Zoom Out"), this))
    , m_from(makeEdit(tr("Start of the range (Enter applies)")))
    , m_to(makeEdit(tr("End of the range (Enter applies)")))
{
    setObjectName(QStringLiteral("rangePicker"));
    m_presets->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    m_live->setCheckable(true);
    m_live->setIcon(liveIcon());
    m_live->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_live->setToolTip(tr("Follow now and update as calls arrive (Ctrl+L)"));
    m_zoomOut->setShortcuts({ QKeySequence::ZoomOut, QKeySequence(Qt::ALT | Qt::Key_Left) });
    m_zoomOut->setToolTip(tr("Back to the range before the last zoom, or twice as wide (Ctrl+-, right-click)"));
    connect(m_live, &QAction::toggled, m_controller, &TimeRangeController::setLive);
    connect(m_zoomOut, &QAction::triggered, m_controller, &TimeRangeController::zoomOut);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(makePresetButtons());
    layout->addSpacing(10);
    layout->addWidget(new QLabel(tr("From")));
    layout->addWidget(m_from);
    layout->addWidget(new QLabel(tr("to")));
    layout->addWidget(m_to);
    layout->addSpacing(6);
    for (QAction* action : { m_live, m_zoomOut }) {
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(action == m_live ? Qt::ToolButtonTextBesideIcon : Qt::ToolButtonTextOnly);
        layout->addWidget(button);
    }

    connect(m_controller, &TimeRangeController::rangeChanged, this, &RangePicker::showRange);
    connect(m_controller, &TimeRangeController::liveAdvanced, this, &RangePicker::showRange);
    connect(m_controller, &TimeRangeController::presetChanged, this, &RangePicker::syncActions);
    connect(m_controller, &TimeRangeController::liveChanged, this, &RangePicker::syncActions);
    syncActions();
    showRange(m_controller->range());
}

RangePicker::~RangePicker() = default;

QWidget* RangePicker::makePresetButtons()
{
    auto* box = new QWidget;
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    int number = 1;
    for (const auto preset : TimeRangeController::presets()) {
        auto* action = new QAction(TimeRangeController::presetLabel(preset), m_presets);
        action->setCheckable(true);
        action->setData(QVariant::fromValue(preset));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + number++)));
        action->setToolTip(QStringLiteral("%1 (%2)").arg(
            presetToolTip(preset), action->shortcut().toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, [this, preset] {
            m_controller->setPreset(preset);
            syncActions(); // choosing the checked preset again must not uncheck it
        });
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        layout->addWidget(button);
    }
    return box;
}

QDateTimeEdit* RangePicker::makeEdit(const QString& toolTip)
{
    auto* edit = new QDateTimeEdit;
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    edit->setCalendarPopup(true);
    edit->setToolTip(toolTip);
    edit->setKeyboardTracking(false);
    connect(edit, &QDateTimeEdit::editingFinished, this, &RangePicker::applyEdits);
    return edit;
}

QList<QAction*> RangePicker::presetActions() const
{
    return m_presets->actions();
}

QAction* RangePicker::presetAction(TimeRangeController::Preset preset) const
{
    for (QAction* action : m_presets->actions()) {
        if (action->data().value<TimeRangeController::Preset>() == preset)
            return action;
    }
    return nullptr;
}

void RangePicker::syncActions()
{
    const auto preset = m_controller->preset();
    for (QAction* action : m_presets->actions())
        action->setChecked(action->data().value<TimeRangeController::Preset>() == preset);
    const QSignalBlocker blocker(m_live);
    m_live->setChecked(m_controller->isLive());
}

void RangePicker::showRange(const TimeRange& range)
{
    if (range.from && !m_from->hasFocus())
        display(m_from, m_shownFrom, *range.from);
    if (range.to && !m_to->hasFocus())
        display(m_to, m_shownTo, *range.to);
}

void RangePicker::display(QDateTimeEdit* edit, QDateTime& shown, double seconds)
{
    const QSignalBlocker blocker(edit);
    shown = toDateTime(seconds);
    edit->setDateTime(shown);
}

void RangePicker::showCoveredRange(double from, double to)
{
    const TimeRange range = m_controller->range();
    showRange(TimeRange { range.from.value_or(from), range.to.value_or(to) });
}

void RangePicker::applyEdits()
{
    // editingFinished also fires when focus merely leaves: only a value the user changed is a new range.
    const auto differs = [](const QDateTimeEdit* edit, const QDateTime& shown) {
        return std::abs(edit->dateTime().secsTo(shown)) >= 1;
    };
    if (!differs(m_from, m_shownFrom) && !differs(m_to, m_shownTo))
        return;
    m_controller->setCustomRange(
        double(m_from->dateTime().toMSecsSinceEpoch()) / 1000, double(m_to->dateTime().toMSecsSinceEpoch()) / 1000);
}

} // namespace Kodemon
