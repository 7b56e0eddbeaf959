// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "viewerservices.h"

#include <QMainWindow>
#include <QMetaObject>

class QAction;
class QSplitter;
class QStackedWidget;

namespace Kodemon {

class AlertsController;
class AnnotationsUpdater;
class ChangesController;
class ChartUpdater;
class ChartView;
class EmptyState;
class DeletionFlow;
class ExportFlow;
class FilterBar;
class FunctionsPanel;
class KeyListModel;
class KeyListUpdater;
class QueryThread;
class RangePicker;
class SampleFeed;
class StatusSource;
class StatsPanel;
class StatsUpdater;
class StatusBar;
class TagValuesModel;
class TagsUpdater;
class TagsView;
class TestDataSender;
class TimeRangeController;
class ViewOptions;

// The desktop viewer: functions and the current one's tags on the left, the chart and statistics on the right,
// the range in the toolbar, the filters, group-by and baseline in the bar under it. It reads only through the query
// layer, on its own threads, and never touches the collector's work.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    // Connects to a store, feed and status (again after settings changed); detach() lets go of them.
    void attach(const ViewerServices& services);
    void detach();

    TimeRangeController* timeRange() const { return m_range; }
    ViewOptions* viewOptions() const { return m_options; }
    FilterBar* filterBar() const { return m_filterBar; }
    TagsView* tags() const { return m_tagsView; }
    FunctionsPanel* functions() const { return m_functions; }
    DeletionFlow* deletion() const { return m_deletion; }
    // What the window said about an upgraded database's retention (empty when nothing).
    QString upgradeNotice() const { return m_upgradeNotice; }
    ChartView* chart() const { return m_chart; }
    StatsPanel* stats() const { return m_stats; }
    RangePicker* rangePicker() const { return m_picker; }
    EmptyState* emptyState() const { return m_emptyState; }
    StatusBar* ingestStatus() const { return m_status; }
    AlertsController* alerts() const { return m_alerts; }
    AnnotationsUpdater* annotations() const { return m_annotations; }
    ChangesController* changes() const { return m_changes; }
    bool isShowingEmptyState() const;

    // Exports the selected keys over the shown range to `path` (the Export action asks for it first).
    bool exportCsv(const QString& path);
    // Sends test data to the collector's own UDP port.
    void sendTestData();
    // The window views another Kodemon (`kodemon --remote`).
    bool isRemote() const { return !m_services.remoteUrl.isEmpty(); }
    // The composition root reports that the requested settings could not be applied.
    void showSettingsError(const QString& message);

Q_SIGNALS:
    // The user applied new settings; the composition root restarts what is needed and calls attach() again,
    // or showSettingsError().
    void settingsRequested(const Kodemon::ConnectionSettings& settings);
    // A CSV export finished (`error` empty on success).
    void exportFinished(qint64 rows, const QString& error);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWidget* makeCentralWidget();
    void makeActions();
    void makeMenus();
    void makeToolBar();
    void connectParts();
    void onSamplesArrived(const QList<Kodemon::Sample>& samples, qint64 since);
    void onSeriesChanged(bool newSeries);
    void onKeysFailed(const QString& message);
    void showServices();
    void showUpgradeNotice();
    void onSelectionChanged();
    void onKeysLoaded();
    void onTagsLoaded(const QString& error);
    void showOptionColumns();
    void updateEmptyState();
    void openSettings();
    void saveState() const;
    void restoreState();
    void restoreRange();
    void saveViewOptions() const;
    void restoreViewOptions();

    ViewerServices m_services;
    TimeRangeController* m_range;
    ViewOptions* m_options;
    KeyListModel* m_model;
    TagValuesModel* m_tagModel;
    FunctionsPanel* m_functions;
    ChartView* m_chart;
    StatsPanel* m_stats;
    TagsView* m_tagsView;
    FilterBar* m_filterBar;
    EmptyState* m_emptyState;
    RangePicker* m_picker;
    StatusBar* m_status;
    QStackedWidget* m_stack = nullptr;
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_rightSplitter = nullptr;
    QSplitter* m_leftSplitter = nullptr; // functions over tags
    KeyListUpdater* m_keyUpdater;
    ChartUpdater* m_chartUpdater;
    StatsUpdater* m_statsUpdater;
    TagsUpdater* m_tagsUpdater;
    AnnotationsUpdater* m_annotations; // the deploy markers on the chart
    ExportFlow* m_export;
    DeletionFlow* m_deletion;
    QString m_upgradeNotice;
    TestDataSender* m_sender;
    AlertsController* m_alerts = nullptr; // the Alerts panel, the tray and the chart's alert markers
    ChangesController* m_changes = nullptr; // the What Changed panel
    std::unique_ptr<QueryThread> m_viewThread; // the chart
    std::unique_ptr<QueryThread> m_statsThread; // statistics and tags, at the same time as the chart on another core
    std::unique_ptr<QueryThread> m_keysThread; // the functions table, which may take longer
    std::unique_ptr<QueryThread> m_changesThread; // What Changed: every function's calls, seconds on a large file
    QList<QMetaObject::Connection> m_serviceConnections; // to the feed, undone by detach()
    QList<KeyId> m_restoredSelection; // selected at the last close, chosen again once the keys are loaded
    bool m_keysLoadedOnce = false;
    bool m_keysFailed = false; // the status bar says so until they load
    bool m_selectedOnce = false; // something was selected for the user after the first load
    QAction* m_exportAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_sendTestDataAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_reloadAction = nullptr;
    QAction* m_findAction = nullptr;
    QAction* m_logScaleAction = nullptr;
    QAction* m_failuresAction = nullptr;
    QAction* m_filterAction = nullptr;
};

} // namespace Kodemon
