// SPDX-License-Identifier: MIT
#include "statsupdater.h"

#include "base/calltags.h"
#include "base/logging.h"
#include "displayformat.h"
#include "live/samplefeed.h"
#include "statspanel.h"
#include "store/query.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QTimer>

namespace Kodemon {

namespace {

QList<double> timestampsOf(const QList<TimedValue>& values)
{
    QList<double> times;
    times.reserve(values.size());
    for (const auto& value : values)
        times.append(value.timestamp);
    return times;
}

// The selected calls; none (not an error) when the key has no data.
Result<QList<TimedValue>> readValues(Query& query, const SeriesSelector& selector)
{
    auto values = query.values(selector);
    if (!values && values.errorKind() == ErrorKind::NotFound)
        return QList<TimedValue>();
    return values;
}

// The start times of the failed calls among `values` (the calls `selector` selects).
Result<QList<double>> failedTimes(Query& query, SeriesSelector selector, const QList<TimedValue>& values)
{
    switch (selector.outcome) {
    case CallOutcome::Failed:
        return timestampsOf(values);
    case CallOutcome::Succeeded:
        return QList<double>();
    case CallOutcome::All:
        break;
    }
    // Failed calls are few, and the SQLite store finds them from its tag column without reading the others.
    selector.outcome = CallOutcome::Failed;
    auto failed = readValues(query, selector);
    if (!failed)
        return failed.failure();
    return timestampsOf(*failed);
}

// The selected calls against the same selection over `baseline`; `values` and `errors` are the current range's.
Result<Comparison> compareWith(Query& query, const SeriesSelector& current, const QList<TimedValue>& values,
    qint64 errors, const TimeRange& baseline)
{
    SeriesSelector then = current;
    then.range = baseline;
    auto before = readValues(query, then);
    if (!before)
        return before.failure();
    auto failed = failedTimes(query, then, *before);
    if (!failed)
        return failed.failure();
    Comparison comparison = compareValues(values, *before);
    comparison.current = current.range;
    comparison.baseline = baseline;
    comparison.currentStats.errors = errors;
    comparison.baselineStats.errors = failed->size();
    return comparison;
}

// The statistics and histogram of a range from its summary (percentiles within LatencySketch's 1%).
StatsUpdater::Loaded summarizedWindow(const CallSummary& summary, const std::optional<TimeRange>& baseline)
{
    StatsUpdater::Loaded loaded { SampleWindow(), SampleFeed::clockMs() };
    loaded.summarized = std::make_pair(summary.stats(), histogramOf(summary.sketch, summary.min, summary.max));
    if (baseline)
        loaded.comparison = Result<Comparison>(Error { QObject::tr(
            "a comparison needs the calls, and this range is shown from summaries; choose a shorter range") });
    return loaded;
}

StatsUpdater::Loaded loadWindow(Query& query, const SeriesSelector& selector, const std::optional<TimeRange>& baseline,
    const JobTracker::IsStale& stale)
{
    // Ranges of more calls than the exact limit, or holding calls kept only as minute summaries (retention), are
    // shown from summaries: reading the calls would cost seconds, or miss the summarized ones.
    if (const auto summarized = query.summarizes(selector); summarized && *summarized) {
        auto summary = query.summary(selector);
        if (!summary)
            return { summary.failure(), SampleFeed::clockMs() };
        return summarizedWindow(*summary, baseline);
    }
    // One lean scan of (timestamp, time) pairs: paging through full samples took seconds for a million calls.
    auto values = readValues(query, selector);
    if (!values)
        return { values.failure(), SampleFeed::clockMs() };
    auto failed = failedTimes(query, selector, *values);
    if (!failed)
        return { failed.failure(), SampleFeed::clockMs() };
    const qint64 readAt = SampleFeed::clockMs();
    if (stale())
        return { SampleWindow(), readAt };
    StatsUpdater::Loaded loaded { SampleWindow(*values, *failed), readAt };
    if (baseline)
        loaded.comparison = compareWith(query, selector, *values, failed->size(), *baseline);
    return loaded;
}

} // namespace

StatsUpdater::StatsUpdater(StatsPanel* panel, TimeRangeController* range, ViewOptions* options, QObject* parent)
    : QObject(parent)
    , m_panel(panel)
    , m_range(range)
    , m_options(options)
    , m_jobs(this)
    , m_comparisonJobs(this)
    , m_comparisonTimer(new QTimer(this))
{
    m_comparisonTimer->setInterval(ComparisonRefreshMs);
    connect(m_comparisonTimer, &QTimer::timeout, this, &StatsUpdater::refreshComparison);
    connect(m_range, &TimeRangeController::rangeChanged, this, &StatsUpdater::reload);
    connect(m_range, &TimeRangeController::liveAdvanced, this, &StatsUpdater::advanceSoon);
    connect(m_options, &ViewOptions::filterChanged, this, &StatsUpdater::reload);
    connect(m_options, &ViewOptions::baselineChanged, this, &StatsUpdater::reload);
}

StatsUpdater::~StatsUpdater() = default;

void StatsUpdater::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_comparisonJobs.cancel();
    m_thread = thread;
    reload();
}

void StatsUpdater::setKey(const std::optional<KeyId>& key)
{
    if (key == m_key)
        return;
    m_key = key;
    reload();
}

void StatsUpdater::reload()
{
    ++m_loads;
    m_pending.clear();
    m_pendingFailed.clear();
    m_loaded = false;
    m_failed = false;
    m_comparisonTimer->stop();
    m_comparisonJobs.cancel();
    showFilterNote();
    if (!m_thread || !m_key) {
        m_jobs.cancel();
        m_panel->setTitle(tr("Statistics"));
        m_panel->clear(tr("Select a function to see its statistics."));
        m_panel->clearComparison();
        return;
    }
    const KeyId key = *m_key;
    const SeriesSelector selector = m_options->selector(key, m_range->range());
    QString title = DisplayFormat::shortKey(key.key);
    if (!key.token.isEmpty())
        title += QStringLiteral(" · ") + key.token;
    m_panel->setTitle(title);
    std::optional<TimeRange> baseline;
    if (m_options->hasBaseline()) {
        const auto range = m_options->baselineRange(selector.range);
        if (range)
            baseline = *range;
        else
            m_panel->clearComparison(tr("No comparison: %1.").arg(range.error()));
    } else {
        m_panel->clearComparison();
    }
    m_jobs.start(
        *m_thread,
        [selector, baseline](
            Query& query, const JobTracker::IsStale& stale) { return loadWindow(query, selector, baseline, stale); },
        [this](const Loaded& result) { apply(result); });
}

void StatsUpdater::showFilterNote()
{
    m_panel->setFilterNote(m_options->filterSummary());
}

void StatsUpdater::apply(const Loaded& result)
{
    qCDebug(lcUi) << "statistics loaded in" << m_jobs.elapsedMs() << "ms";
    m_failed = !result.window;
    if (m_failed) {
        m_panel->clear(result.window.error());
        m_panel->clearComparison();
    } else {
        m_window = *result.window;
        m_readAtMs = result.readAtMs;
        m_loaded = true;
        m_summarized = result.summarized.has_value();
        if (m_summarized) {
            m_summarizedAt.start();
            m_panel->setData(result.summarized->first, result.summarized->second);
            m_panel->setNote(tr("From per-minute summaries and chunk summaries: count, min, max and failed calls "
                                "exact, percentiles within 1%."));
        } else {
            publish();
        }
        if (result.comparison)
            applyComparison(*result.comparison);
    }
    Q_EMIT loaded();
}

void StatsUpdater::applyComparison(const Result<Comparison>& comparison)
{
    if (!comparison) {
        m_panel->clearComparison(tr("No comparison: %1").arg(comparison.error()));
        return;
    }
    m_panel->setComparison(*comparison, ViewOptions::baselineLabel(m_options->baseline()));
    if (m_range->isLive())
        m_comparisonTimer->start();
}

void StatsUpdater::refreshComparison()
{
    if (!m_thread || !m_key || !m_loaded || !m_range->isLive() || !m_options->hasBaseline())
        return;
    const SeriesSelector selector = m_options->selector(*m_key, m_range->range());
    const auto baseline = m_options->baselineRange(selector.range);
    if (!baseline)
        return;
    const QList<TimedValue> values = m_window.values(); // shared until the next live step changes the window
    const qint64 errors = m_window.stats().errors;
    m_comparisonJobs.start(
        *m_thread,
        [selector, values, errors, range = *baseline](
            Query& query, const JobTracker::IsStale&) { return compareWith(query, selector, values, errors, range); },
        [this, load = m_loads](const Result<Comparison>& comparison) {
            // Shown at the statistics' turn of the live step, like their other updates.
            QTimer::singleShot(
                m_range->msUntilTurn(TimeRangeController::LiveTurn::Statistics), this, [this, comparison, load] {
                    if (load == m_loads && m_loaded)
                        applyComparison(comparison);
                });
        });
}

void StatsUpdater::noteStored(const QList<Sample>& samples, qint64 since)
{
    // As in the chart: calls that may be in the load already are never added twice.
    if (!m_key || !m_loaded || m_jobs.isBusy() || !m_range->isLive() || since < m_readAtMs)
        return;
    const bool filtering = m_options->filtersCalls();
    for (const auto& sample : samples) {
        if (sample.key != m_key->key || sample.token != m_key->token)
            continue;
        bool failed = false;
        if (!sample.extra.isEmpty()) {
            // Only the calls of the shown key are read: a few in a hundred of everything arriving.
            if (filtering) {
                const CallTags tags = readCallTags(sample.extra);
                if (!m_options->passes(tags))
                    continue;
                failed = tags.failed;
            } else {
                failed = isFailedCall(sample.extra);
            }
        } else if (filtering && !m_options->passes(CallTags {})) {
            continue;
        }
        m_pending.append(TimedValue { sample.timestamp, sample.executionTime });
        if (failed)
            m_pendingFailed.append(sample.timestamp);
    }
}

void StatsUpdater::advanceSoon()
{
    // The chart redraws at the live step, the statistics and histogram a little later: in the same event-loop turn
    // the two repaints held the UI thread for 70 ms at 100,000 calls/s, one at a time each stays under 50.
    QTimer::singleShot(m_range->msUntilTurn(TimeRangeController::LiveTurn::Statistics), this, [this] {
        if (m_range->isLive()) // the range is read now: it may have changed meanwhile
            advance(m_range->range());
    });
}

void StatsUpdater::advance(const TimeRange& range)
{
    if (!m_loaded || m_jobs.isBusy())
        return;
    if (m_summarized) {
        // No calls to add one by one: the summaries are read again, every few seconds.
        if (m_summarizedAt.elapsed() >= SummarizedRefreshMs)
            reload();
        return;
    }
    const qsizetype before = m_window.size();
    m_window.add(m_pending, m_pendingFailed);
    const bool added = !m_pending.isEmpty();
    m_pending.clear();
    m_pendingFailed.clear();
    if (range.from)
        m_window.dropBefore(*range.from);
    if (added || m_window.size() != before)
        publish();
}

void StatsUpdater::publish()
{
    m_panel->setData(m_window.stats(), m_window.histogram());
}

} // namespace Kodemon
