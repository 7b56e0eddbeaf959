// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"
#include "base/result.h"
#include "jobtracker.h"
#include "viewerservices.h"

#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;
class QTimer;

namespace Kodemon {

class ChangesModel;
class ChangesPanel;
class ChartView;
class FunctionsPanel;
class QueryThread;
class TimeRangeController;
class ViewOptions;

// The window's "What changed": looks for step changes in every function over the shown range (the last 24 hours
// when it has no ends) with findChanges on a query thread, when the range changes and every RefreshMs while
// live, and lists them in a dock: those of the functions the functions table shows (its token, its tag filters,
// its filter text). Opening one shows its function around the change with both sides shaded.
class ChangesController final : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        QMainWindow* window = nullptr;
        ChartView* chart = nullptr;
        FunctionsPanel* functions = nullptr;
        TimeRangeController* range = nullptr;
        ViewOptions* options = nullptr; // the window's tag filters; none: every call
    };

    static constexpr int RefreshMs = 60000; // a scan of every call in the range: seconds on a large database
    static constexpr double DefaultSpan = 86400;

    explicit ChangesController(Parts parts, QObject* parent = nullptr);
    ~ChangesController() override;
    Q_DISABLE_COPY_MOVE(ChangesController)

    void setQueryThread(QueryThread* thread);
    // Who finds the changes on that thread; empty: findChanges over the store's calls. Takes effect on the next
    // refresh.
    void setFinder(ChangeFinder finder) { m_finder = std::move(finder); }
    void reload();

    ChangesModel* model() const { return m_model; }
    ChangesPanel* panel() const { return m_panel; }
    QDockWidget* dock() const { return m_dock; }
    QAction* toggleAction() const;
    // What the last report looked at.
    TimeRange scope() const { return m_scope; }

    // Shows the row's function from a little before its "before" side to a little after its "after" side.
    void open(int row);
    // The two sides of `change` as shaded spans on its function's chart.
    static QList<struct ChartMarker> sidesOf(const Change& change);

Q_SIGNALS:
    // A report was shown (or why none could be: `error`).
    void loaded(const QString& error);

private:
    void refresh();
    TimeRange scopeOf(const TimeRange& shown) const;
    ChangeRequest request() const;
    void apply(const Result<ChangeReport>& report);
    void show();
    void describe(const ChangeReport& report, qsizetype shown);

    Parts m_parts;
    ChangesModel* m_model;
    ChangesPanel* m_panel;
    QDockWidget* m_dock;
    QTimer* m_timer;
    QueryThread* m_thread = nullptr;
    ChangeFinder m_finder;
    JobTracker m_jobs;
    TimeRange m_scope;
    std::optional<ChangeReport> m_report; // the last one, shown through the functions table's filter text
    bool m_opening = false; // the range changes because a change was opened: the list keeps its scope
};

} // namespace Kodemon
