// SPDX-License-Identifier: MIT
#include "keylistupdater.h"

#include "base/logging.h"
#include "keylistmodel.h"
#include "store/query.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QDateTime>
#include <QTimer>
#include <utility>

namespace Kodemon {

namespace {

constexpr int NewKeyDelayMs = 150;
constexpr int MinIntervalMs = 2000;
constexpr qint64 BaselineMaxAgeMs = 30000; // while live: how long the baseline's rows are compared with

// What one load of the table asks.
struct TableRequest
{
    SummaryRequest current;
    std::optional<TimeRange> baseline; // compare with this range
    std::shared_ptr<std::optional<KeyListUpdater::Baseline>> cache;
};

KeyRow rowOf(const SeriesSummary& summary)
{
    KeyRow row { summary.info.id, summary.count, summary.info.last, std::nullopt, std::nullopt, summary.errors,
        summary.group, std::nullopt };
    if (summary.count > 0) {
        row.mean = summary.mean;
        row.p95 = summary.p95;
    }
    return row;
}

RowChange changeOf(const KeyRow& row, const SeriesSummary* then, const TimeRange& now, const TimeRange& before)
{
    RowChange change;
    if (!then || then->count == 0)
        return change;
    change.baselineCalls = then->count;
    change.baselineP95 = then->p95;
    if (row.p95)
        change.p95Pct = percentChange(*row.p95, then->p95);
    // Per second, so that a custom baseline of another length compares fairly.
    change.callsPct = percentChange(callRate(row.calls, now), callRate(then->count, before));
    return change;
}

void compare(QList<KeyRow>& rows, const KeyListUpdater::Baseline& baseline, const TimeRange& range)
{
    QHash<RowId, const SeriesSummary*> before;
    for (const auto& then : baseline.rows)
        before.insert(RowId { then.info.id, then.group }, &then);
    for (auto& row : rows)
        row.change = changeOf(row, before.value(RowId { row.id, row.group }), range, baseline.range);
}

// The baseline's rows: the cached ones while they are recent and of the same range length, else read again.
Result<KeyListUpdater::Baseline> baselineRows(Query& query, const TableRequest& request)
{
    const auto& cached = *request.cache;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (cached && now - cached->readAtMs < BaselineMaxAgeMs)
        return *cached;
    SummaryRequest before = request.current;
    before.range = *request.baseline;
    auto rows = query.functionsTable(before);
    if (!rows)
        return rows.failure();
    KeyListUpdater::Baseline baseline { *request.baseline, std::move(rows).value(), now };
    *request.cache = baseline;
    return baseline;
}

// A split table lists a function only with the groups that have calls in range: a function without any gets
// one empty row, so that it stays in the table (and selected) as it does unsplit.
Status addIdleFunctions(Query& query, QList<KeyRow>& rows)
{
    const auto all = query.keys();
    if (!all)
        return all.failure();
    QSet<KeyId> listed;
    for (const auto& row : std::as_const(rows))
        listed.insert(row.id);
    for (const auto& info : *all) {
        if (!listed.contains(info.id))
            rows.append(KeyRow { info.id, 0, info.last, std::nullopt, std::nullopt });
    }
    return Ok {};
}

Result<QList<KeyRow>> loadRows(Query& query, const TableRequest& request, const JobTracker::IsStale& stale)
{
    // One pass over the range for every function (a stats query each was ten times slower on 1,000 keys).
    auto summaries = query.functionsTable(request.current);
    if (!summaries)
        return summaries.failure();
    QList<KeyRow> rows;
    rows.reserve(summaries->size());
    for (const auto& summary : std::as_const(*summaries))
        rows.append(rowOf(summary));
    if (!request.current.groupBy.isEmpty()) {
        if (auto status = addIdleFunctions(query, rows); !status)
            return status.failure();
    }
    if (!request.baseline || stale())
        return rows;
    auto baseline = baselineRows(query, request);
    if (!baseline)
        return baseline.failure();
    compare(rows, *baseline, request.current.range);
    return rows;
}

} // namespace

KeyListUpdater::KeyListUpdater(KeyListModel* model, TimeRangeController* range, ViewOptions* options, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_range(range)
    , m_options(options)
    , m_baseline(std::make_shared<std::optional<Baseline>>())
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
    connect(m_options, &ViewOptions::filterChanged, this, &KeyListUpdater::reload);
    connect(m_options, &ViewOptions::baselineChanged, this, &KeyListUpdater::reload);
    connect(m_options, &ViewOptions::groupByChanged, this, [this] {
        if (m_options->splitsTable())
            reload();
    });
    connect(m_options, &ViewOptions::splitTableChanged, this, [this] {
        if (!m_options->groupBy().isEmpty())
            reload();
    });
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
    // Rows waiting for their turn belong to the old range or database, the cached baseline to the old question.
    m_showTimer->stop();
    m_waitingRows.clear();
    m_baseline = std::make_shared<std::optional<Baseline>>();
    refresh();
}

void KeyListUpdater::refresh()
{
    m_timer->stop();
    m_dirty = false;
    if (!m_thread)
        return;
    TableRequest request { SummaryRequest { m_range->range(), std::nullopt, m_options->tagFilters(),
                               m_options->outcome(), m_options->tableGroupBy() },
        std::nullopt, m_baseline };
    if (m_options->hasBaseline()) {
        if (const auto baseline = m_options->baselineRange(request.current.range))
            request.baseline = *baseline;
    }
    m_jobs.start(
        *m_thread,
        [request](Query& query, const JobTracker::IsStale& stale) { return loadRows(query, request, stale); },
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
    m_model->setGroupName(m_options->tableGroupBy());
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
