// SPDX-License-Identifier: MIT
#include "chartupdater.h"

#include "base/logging.h"
#include "chartview.h"
#include "timerangecontroller.h"

namespace Kodemon {

namespace {

int indexOf(const ChartData& data, const KeyId& id)
{
    for (int i = 0; i < data.series.size(); ++i) {
        if (data.series[i].id == id)
            return i;
    }
    return -1;
}

} // namespace

ChartUpdater::ChartUpdater(ChartView* view, TimeRangeController* range, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_range(range)
    , m_jobs(this)
{
    connect(m_range, &TimeRangeController::rangeChanged, this, &ChartUpdater::reload);
    connect(m_range, &TimeRangeController::liveAdvanced, this, &ChartUpdater::advance);
}

ChartUpdater::~ChartUpdater() = default;

void ChartUpdater::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_thread = thread;
    reload();
}

void ChartUpdater::setKeys(const QList<KeyId>& keys)
{
    if (keys == m_keys)
        return;
    m_keys = keys;
    reload();
}

void ChartUpdater::reload()
{
    m_pending.clear();
    m_failed = false;
    if (!m_thread || m_keys.isEmpty()) {
        m_jobs.cancel();
        // Empty, but over the chosen range: a time axis at 1970 would look broken.
        ChartData empty;
        const TimeRange range = m_range->range();
        empty.to = range.to.value_or(m_range->now());
        empty.from = range.from.value_or(empty.to - 3600);
        m_view->setData(empty);
        m_view->setMessage(tr("Select a function on the left to see how long its calls take."));
        return;
    }
    const QList<KeyId> keys = m_keys;
    const TimeRange range = m_range->range();
    const int pixels = m_view->plotWidth();
    m_jobs.start(
        *m_thread,
        [keys, range, pixels](
            Query& query, const JobTracker::IsStale& stale) { return loadChart(query, keys, range, pixels, stale); },
        [this](const ChartData& data) { apply(data); });
}

void ChartUpdater::apply(ChartData data)
{
    qCDebug(lcUi) << "chart loaded in" << m_jobs.elapsedMs() << "ms";
    if (m_range->isLive() && !m_range->range().to)
        data.to = std::max(data.to, m_range->now()); // "All" while live reaches to now
    m_readAtMs = data.readAtMs;
    m_failed = !data.error.isEmpty();
    m_view->setData(data);
    Q_EMIT loaded(data.from, data.to);
}

void ChartUpdater::noteStored(const QList<Sample>& samples, qint64 since)
{
    // Calls stored while a load runs, or before it had read everything, may be in its result already (or lost
    // to it, rarely): never add them twice.
    if (!m_range->isLive() || m_jobs.isBusy() || since < m_readAtMs)
        return;
    for (const auto& sample : samples) {
        if (m_keys.contains(KeyId { sample.token, sample.key }))
            m_pending.append(sample);
    }
}

void ChartUpdater::advance(const TimeRange& range)
{
    if (m_jobs.isBusy() || m_keys.isEmpty() || !m_thread)
        return;
    ChartData data = m_view->data();
    if (range.from)
        data.from = *range.from;
    data.to = range.to ? *range.to : std::max(data.to, m_range->now());
    for (const auto& sample : std::as_const(m_pending)) {
        const int index = indexOf(data, KeyId { sample.token, sample.key });
        if (index >= 0 && sample.timestamp >= data.from)
            data.series[index].add(sample.timestamp, sample.executionTime);
    }
    m_pending.clear();
    for (auto& series : data.series)
        series.dropBefore(data.from);
    if (outgrown(data)) {
        reload();
        return;
    }
    m_view->setData(data);
}

bool ChartUpdater::outgrown(const ChartData& data) const
{
    const int pixels = m_view->plotWidth();
    for (const auto& series : data.series) {
        if (!series.bucketed && series.points.size() > pixels * 3 / 2)
            return true; // time to switch to buckets
        if (series.bucketed && (data.to - data.from) / series.step > pixels / 2)
            return true; // "All" grew: buckets got thinner than two pixels
    }
    return false;
}

} // namespace Kodemon
