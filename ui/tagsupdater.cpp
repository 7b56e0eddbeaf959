// SPDX-License-Identifier: MIT
#include "tagsupdater.h"

#include "base/logging.h"
#include "store/query.h"
#include "tagvaluesmodel.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QTimer>

namespace Kodemon {

namespace {

TagsUpdater::Loaded loadTags(Query& query, const SeriesSelector& selector, const JobTracker::IsStale& stale)
{
    auto tags = query.tags(selector, TagsUpdater::ValuesPerTag);
    if (!tags && tags.errorKind() == ErrorKind::NotFound)
        return { QList<TagSummary>(), 0 };
    if (!tags || stale())
        return { tags, 0 };
    // The share of a value is taken of every selected call, tagged or not: the statistics count them, from the
    // series' totals over a whole summarized year (one chart bucket, as before, read every hour of summaries:
    // 16% of the CPU of selecting a 10M-call function, kodemon-uibench --history).
    const auto total = query.stats(selector);
    return { tags, total ? total->count : 0 };
}

} // namespace

TagsUpdater::TagsUpdater(TagValuesModel* model, TimeRangeController* range, ViewOptions* options, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_range(range)
    , m_options(options)
    , m_jobs(this)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_range->isLive() && !m_jobs.isBusy())
            reload();
    });
    connect(m_range, &TimeRangeController::rangeChanged, this, &TagsUpdater::reload);
    connect(m_range, &TimeRangeController::liveChanged, this, [this](bool live) {
        if (live)
            m_timer->start();
        else
            m_timer->stop();
    });
    connect(m_options, &ViewOptions::filterChanged, this, &TagsUpdater::reload);
    if (m_range->isLive())
        m_timer->start();
}

TagsUpdater::~TagsUpdater() = default;

void TagsUpdater::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_thread = thread;
    reload();
}

void TagsUpdater::setKey(const std::optional<KeyId>& key)
{
    if (key == m_key)
        return;
    m_key = key;
    reload();
}

void TagsUpdater::reload()
{
    if (!m_thread || !m_key) {
        m_jobs.cancel();
        m_model->setTags({}, 0);
        Q_EMIT loaded({});
        return;
    }
    const SeriesSelector selector = m_options->selector(*m_key, m_range->range());
    m_jobs.start(
        *m_thread,
        [selector](Query& query, const JobTracker::IsStale& stale) { return loadTags(query, selector, stale); },
        [this](const Loaded& loaded) { apply(loaded); });
}

void TagsUpdater::apply(const Loaded& loaded)
{
    qCDebug(lcUi) << "tags loaded in" << m_jobs.elapsedMs() << "ms";
    if (!loaded.tags) {
        Q_EMIT this->loaded(loaded.tags.error());
        return;
    }
    m_model->setTags(*loaded.tags, loaded.calls);
    Q_EMIT this->loaded({});
}

} // namespace Kodemon
