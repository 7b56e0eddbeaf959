// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "jobtracker.h"
#include "samplewindow.h"

#include <optional>
#include <QObject>

namespace Kodemon {

class QueryThread;
class StatsPanel;
class TimeRangeController;

// Feeds the statistics panel for the current key: loads the range's execution times once, then while live adds
// the calls just stored and drops those that left the range, so figures stay exact without re-reading.
class StatsUpdater final : public QObject
{
    Q_OBJECT
public:
    StatsUpdater(StatsPanel* panel, TimeRangeController* range, QObject* parent = nullptr);
    ~StatsUpdater() override;
    Q_DISABLE_COPY_MOVE(StatsUpdater)

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
    };

Q_SIGNALS:
    // A load was shown (or its failure).
    void loaded();

private:
    void advanceSoon();
    void advance(const TimeRange& range);
    void apply(const Loaded& result);
    void publish();

    StatsPanel* m_panel;
    TimeRangeController* m_range;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    std::optional<KeyId> m_key;
    SampleWindow m_window;
    QList<TimedValue> m_pending;
    qint64 m_readAtMs = 0;
    bool m_loaded = false;
    bool m_failed = false;
};

} // namespace Kodemon
