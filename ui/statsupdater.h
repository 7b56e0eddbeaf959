// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "jobtracker.h"
#include "samplewindow.h"
#include "store/comparison.h"

#include <optional>
#include <QElapsedTimer>
#include <QObject>

class QTimer;

namespace Kodemon {

class QueryThread;
class StatsPanel;
class TimeRangeController;
class ViewOptions;

// Feeds the statistics panel for the current key: loads the range's execution times (the calls that pass the
// filters) once, then while live adds the calls just stored that pass them and drops those that left the range,
// so figures stay exact without re-reading. With a baseline it also reads the baseline range and compares the two
// (rank test), again every ComparisonRefreshMs while live.
class StatsUpdater final : public QObject
{
    Q_OBJECT
public:
    StatsUpdater(StatsPanel* panel, TimeRangeController* range, ViewOptions* options, QObject* parent = nullptr);
    ~StatsUpdater() override;
    Q_DISABLE_COPY_MOVE(StatsUpdater)

    static constexpr int ComparisonRefreshMs = 10000;
    static constexpr int SummarizedRefreshMs = 5000; // live mode over a summarized range

    void setQueryThread(QueryThread* thread);
    void setKey(const std::optional<Kodemon::KeyId>& key);
    void reload();
    // Calls that reached the store after `since` (SampleFeed::samplesArrived); added at the next live step.
    void noteStored(const QList<Kodemon::Sample>& samples, qint64 since);
    // The last load could not read the data (a remote server was unreachable, say).
    bool lastLoadFailed() const { return m_failed; }

    // What a load read, and when it had read it (SampleFeed::clockMs()).
    struct Loaded
    {
        Result<SampleWindow> window;
        qint64 readAtMs = 0;
        std::optional<Result<Comparison>> comparison = {}; // when a baseline was asked for
        // Set when the range was read from summaries (more calls than the store's exact limit, or calls kept only
        // as minute summaries after retention): statistics within 1%, no calls in `window`.
        std::optional<std::pair<KeyStats, Histogram>> summarized = {};
    };
    bool showsSummaries() const { return m_summarized; }

Q_SIGNALS:
    // A load was shown (or its failure).
    void loaded();

private:
    void advanceSoon();
    void advance(const TimeRange& range);
    void apply(const Loaded& result);
    void applyComparison(const Result<Comparison>& comparison);
    void refreshComparison();
    void publish();
    void showFilterNote();

    StatsPanel* m_panel;
    TimeRangeController* m_range;
    ViewOptions* m_options;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    JobTracker m_comparisonJobs; // live refreshes of the comparison
    QTimer* m_comparisonTimer;
    std::optional<KeyId> m_key;
    SampleWindow m_window;
    QList<TimedValue> m_pending;
    QList<double> m_pendingFailed; // start times of the failed calls among m_pending
    qint64 m_readAtMs = 0;
    quint64 m_loads = 0; // counts reloads: a comparison refreshed for an earlier load is dropped
    bool m_loaded = false;
    bool m_failed = false;
    bool m_summarized = false; // the shown statistics came from summaries (Loaded::summarized)
    QElapsedTimer m_summarizedAt; // when, for live mode's reloads of them
};

} // namespace Kodemon
