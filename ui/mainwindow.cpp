// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "chartupdater.h"
#include "chartview.h"
#include "collector.h"
#include "csv.h"
#include "csvexporter.h"
#include "displayformat.h"
#include "emptystate.h"
#include "functionspanel.h"
#include "keylistmodel.h"
#include "keylistupdater.h"
#include "querythread.h"
#include "rangepicker.h"
#include "settingsdialog.h"
#include "statspanel.h"
#include "statsupdater.h"
#include "statusbar.h"
#include "testdatasender.h"
#include "timerangecontroller.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QToolBar>

namespace Kodemon {

namespace {

QSettings settings()
{
    return QSettings(QStringLiteral("kodemon"), QStringLiteral("kodemon"));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_range(new TimeRangeController(this))
    , m_model(new KeyListModel(this))
    , m_functions(new FunctionsPanel(m_model))
    , m_chart(new ChartView)
    , m_stats(new StatsPanel)
    , m_emptyState(new EmptyState)
    , m_picker(new RangePicker(m_range))
    , m_status(new StatusBar)
    , m_keyUpdater(new KeyListUpdater(m_model, m_range, this))
    , m_chartUpdater(new ChartUpdater(m_chart, m_range, this))
    , m_statsUpdater(new StatsUpdater(m_stats, m_range, this))
    , m_exporter(new CsvExporter(this))
    , m_sender(new TestDataSender(this))
{
    setWindowTitle(tr("Kodemon"));
    m_chart->setObjectName(QStringLiteral("chartView"));
    m_stats->setObjectName(QStringLiteral("statsPanel"));
    setCentralWidget(makeCentralWidget());
    setStatusBar(m_status);
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
}

QWidget* MainWindow::makeCentralWidget()
{
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
    m_mainSplitter->addWidget(m_functions);
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
    connect(m_exportAction, &QAction::triggered, this, &MainWindow::askExport);
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
        m_keyUpdater->refresh();
        m_chartUpdater->reload();
        m_statsUpdater->reload();
    });
    m_logScaleAction = new QAction(tr("&Logarithmic Scale"), this);
    m_logScaleAction->setCheckable(true);
    m_logScaleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_logScaleAction->setToolTip(tr("Execution times on a log scale: fast and slow functions side by side"));
    connect(m_logScaleAction, &QAction::toggled, m_chart, &ChartView::setLogarithmic);
    m_findAction = new QAction(tr("&Find Function"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, m_functions, &FunctionsPanel::focusFilter);
}

void MainWindow::makeMenus()
{
    m_functions->addTableAction(m_exportAction);
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
    view->addSeparator();
    view->addAction(m_findAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* howTo = help->addAction(tr("&Sending Data…"), this, &MainWindow::showHowToSend);
    howTo->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Kodemon"), this, &MainWindow::showAbout);
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
}

void MainWindow::connectParts()
{
    connect(m_functions, &FunctionsPanel::selectionChanged, this, &MainWindow::onSelectionChanged);
    connect(m_keyUpdater, &KeyListUpdater::loaded, this, &MainWindow::onKeysLoaded);
    connect(m_keyUpdater, &KeyListUpdater::failed, this,
        [this](const QString& message) { m_status->showMessage(tr("Reading the functions failed: %1").arg(message)); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_chart, &ChartView::zoomRequested, m_range, &TimeRangeController::zoomTo);
    connect(m_chart, &ChartView::zoomOutRequested, m_range, &TimeRangeController::zoomOut);
    connect(m_chartUpdater, &ChartUpdater::loaded, m_picker, &RangePicker::showCoveredRange);
    connect(m_emptyState, &EmptyState::sendTestDataRequested, this, &MainWindow::sendTestData);
    connect(m_exporter, &CsvExporter::finished, this, &MainWindow::onExportFinished);
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
    m_keysThread = std::make_unique<QueryThread>(m_services.store, QStringLiteral("kodemon-keys"));
    m_exporter->setStore(m_services.store);
    if (Collector* collector = m_services.collector) {
        m_storedConnection = connect(collector, &Collector::stored, this, &MainWindow::onStored);
        m_emptyState->setEndpoint(collector->udpAddress(), collector->udpPort());
    }
    m_status->setSources(m_services.collector, m_services.store, m_services.webUrl);
    m_keyUpdater->setQueryThread(m_keysThread.get());
    m_chartUpdater->setQueryThread(m_viewThread.get());
    m_statsUpdater->setQueryThread(m_viewThread.get());
}

void MainWindow::detach()
{
    disconnect(m_storedConnection);
    m_keyUpdater->setQueryThread(nullptr);
    m_chartUpdater->setQueryThread(nullptr);
    m_statsUpdater->setQueryThread(nullptr);
    m_exporter->setStore(nullptr);
    m_viewThread.reset();
    m_keysThread.reset();
    m_status->setSources(nullptr, nullptr, QUrl());
    m_services = ViewerServices {};
}

void MainWindow::onStored(const QList<Sample>& samples)
{
    m_keyUpdater->noteStored(samples);
    m_chartUpdater->noteStored(samples);
    m_statsUpdater->noteStored(samples);
}

void MainWindow::onSelectionChanged()
{
    m_chartUpdater->setKeys(m_functions->selectedKeys());
    m_statsUpdater->setKey(m_functions->currentKey());
}

void MainWindow::onKeysLoaded()
{
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
    if (!m_services.collector || !m_services.collector->isRunning()) {
        m_emptyState->setStatus(tr("The collector is not running; check File › Settings."));
        return;
    }
    if (!m_sender->send(m_services.collector->udpAddress(), m_services.collector->udpPort()))
        return;
    m_emptyState->setStatus(tr("Sending…"));
}

void MainWindow::askExport()
{
    const QList<KeyId> keys = m_functions->selectedKeys();
    if (keys.isEmpty()) {
        QMessageBox::information(this, tr("Export CSV"), tr("Select one or more functions to export first."));
        return;
    }
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString folder
        = settings()
              .value(QStringLiteral("export/folder"), QFileInfo::exists(documents) ? documents : QDir::homePath())
              .toString();
    const QString name
        = Csv::fileName(keys.size() == 1 ? keys.first().key : QStringLiteral("functions"), m_range->range());
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export CSV"), folder + u'/' + name, tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    settings().setValue(QStringLiteral("export/folder"), QFileInfo(path).absolutePath());
    exportCsv(path);
}

bool MainWindow::exportCsv(const QString& path)
{
    const QList<KeyId> keys = m_functions->selectedKeys();
    if (!m_exporter->start(CsvExporter::Request { path, keys, m_range->range() }))
        return false;
    // Shown only when the export takes a while; cancelling leaves no partial file.
    auto* progress = new QProgressDialog(
        tr("Exporting %1 to %2…")
            .arg(keys.size() == 1 ? DisplayFormat::shortKey(keys.first().key) : tr("%1 functions").arg(keys.size()),
                QFileInfo(path).fileName()),
        tr("Cancel"), 0, 1000, this);
    progress->setObjectName(QStringLiteral("exportProgress"));
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(400);
    progress->setAutoClose(false);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_exporter, &CsvExporter::progress, progress, &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, m_exporter, &CsvExporter::cancel);
    connect(m_exporter, &CsvExporter::finished, progress, &QWidget::close);
    m_status->showMessage(tr("Exporting to %1…").arg(path));
    return true;
}

void MainWindow::onExportFinished(qint64 rows, const QString& error)
{
    if (error.isEmpty())
        m_status->showMessage(tr("Exported %1 calls.").arg(DisplayFormat::count(rows)), 8000);
    else
        m_status->showMessage(tr("Export stopped: %1").arg(error), 8000);
    Q_EMIT exportFinished(rows, error);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_services.settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ConnectionSettings chosen = dialog.settings();
    if (chosen != m_services.settings)
        Q_EMIT settingsRequested(chosen);
}

void MainWindow::showSettingsError(const QString& message)
{
    QString sentence = message;
    if (!sentence.isEmpty())
        sentence[0] = sentence[0].toUpper();
    QMessageBox::warning(
        this, tr("Settings not applied"), tr("%1\n\nKodemon goes on with the previous settings.").arg(sentence));
}

void MainWindow::showHowToSend()
{
    const quint16 port = m_services.collector ? m_services.collector->udpPort() : m_services.settings.udpPort;
    QMessageBox box(QMessageBox::Information, tr("Sending Data"),
        tr("<p>Put the decorator on a Python function and run your program with the Kodemon address in its "
           "environment:</p><pre>%1</pre>")
            .arg(EmptyState::snippetFor(m_services.settings.udpAddress, port).toHtmlEscaped()),
        QMessageBox::Ok, this);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Kodemon"),
        tr("<h3>Kodemon %1</h3><p>Shows how long the functions of your running programs take: the decorator "
           "sends one UDP datagram per call, Kodemon stores and charts them.</p>")
            .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_exporter->isRunning())
        m_exporter->cancel();
    saveState();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveState() const
{
    QSettings store = settings();
    store.setValue(QStringLiteral("window/geometry"), saveGeometry());
    store.setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    store.setValue(QStringLiteral("window/rightSplitter"), m_rightSplitter->saveState());
    store.setValue(QStringLiteral("window/functionsHeader"), m_functions->headerState());
    store.setValue(QStringLiteral("chart/logarithmic"), m_chart->isLogarithmic());
    store.setValue(QStringLiteral("range/preset"), int(m_range->preset()));
    store.setValue(QStringLiteral("range/live"), m_range->isLive());
    const TimeRange range = m_range->range();
    store.setValue(QStringLiteral("range/from"), range.from ? QVariant(*range.from) : QVariant());
    store.setValue(QStringLiteral("range/to"), range.to ? QVariant(*range.to) : QVariant());
    QStringList keys;
    QStringList tokens;
    for (const auto& id : m_functions->selectedKeys()) {
        keys.append(id.key);
        tokens.append(id.token);
    }
    store.setValue(QStringLiteral("selection/keys"), keys);
    store.setValue(QStringLiteral("selection/tokens"), tokens);
}

void MainWindow::restoreState()
{
    const QSettings store = settings();
    if (!restoreGeometry(store.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 880);
    if (!m_mainSplitter->restoreState(store.value(QStringLiteral("window/mainSplitter")).toByteArray()))
        m_mainSplitter->setSizes({ 560, 880 });
    if (!m_rightSplitter->restoreState(store.value(QStringLiteral("window/rightSplitter")).toByteArray()))
        m_rightSplitter->setSizes({ 480, 300 });
    m_functions->restoreHeaderState(store.value(QStringLiteral("window/functionsHeader")).toByteArray());
    m_logScaleAction->setChecked(store.value(QStringLiteral("chart/logarithmic"), false).toBool());
    const QStringList keys = store.value(QStringLiteral("selection/keys")).toStringList();
    const QStringList tokens = store.value(QStringLiteral("selection/tokens")).toStringList();
    for (qsizetype i = 0; i < keys.size() && i < tokens.size(); ++i)
        m_restoredSelection.append(KeyId { tokens[i], keys[i] });
    restoreRange();
}

void MainWindow::restoreRange()
{
    const QSettings store = settings();
    using Preset = TimeRangeController::Preset;
    const int saved = store.value(QStringLiteral("range/preset"), int(Preset::LastHour)).toInt();
    const auto preset = saved >= 0 && saved <= int(Preset::Custom) ? Preset(saved) : Preset::LastHour;
    const bool live = store.value(QStringLiteral("range/live"), true).toBool();
    const QVariant from = store.value(QStringLiteral("range/from"));
    const QVariant to = store.value(QStringLiteral("range/to"));
    if (preset == Preset::Custom && from.isValid() && to.isValid())
        m_range->setCustomRange(from.toDouble(), to.toDouble());
    else
        m_range->setPreset(preset == Preset::Custom ? Preset::LastHour : preset);
    m_range->setLive(live);
}

} // namespace Kodemon
