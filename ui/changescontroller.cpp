// SPDX-License-Identifier: MIT
#include "changescontroller.h"

#include "analysis/changefinder.h"
#include "appsettings.h"
#include "base/logging.h"
#include "base/sentence.h"
#include "changesmodel.h"
#include "changespanel.h"
#include "chartmarkers.h"
#include "chartview.h"
#include "displayformat.h"
#include "functionspanel.h"
#include "store/query.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QMainWindow>
#include <QSettings>
#include <QTimer>

namespace Kodemon {

namespace {

constexpr double MarkersBefore = 3600; // a deploy up to an hour before the range can still explain a change in it
const QColor BeforeColor(0x1f, 0x77, 0xb4);
const QString DockShownKey = QStringLiteral("changes/panelShown");

Result<ChangeReport> findAll(Query& query, ChangeRequest request)
{
    // The markers a change may be listed beside: those up to an hour before the range too.
    if (auto found = query.annotations({ *request.range.from - MarkersBefore, request.range.to }))
        request.annotations = std::move(*found);
    return findChanges(query, request);
}

} // namespace

ChangesController::ChangesController(Parts parts, QObject* parent)
    : QObject(parent)
    , m_parts(parts)
    , m_model(new ChangesModel(this))
    , m_panel(new ChangesPanel(m_model))
    , m_dock(new QDockWidget(tr("What Changed")))
    , m_timer(new QTimer(this))
    , m_jobs(this)
{
    m_dock->setObjectName(QStringLiteral("changesDock"));
    m_dock->setWidget(m_panel);
    m_dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    m_parts.window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    // Shown until the user closes it; the choice is kept.
    m_dock->setVisible(appSettings().value(DockShownKey, true).toBool());
    connect(toggleAction(), &QAction::triggered, this, [](bool shown) { appSettings().setValue(DockShownKey, shown); });
    toggleAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    toggleAction()->setToolTip(tr("Step changes in every function's latency and error rate (Ctrl+Shift+C)"));
    connect(m_panel, &ChangesPanel::openRequested, this, &ChangesController::open);
    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_parts.range->isLive() && !m_jobs.isBusy())
            refresh();
    });
    connect(m_parts.range, &TimeRangeController::rangeChanged, this, [this] {
        if (!m_opening)
            reload();
    });
    connect(m_parts.range, &TimeRangeController::liveChanged, this, [this](bool live) {
        if (live)
            m_timer->start();
        else
            m_timer->stop();
    });
    // The functions the table shows: its token and tag filters are asked for, its filter text picks from the answer.
    connect(m_parts.functions, &FunctionsPanel::tokenChanged, this, &ChangesController::reload);
    if (m_parts.options)
        connect(m_parts.options, &ViewOptions::filterChanged, this, &ChangesController::reload);
    connect(m_parts.functions->filterEdit(), &QLineEdit::textChanged, this, &ChangesController::show);
    // Hidden, it reads nothing; shown again, it catches up.
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            reload();
    });
    if (m_parts.range->isLive())
        m_timer->start();
}

ChangesController::~ChangesController() = default;

QAction* ChangesController::toggleAction() const
{
    return m_dock->toggleViewAction();
}

void ChangesController::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_thread = thread;
    reload();
}

TimeRange ChangesController::scopeOf(const TimeRange& shown) const
{
    const double to = shown.to.value_or(m_parts.range->now());
    return { shown.from.value_or(to - DefaultSpan), to };
}

void ChangesController::reload()
{
    if (m_thread && !m_dock->isHidden())
        m_panel->setNote(tr("Looking for changes…"));
    refresh();
}

// Quietly: a live refresh keeps the list and its note until the new report replaces them.
void ChangesController::refresh()
{
    if (!m_thread) {
        m_jobs.cancel();
        m_model->setChanges({}, m_parts.range->now());
        m_panel->setNote({});
        return;
    }
    if (m_dock->isHidden())
        return;
    m_jobs.start(
        *m_thread,
        [job = request(), finder = m_finder](
            Query& query, const JobTracker::IsStale&) { return finder ? finder(query, job) : findAll(query, job); },
        [this](const Result<ChangeReport>& report) { apply(report); });
}

ChangeRequest ChangesController::request() const
{
    ChangeRequest request;
    request.range = scopeOf(m_parts.range->range());
    request.token = m_parts.functions->token();
    if (m_parts.options)
        request.tags = m_parts.options->tagFilters();
    return request;
}

void ChangesController::apply(const Result<ChangeReport>& report)
{
    qCDebug(lcUi) << "changes found in" << m_jobs.elapsedMs() << "ms";
    if (!report) {
        m_report.reset();
        m_model->setChanges({}, m_parts.range->now());
        m_panel->setNote(tr("Cannot look for changes: %1").arg(sentence(report.error())));
        Q_EMIT loaded(report.error());
        return;
    }
    m_scope = report->range;
    m_report = *report;
    show();
    Q_EMIT loaded({});
}

// The changes of the functions whose key holds the table's filter text (as KeyFilterProxy matches them).
void ChangesController::show()
{
    if (!m_report)
        return;
    const QString text = m_parts.functions->filterEdit()->text();
    QList<Change> shown;
    for (const Change& change : std::as_const(m_report->changes)) {
        if (change.id.key.contains(text, Qt::CaseInsensitive))
            shown.append(change);
    }
    m_model->setChanges(shown, m_parts.range->now());
    describe(*m_report, shown.size());
}

void ChangesController::describe(const ChangeReport& report, qsizetype shown)
{
    const QString span = QStringLiteral("%1 – %2").arg(
        DisplayFormat::dateTime(report.range.from.value_or(0)), DisplayFormat::dateTime(report.range.to.value_or(0)));
    const bool defaulted = !m_parts.range->range().from;
    const QString functions = report.functions == 1 ? tr("1 function") : tr("%1 functions").arg(DisplayFormat::count(report.functions));
    QString text = tr("%1, %2 calls in %3")
                       .arg(functions, DisplayFormat::count(report.calls),
                           defaulted ? tr("the last 24 hours (%1)").arg(span) : span);
    if (report.changes.isEmpty())
        text += u'\n' + tr("No step change in this range: every function kept its latency and its error rate.");
    else if (shown < report.changes.size())
        text += u'\n'
            + tr("%1 of %2 changes: those of functions whose name contains “%3”")
                  .arg(shown)
                  .arg(report.changes.size())
                  .arg(m_parts.functions->filterEdit()->text());
    QString how = tr("A step counts when both sides hold at least %1 calls, differ by at least %2 % and the "
                     "rank test (or the test of two proportions, for the error rate) gives p < %3.")
                      .arg(report.options.minCallsPerSide)
                      .arg(report.options.minEffect * 100)
                      .arg(report.options.significance);
    if (report.withheld > 0)
        how += u' ' + tr("%n step(s) passing that alone not listed: over %1 functions, chance gives some, and the list is "
                         "held to a false discovery rate of %2 %.", nullptr, int(report.withheld))
                          .arg(DisplayFormat::count(report.functions))
                          .arg(report.options.falseDiscoveryRate * 100);
    m_panel->setNote(text, how);
}

void ChangesController::open(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const Change change = m_model->change(row);
    const double pad = std::max(change.bucketSeconds, 0.05 * (change.after.to - change.before.from));
    m_opening = true;
    m_parts.functions->selectKeys({ change.id });
    m_parts.range->setCustomRange(change.before.from - pad, change.after.to + pad);
    m_opening = false;
    m_parts.chart->setMarkers(sidesOf(change), MarkerLayer::Change);
}

QList<ChartMarker> ChangesController::sidesOf(const Change& change)
{
    ChartMarker before;
    before.series = change.id;
    before.time = change.before.from;
    before.end = change.before.to;
    before.color = BeforeColor;
    before.label = tr("before");
    before.toolTip = tr("Before the change: %1 calls").arg(DisplayFormat::count(change.before.calls));
    ChartMarker after;
    after.series = change.id;
    after.time = change.after.from;
    after.end = change.after.to;
    after.color = change.improvement ? ChangesModel::improvementColor() : ChangesModel::regressionColor();
    after.label = ChangesModel::sizeText(change);
    after.toolTip
        = tr("After the change: %1 (%2)").arg(ChangesModel::sizeText(change), ChangesModel::figuresText(change));
    return { before, after };
}

} // namespace Kodemon
