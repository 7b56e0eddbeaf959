// SPDX-License-Identifier: MIT
#include "keylistupdater.h"

#include "base/logging.h"
#include "keylistmodel.h"
#include "store/query.h"
#include "timerangecontroller.h"

#include <QTimer>
#include <utility>

namespace Kodemon {

namespace {

constexpr int NewKeyDelayMs = 150;
constexpr int MinIntervalMs = 2000;

Result<QList<KeyRow>> loadRows(Query& query, const TimeRange& range, const JobTracker::IsStale& stale)
{
    // One pass over the range for every function (a stats query each was ten times slower on 1,000 keys).
    Q_UNUSED(stale)
    auto summaries = query.summaries(range);
    if (!summaries)
        return summaries.failure();
    QList<KeyRow> rows;
    rows.reserve(summaries->size());
    for (const auto& summary : std::as_const(*summaries)) {
        KeyRow row { summary.info.id, summary.count, summary.info.last, std::nullopt, std::nullopt };
        if (summary.count > 0) {
            row.mean = summary.mean;
            row.p95 = summary.p95;
        }
        rows.append(row);
    }
    return rows;
}

} // namespace

KeyListUpdater::KeyListUpdater(KeyListModel* model, TimeRangeController* range, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_range(range)
    , m_jobs(this)
    , m_timer(new QTimer(this))
    , m_showTimer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &KeyListUpdater::refresh);
    m_showTimer->setSingleShot(true);
    connect(m_showTimer, &QTimer::timeout, this, [this] { show(std::exchange(m_waitingRows, {})); });
    connect(m_range, &TimeRangeController::rangeChanged, this, &KeyListUpdater::reload);
    connect(m_range, &TimeRangeController::liveAdvanced, this, &KeyListUpdater::advance);
}

KeyListUpdater::~KeyListUpdater() = default;

void KeyListUpdater::setQueryThread(QueryThread* thread)
{
    m_jobs.cancel();
    m_thread = thread;
    if (m_thread)
        reload();
}

void KeyListUpdater::reload()
{
    // Rows waiting for their turn belong to the old range or database.
    m_showTimer->stop();
    m_waitingRows.clear();
    refresh();
}

void KeyListUpdater::refresh()
{
    m_timer->stop();
    m_dirty = false;
    if (!m_thread)
        return;
    const TimeRange range = m_range->range();
    m_jobs.start(
        *m_thread, [range](Query& query, const JobTracker::IsStale& stale) { return loadRows(query, range, stale); },
        [this](const Result<QList<KeyRow>>& rows) { apply(rows); });
}

void KeyListUpdater::apply(const Result<QList<KeyRow>>& rows)
{
    m_lastDurationMs = m_jobs.elapsedMs();
    m_sinceLoad.start();
    qCDebug(lcUi) << "functions table loaded in" << m_lastDurationMs << "ms";
    if (!rows) {
        Q_EMIT failed(rows.error());
        return;
    }
    const int wait = m_range->msUntilTurn(TimeRangeController::LiveTurn::FunctionsTable);
    if (wait > 0) {
        m_waitingRows = *rows;
        m_showTimer->start(wait);
        return;
    }
    show(*rows);
}

void KeyListUpdater::show(const QList<KeyRow>& rows)
{
    m_model->setNow(m_range->now());
    m_model->setRows(rows);
    m_listedStrings.clear(); // rows may have gone (a token's scope): look them up again
    m_listedKeys.clear();
    Q_EMIT loaded();
    if (m_dirty)
        schedule(MinIntervalMs);
}

void KeyListUpdater::noteStored(const QList<Sample>& samples)
{
    bool newKey = false;
    for (const auto& sample : samples) {
        if (!isListed(sample)) {
            newKey = true;
            break;
        }
    }
    noteChanged(newKey);
}

bool KeyListUpdater::isListed(const Sample& sample)
{
    const std::pair strings { sample.key.constData(), sample.token.constData() };
    if (m_listedStrings.contains(strings))
        return true;
    const KeyId id { sample.token, sample.key };
    if (m_model->rowOf(id) < 0)
        return false;
    constexpr qsizetype MaxListed = 65536; // strings from another source (never shared) must not pile up
    if (m_listedKeys.size() >= MaxListed) {
        m_listedStrings.clear();
        m_listedKeys.clear();
    }
    m_listedStrings.insert(strings);
    m_listedKeys.append(id);
    return true;
}

void KeyListUpdater::noteChanged(bool newKey)
{
    m_dirty = true;
    if (m_jobs.isBusy())
        return; // apply() schedules the next load
    // A slow database gets fewer refreshes: at most a fifth of the time goes to this table.
    schedule(newKey ? NewKeyDelayMs : int(std::max<qint64>(MinIntervalMs, 4 * m_lastDurationMs)));
}

void KeyListUpdater::advance()
{
    // Calls leave a live range even when none arrive: recount now and then.
    constexpr qint64 QuietRefreshMs = 10000;
    if (m_sinceLoad.isValid() && m_sinceLoad.elapsed() > QuietRefreshMs && !m_jobs.isBusy() && !m_timer->isActive())
        refresh();
}

void KeyListUpdater::schedule(int delayMs)
{
    if (!m_timer->isActive() || m_timer->remainingTime() > delayMs)
        m_timer->start(delayMs);
}

} // namespace Kodemon
