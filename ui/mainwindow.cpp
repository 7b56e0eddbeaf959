// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "alertscontroller.h"
#include "annotationsupdater.h"
#include "base/sentence.h"
#include "changescontroller.h"
#include "chartupdater.h"
#include "chartview.h"
#include "deletionflow.h"
#include "displayformat.h"
#include "emptystate.h"
#include "exportflow.h"
#include "filterbar.h"
#include "functionspanel.h"
#include "helpboxes.h"
#include "keylistmodel.h"
#include "keylistupdater.h"
#include "live/samplefeed.h"
#include "querythread.h"
#include "rangepicker.h"
#include "settingsdialog.h"
#include "statspanel.h"
#include "statsupdater.h"
#include "statusbar.h"
#include "storagesummary.h"
#include "store/query.h"
#include "store/store.h"
#include "tagsupdater.h"
#include "tagsview.h"
#include "tagvaluesmodel.h"
#include "testdatasender.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolBar>

namespace Kodemon {

namespace {

QString hostOf(const QUrl& url)
{
    return url.port() < 0 ? url.host() : QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_range(new TimeRangeController(this))
    , m_options(new ViewOptions(this))
    , m_model(new KeyListModel(this))
    , m_tagModel(new TagValuesModel(this))
    , m_functions(new FunctionsPanel(m_model))
    , m_chart(new ChartView)
    , m_stats(new StatsPanel)
    , m_tagsView(new TagsView(m_tagModel))
    , m_filterBar(new FilterBar(m_options, m_range))
    , m_emptyState(new EmptyState)
    , m_picker(new RangePicker(m_range))
    , m_status(new StatusBar)
    , m_keyUpdater(new KeyListUpdater(m_model, m_range, m_options, this))
    , m_chartUpdater(new ChartUpdater(m_chart, m_range, m_options, this))
    , m_statsUpdater(new StatsUpdater(m_stats, m_range, m_options, this))
    , m_tagsUpdater(new TagsUpdater(m_tagModel, m_range, m_options, this))
    , m_annotations(new AnnotationsUpdater(m_chart, m_range, this))
    , m_export(new ExportFlow(this, m_status))
    , m_deletion(new DeletionFlow(this, m_status))
    , m_sender(new TestDataSender(this))
{
    setWindowTitle(tr("Kodemon"));
    m_chart->setObjectName(QStringLiteral("chartView"));
    m_stats->setObjectName(QStringLiteral("statsPanel"));
    setCentralWidget(makeCentralWidget());
    setStatusBar(m_status);
    m_alerts = new AlertsController({ this, m_chart, m_functions, m_range }, this);
    m_changes = new ChangesController({ this, m_chart, m_functions, m_range, m_options }, this);
    tabifyDockWidget(m_changes->dock(), m_alerts->dock());
    m_changes->dock()->raise();
    makeActions();
    makeMenus();
    makeToolBar();
    connectParts();
    restoreState();
    updateEmptyState();
}

MainWindow::~MainWindow()
{
    saveState(); // also when SIGTERM ended the event loop without closing the window
    detach();
    // The dock controllers touch their panels as they go: they go first, since tabified docks die among the
    // children in an order of their own (a crash in ~AlertsController once the docks were tabified).
    delete std::exchange(m_changes, nullptr);
    delete std::exchange(m_alerts, nullptr);
    // The children die after this body, in ~QWidget: a signal one of them sends then (a selection emptied while its
    // view goes) must not reach this half-destroyed window (UBSan: "downcast of address ... which does not point
    // to an object of type 'MainWindow'", tst_mainwindow under the asan preset).
    const auto children = findChildren<QObject*>();
    for (QObject* child : children)
        QObject::disconnect(child, nullptr, this, nullptr);
}

QWidget* MainWindow::makeCentralWidget()
{
    // The current function's tags under the list of functions: a detail of the selection, as wide as the list.
    m_leftSplitter = new QSplitter(Qt::Vertical);
    m_leftSplitter->setObjectName(QStringLiteral("leftSplitter"));
    m_leftSplitter->addWidget(m_functions);
    m_leftSplitter->addWidget(m_tagsView);
    m_leftSplitter->setStretchFactor(0, 3);
    m_leftSplitter->setStretchFactor(1, 1);
    m_leftSplitter->setChildrenCollapsible(false);
    m_tagsView->setObjectName(QStringLiteral("tagsView"));
    m_rightSplitter = new QSplitter(Qt::Vertical);
    m_rightSplitter->setObjectName(QStringLiteral("rightSplitter"));
    m_rightSplitter->addWidget(m_chart);
    m_rightSplitter->addWidget(m_stats);
    m_rightSplitter->setStretchFactor(0, 3);
    m_rightSplitter->setStretchFactor(1, 2);
    m_rightSplitter->setChildrenCollapsible(false);
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_rightSplitter);
    m_stack->addWidget(m_emptyState);
    m_mainSplitter = new QSplitter(Qt::Horizontal);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_leftSplitter);
    m_mainSplitter->addWidget(m_stack);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setChildrenCollapsible(false);
    return m_mainSplitter;
}

void MainWindow::makeActions()
{
    m_exportAction = new QAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Export CSV…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setToolTip(tr("Export the calls of the selected functions in the shown range as CSV (Ctrl+E)"));
    connect(m_exportAction, &QAction::triggered, this, [this] {
        m_export->ask(ExportFlow::Selection {
            m_functions->selectedKeys(), m_range->range(), m_options->tagFilters(), m_options->outcome() });
    });
    m_deleteAction = new QAction(tr("&Delete Calls…"), this);
    m_deleteAction->setToolTip(tr("Delete the current function's calls, in the shown range or all (asks first)"));
    connect(m_deleteAction, &QAction::triggered, this,
        [this] { m_deletion->ask(m_functions->currentKey(), m_range->range()); });
    connect(m_deletion, &DeletionFlow::finished, this, [this](qint64, const QString& error) {
        if (error.isEmpty())
            m_reloadAction->trigger();
    });
    m_sendTestDataAction = new QAction(tr("Send &Test Data"), this);
    m_sendTestDataAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_sendTestDataAction->setToolTip(tr("Send a few hundred example calls to this Kodemon's UDP port"));
    connect(m_sendTestDataAction, &QAction::triggered, this, &MainWindow::sendTestData);
    m_settingsAction = new QAction(tr("&Settings…"), this);
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setToolTip(tr("Ports, addresses and the database file (Ctrl+,)"));
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);
    m_reloadAction = new QAction(tr("&Reload"), this);
    m_reloadAction->setShortcut(QKeySequence::Refresh);
    connect(m_reloadAction, &QAction::triggered, this, [this] {
        m_keyUpdater->reload();
        m_chartUpdater->reload();
        m_statsUpdater->reload();
        m_tagsUpdater->reload();
        m_annotations->reload();
        m_changes->reload();
    });
    m_logScaleAction = new QAction(tr("&Logarithmic Scale"), this);
    m_logScaleAction->setCheckable(true);
    m_logScaleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_logScaleAction->setToolTip(tr("Execution times on a log scale: fast and slow functions side by side"));
    connect(m_logScaleAction, &QAction::toggled, m_chart, &ChartView::setLogarithmic);
    m_findAction = new QAction(tr("&Find Function"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, m_functions, &FunctionsPanel::focusFilter);
    m_failuresAction = new QAction(tr("Show &Failures"), this);
    m_failuresAction->setCheckable(true);
    m_failuresAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_failuresAction->setToolTip(tr("Circle the failed calls in the chart, or draw the failed share per bucket on a "
                                    "second axis when calls are summarized (Ctrl+Shift+E)"));
    connect(m_failuresAction, &QAction::toggled, m_chart, &ChartView::setShowFailures);
    m_filterAction = new QAction(tr("Filter &Calls"), this);
    m_filterAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(m_filterAction, &QAction::triggered, m_filterBar, &FilterBar::focusField);
}

void MainWindow::makeMenus()
{
    m_functions->addTableAction(m_exportAction);
    m_functions->addTableAction(m_deleteAction);
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_exportAction);
    file->addAction(m_sendTestDataAction);
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QMenu* range = view->addMenu(tr("&Range"));
    range->addActions(m_picker->presetActions());
    view->addAction(m_picker->liveAction());
    view->addAction(m_picker->zoomOutAction());
    view->addAction(m_reloadAction);
    view->addAction(m_logScaleAction);
    view->addAction(m_alerts->toggleAction());
    view->addAction(m_changes->toggleAction());
    view->addAction(m_failuresAction);
    view->addSeparator();
    view->addAction(m_findAction);
    view->addAction(m_filterAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* howTo = help->addAction(tr("&Sending Data…"), this, [this] { HelpBoxes::sendingData(this, m_services); });
    howTo->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Kodemon"), this, [this] { HelpBoxes::about(this, m_services); });
}

void MainWindow::makeToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_exportAction);
    bar->addSeparator();
    bar->addWidget(m_picker);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addAction(m_settingsAction);

    addToolBarBreak();
    QToolBar* filters = addToolBar(tr("Filters"));
    filters->setObjectName(QStringLiteral("filterToolBar"));
    filters->setMovable(false);
    filters->addWidget(m_filterBar);
    filters->addSeparator();
    filters->addAction(m_failuresAction);
}

void MainWindow::connectParts()
{
    connect(m_functions, &FunctionsPanel::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_keyUpdater, &KeyListUpdater::loaded, this, &MainWindow::onKeysLoaded);
    connect(m_keyUpdater, &KeyListUpdater::failed, this, &MainWindow::onKeysFailed);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_chart, &ChartView::zoomRequested, m_range, &TimeRangeController::zoomTo);
    connect(m_chart, &ChartView::zoomOutRequested, m_range, &TimeRangeController::zoomOut);
    connect(m_chartUpdater, &ChartUpdater::loaded, m_picker, &RangePicker::showCoveredRange);
    // A view just read its data: a polling feed looks for newer calls at once (see SampleFeed::pollSoon).
    const auto pollSoon = [this] {
        if (m_services.feed)
            m_services.feed->pollSoon();
    };
    connect(m_chartUpdater, &ChartUpdater::loaded, this, pollSoon);
    connect(m_statsUpdater, &StatsUpdater::loaded, this, pollSoon);
    connect(m_emptyState, &EmptyState::sendTestDataRequested, this, &MainWindow::sendTestData);
    connect(m_export, &ExportFlow::finished, this, &MainWindow::exportFinished);
    connect(m_tagsView, &TagsView::filterRequested, m_options, &ViewOptions::addTagFilter);
    connect(m_tagsView, &TagsView::groupByRequested, m_options, &ViewOptions::setGroupBy);
    connect(m_tagsUpdater, &TagsUpdater::loaded, this, &MainWindow::onTagsLoaded);
    connect(m_options, &ViewOptions::groupByChanged, this, &MainWindow::showOptionColumns);
    connect(m_options, &ViewOptions::splitTableChanged, this, &MainWindow::showOptionColumns);
    connect(m_options, &ViewOptions::baselineChanged, this, &MainWindow::showOptionColumns);
    connect(m_sender, &TestDataSender::finished, this, [this](int sent, const QString& error) {
        const QString text = error.isEmpty() ? tr("Sent %1 test calls; they appear in a moment.").arg(sent)
                                             : tr("Sending test data failed after %1: %2").arg(sent).arg(error);
        m_emptyState->setStatus(text);
        m_status->showMessage(text, 5000);
    });
}

void MainWindow::attach(const ViewerServices& services)
{
    detach();
    m_services = services;
    m_selectedOnce = false;
    if (!m_services.store)
        return;
    m_viewThread = std::make_unique<QueryThread>(m_services.store, QStringLiteral("kodemon-view"));
    m_statsThread = std::make_unique<QueryThread>(m_services.store, QStringLiteral("kodemon-stats"));
    m_keysThread = std::make_unique<QueryThread>(m_services.store, QStringLiteral("kodemon-keys"));
    m_changesThread = std::make_unique<QueryThread>(m_services.store, QStringLiteral("kodemon-changes"));
    m_export->setStore(m_services.store);
    m_deletion->setServices(m_services.store, m_services.deleter);
    m_deleteAction->setEnabled(m_deletion->isAvailable());
    if (SampleFeed* feed = m_services.feed) {
        m_serviceConnections << connect(feed, &SampleFeed::samplesArrived, this, &MainWindow::onSamplesArrived)
                             << connect(feed, &SampleFeed::seriesChanged, this, &MainWindow::onSeriesChanged);
        feed->watch(m_functions->selectedKeys());
    }
    showServices();
    m_keyUpdater->setQueryThread(m_keysThread.get());
    m_chartUpdater->setQueryThread(m_viewThread.get());
    m_statsUpdater->setQueryThread(m_statsThread.get());
    m_alerts->attach(m_services.alerts);
    m_tagsUpdater->setQueryThread(m_statsThread.get());
    m_annotations->setQueryThread(m_statsThread.get());
    m_changes->setFinder(m_services.changes);
    m_changes->setQueryThread(m_changesThread.get());
    showUpgradeNotice();
}

// A file made before retention existed waits a day before anything is summarized or deleted (schema.cpp): the
// window says so as well as the log, while the user can still choose to keep everything.
void MainWindow::showUpgradeNotice()
{
    if (!m_services.retention || !m_services.store)
        return;
    Query query(m_services.store->createReader());
    const auto storage = query.storageStatus();
    if (!storage)
        return;
    m_upgradeNotice = StorageSummary::upgradeNotice(
        *m_services.retention, *storage, double(QDateTime::currentSecsSinceEpoch()));
    if (!m_upgradeNotice.isEmpty())
        m_status->showMessage(m_upgradeNotice, 120000);
}

void MainWindow::showServices()
{
    if (const auto& udp = m_services.udp)
        m_emptyState->setEndpoint(udp->address, udp->port);
    const bool remote = isRemote();
    if (remote)
        m_emptyState->setRemote(m_services.remoteUrl.host(), m_services.remoteUrl.toString());
    m_status->setSources(m_services.status, remote ? m_services.remoteUrl : m_services.webUrl, remote);
    setWindowTitle(remote ? tr("Kodemon — %1").arg(hostOf(m_services.remoteUrl)) : tr("Kodemon"));
    m_sendTestDataAction->setEnabled(!remote);
    m_settingsAction->setToolTip(remote ? tr("This window views another Kodemon: its settings belong to it")
                                        : tr("Ports, addresses and the database file (Ctrl+,)"));
}

void MainWindow::detach()
{
    m_alerts->detach();
    for (const auto& connection : std::as_const(m_serviceConnections))
        disconnect(connection);
    m_serviceConnections.clear();
    m_keyUpdater->setQueryThread(nullptr);
    m_chartUpdater->setQueryThread(nullptr);
    m_statsUpdater->setQueryThread(nullptr);
    m_tagsUpdater->setQueryThread(nullptr);
    m_annotations->setQueryThread(nullptr);
    m_changes->setQueryThread(nullptr);
    m_changes->setFinder({});
    m_export->setStore(nullptr);
    m_deletion->setServices(nullptr, {});
    m_viewThread.reset();
    m_statsThread.reset();
    m_keysThread.reset();
    m_changesThread.reset();
    m_status->setSources(nullptr, QUrl());
    m_services = ViewerServices {};
}

void MainWindow::onSamplesArrived(const QList<Sample>& samples, qint64 since)
{
    m_keyUpdater->noteStored(samples);
    m_chartUpdater->noteStored(samples, since);
    m_statsUpdater->noteStored(samples, since);
}

void MainWindow::onSeriesChanged(bool newSeries)
{
    m_keyUpdater->noteChanged(newSeries);
    // The feed reached its source: views that failed (a server that was down) try again.
    if (m_chartUpdater->lastLoadFailed() || m_statsUpdater->lastLoadFailed()) {
        m_chartUpdater->reload();
        m_statsUpdater->reload();
        m_tagsUpdater->reload();
    }
}

void MainWindow::onKeysFailed(const QString& message)
{
    m_keysFailed = true;
    m_status->showMessage(tr("Reading the functions failed: %1").arg(message));
    if (m_model->rowCount() > 0)
        return; // the table and chart keep what they showed
    QString text = tr("Cannot read the functions.") + u'\n' + sentence(message);
    if (isRemote())
        text += u'\n' + tr("Kodemon keeps trying and shows them once the server answers.");
    m_chart->setMessage(text);
}

void MainWindow::onSelectionChanged()
{
    const QList<KeyId> keys = m_functions->selectedKeys();
    m_chartUpdater->setKeys(keys);
    m_statsUpdater->setKey(m_functions->currentKey());
    const auto current = m_functions->currentKey();
    m_tagsUpdater->setKey(current);
    m_tagsView->setTitle(current ? tr("Tags of %1").arg(DisplayFormat::shortKey(current->key)) : tr("Tags"));
    if (m_services.feed)
        m_services.feed->watch(keys);
}

void MainWindow::onKeysLoaded()
{
    if (m_keysFailed) {
        m_keysFailed = false;
        m_status->clearMessage(); // the failure it shows is over
    }
    m_keysLoadedOnce = true;
    updateEmptyState();
    // Only once per database: afterwards an empty selection is the user's choice.
    if (m_selectedOnce || !m_functions->selectedKeys().isEmpty() || m_model->rowCount() == 0)
        return;
    m_selectedOnce = true;
    // Come back to what was selected last time; otherwise show something rather than an empty chart.
    m_functions->selectKeys(m_restoredSelection);
    if (m_functions->selectedKeys().isEmpty())
        m_functions->table()->selectRow(0);
    m_restoredSelection.clear();
}

void MainWindow::onTagsLoaded(const QString& error)
{
    m_tagsView->setNote(error.isEmpty() ? QString() : tr("Cannot read the tags: %1").arg(sentence(error)));
    if (!m_functions->currentKey())
        m_tagsView->setNote(tr("Select a function to see its tags."));
    // Completion and group-by offer the current function's tags; a filter on another tag can still be typed.
    m_filterBar->setCompletions(m_tagModel->completions());
    m_filterBar->setTagNames(m_tagModel->tagNames());
}

void MainWindow::showOptionColumns()
{
    m_functions->showColumns(!m_options->tableGroupBy().isEmpty(), m_options->hasBaseline());
}

bool MainWindow::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_emptyState;
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_keysLoadedOnce && m_model->rowCount() == 0;
    m_stack->setCurrentWidget(empty ? static_cast<QWidget*>(m_emptyState) : m_rightSplitter);
    m_exportAction->setEnabled(!empty);
}

void MainWindow::sendTestData()
{
    if (isRemote()) {
        m_emptyState->setStatus(
            tr("Test data goes to a local Kodemon; this window views %1.").arg(m_services.remoteUrl.toString()));
        return;
    }
    if (!m_services.udp) {
        m_emptyState->setStatus(tr("The collector is not running; check File › Settings."));
        return;
    }
    if (!m_sender->send(m_services.udp->address, m_services.udp->port))
        return;
    m_emptyState->setStatus(tr("Sending…"));
}

bool MainWindow::exportCsv(const QString& path)
{
    return m_export->start(path,
        ExportFlow::Selection {
            m_functions->selectedKeys(), m_range->range(), m_options->tagFilters(), m_options->outcome() });
}

void MainWindow::openSettings()
{
    if (isRemote()) {
        HelpBoxes::remoteSettings(this, m_services.remoteUrl);
        return;
    }
    SettingsDialog dialog(m_services.settings, this);
    if (m_services.retention && m_services.store) {
        // A few aggregate reads of the chunk and rollup tables: milliseconds, on this thread like the dialog.
        Query query(m_services.store->createReader());
        const auto storage = query.storageStatus();
        dialog.setStorage(storage ? StorageSummary::describe(*m_services.retention, *storage)
                                  : tr("Cannot read what is stored: %1").arg(storage.error()));
    }
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ConnectionSettings chosen = dialog.settings();
    if (chosen != m_services.settings)
        Q_EMIT settingsRequested(chosen);
}

void MainWindow::showSettingsError(const QString& message)
{
    QMessageBox::warning(this, tr("Settings not applied"),
        tr("%1\n\nKodemon goes on with the previous settings.").arg(sentence(message)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_export->isRunning())
        m_export->cancel();
    saveState();
    QMainWindow::closeEvent(event);
}

} // namespace Kodemon
