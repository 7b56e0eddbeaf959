// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "jobtracker.h"

#include <QObject>

namespace Kodemon {

struct CallTags;
class ChartView;
struct ChartData;
struct ChartRequest;
class QueryThread;
class TimeRangeController;
class ViewOptions;

// Feeds the chart: loads the selected keys when the selection, the range, the filters, the group-by or the
// baseline change, and while live appends the calls that were just stored (those that pass the filters, each to
// its group) instead of reading the range again.
class ChartUpdater final : public QObject
{
    Q_OBJECT
public:
    ChartUpdater(ChartView* view, TimeRangeController* range, ViewOptions* options, QObject* parent = nullptr);
    ~ChartUpdater() override;
    Q_DISABLE_COPY_MOVE(ChartUpdater)

    void setQueryThread(QueryThread* thread);
    void setKeys(const QList<Kodemon::KeyId>& keys);
    const QList<KeyId>& keys() const { return m_keys; }
    void reload();
    // Calls that reached the store after `since` (SampleFeed::samplesArrived); added at the next live step.
    void noteStored(const QList<Kodemon::Sample>& samples, qint64 since);
    // The last load could not read the data (a remote server was unreachable, say).
    bool lastLoadFailed() const { return m_failed; }

Q_SIGNALS:
    // A load was shown: the range the chart covers (open ends resolved).
    void loaded(double from, double to);

private:
    void advance(const TimeRange& range);
    void apply(ChartData data);
    bool outgrown(const ChartData& data) const;
    ChartRequest request() const;
    // The series a call that just arrived belongs to; -1 when none is drawn for it.
    int seriesFor(const ChartData& data, const Sample& sample, const CallTags& tags);

    ChartView* m_view;
    TimeRangeController* m_range;
    ViewOptions* m_options;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    QList<KeyId> m_keys;
    QList<Sample> m_pending; // stored since the last live step, of the shown keys
    qint64 m_readAtMs = 0; // when the shown load had read its data
    bool m_failed = false;
    bool m_newGroup = false; // a live call of a group the chart does not draw: the next step reads the range again
};

} // namespace Kodemon
