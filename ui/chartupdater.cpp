// SPDX-License-Identifier: MIT
#include "chartupdater.h"

#include "base/calltags.h"
#include "base/logging.h"
#include "chartview.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

namespace Kodemon {

namespace {

int indexOf(const ChartData& data, const KeyId& id, const std::optional<TagGroup>& group = std::nullopt)
{
    for (int i = 0; i < data.series.size(); ++i) {
        if (data.series[i].id == id && data.series[i].group == group)
            return i;
    }
    return -1;
}

// The group a call belongs to by its value of `tag` (the chart draws "other" and "without" only when it has such
// calls).
TagGroup groupOf(const CallTags& tags, const QString& tag)
{
    for (const auto& one : tags.tags) {
        if (one.name == tag)
            return TagGroup { TagGroup::Kind::Value, one.value };
    }
    return TagGroup { TagGroup::Kind::Missing, {} };
}

// How much baseline a live chart reads past the baseline's end, so that it has some to draw as the range moves.
double baselineAhead(const TimeRange& range)
{
    return std::max(60.0, (range.to.value_or(0) - range.from.value_or(0)) / 4);
}

} // namespace

ChartUpdater::ChartUpdater(ChartView* view, TimeRangeController* range, ViewOptions* options, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_range(range)
    , m_options(options)
    , m_jobs(this)
{
    connect(m_range, &TimeRangeController::rangeChanged, this, &ChartUpdater::reload);
    connect(m_range, &TimeRangeController::liveAdvanced, this, &ChartUpdater::advance);
    connect(m_options, &ViewOptions::filterChanged, this, &ChartUpdater::reload);
    connect(m_options, &ViewOptions::groupByChanged, this, &ChartUpdater::reload);
    connect(m_options, &ViewOptions::baselineChanged, this, &ChartUpdater::reload);
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
    m_newGroup = false;
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
    m_jobs.start(
        *m_thread,
        [request = request()](
            Query& query, const JobTracker::IsStale& stale) { return loadChart(query, request, stale); },
        [this](const ChartData& data) { apply(data); });
}

ChartRequest ChartUpdater::request() const
{
    ChartRequest request { m_keys, m_range->range(), m_view->plotWidth(), m_options->tagFilters(), m_options->outcome(),
        m_options->groupBy() };
    if (!m_options->hasBaseline())
        return request;
    const auto baseline = m_options->baselineRange(request.range);
    if (!baseline) {
        request.baselineError = baseline.error();
        return request;
    }
    request.baseline = *baseline;
    request.baselineLabel = ViewOptions::baselineLabel(m_options->baseline());
    // A custom baseline stays where it is; the others move with a live range.
    if (m_range->isLive() && m_options->baseline().kind != BaselineChoice::Kind::Custom)
        request.baselineAhead = baselineAhead(request.range);
    return request;
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
        if (sample.timestamp < data.from)
            continue;
        // Only the calls of the shown keys get here: their extra fields are read, a few in a hundred calls.
        const CallTags tags = sample.extra.isEmpty() ? CallTags {} : readCallTags(sample.extra);
        if (!m_options->passes(tags))
            continue;
        const int index = seriesFor(data, sample, tags);
        if (index >= 0)
            data.series[index].add(sample.timestamp, sample.executionTime, tags.failed);
    }
    m_pending.clear();
    for (auto& series : data.series)
        series.dropBefore(data.from);
    for (auto& series : data.baseline)
        series.dropBefore(data.from);
    if (outgrown(data)) {
        reload();
        return;
    }
    m_view->setData(data);
}

int ChartUpdater::seriesFor(const ChartData& data, const Sample& sample, const CallTags& tags)
{
    const KeyId id { sample.token, sample.key };
    if (data.groupBy.isEmpty())
        return indexOf(data, id);
    if (m_keys.isEmpty() || id != m_keys.first())
        return -1; // a chart split by a tag shows the first key's calls only
    const TagGroup group = groupOf(tags, data.groupBy);
    int index = indexOf(data, id, group);
    if (index < 0 && group.kind == TagGroup::Kind::Value)
        index = indexOf(data, id, TagGroup { TagGroup::Kind::Other, {} });
    if (index < 0)
        m_newGroup = true;
    return index;
}

bool ChartUpdater::outgrown(const ChartData& data) const
{
    if (m_newGroup)
        return true; // a value (or calls without the tag) the chart has no line for yet
    if (data.baselineFollows && data.baselineCoveredTo < data.to)
        return true; // the range moved past the baseline read ahead
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
