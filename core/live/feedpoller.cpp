// SPDX-License-Identifier: MIT
#include "live/feedpoller.h"

#include "base/logging.h"
#include "live/samplefeed.h"
#include "remote/remoteapi.h"

#include <limits>
#include <QDateTime>
#include <QTimer>

namespace Kodemon {

namespace {

constexpr int PageSize = 10000;
constexpr int MaxPerPoll = 200000; // a flood is delivered over several polls, not in one huge batch

Sample sampleOf(const KeyId& id, const StoredSample& stored)
{
    return Sample { stored.token, id.key, stored.timestamp, stored.executionTime, QDateTime::currentSecsSinceEpoch(),
        stored.extra };
}

} // namespace

FeedPoller::FeedPoller(std::shared_ptr<Store> store, int intervalMs)
    : m_store(std::move(store))
    , m_timer(new QTimer(this))
    , m_soon(new QTimer(this))
{
    m_timer->setInterval(intervalMs);
    m_soon->setSingleShot(true);
    m_soon->setInterval(0);
    connect(m_timer, &QTimer::timeout, this, &FeedPoller::poll);
    connect(m_soon, &QTimer::timeout, this, &FeedPoller::poll);
}

FeedPoller::~FeedPoller() = default;

void FeedPoller::start()
{
    m_reader = m_store->createReader();
    m_timer->start();
    poll();
}

void FeedPoller::setWatched(const QList<KeyId>& keys)
{
    QHash<KeyId, Position> positions;
    for (const auto& id : keys)
        positions.insert(id, m_positions.value(id));
    m_positions = positions;
    pollSoon();
}

void FeedPoller::pollSoon()
{
    if (!m_soon->isActive())
        m_soon->start();
}

void FeedPoller::poll()
{
    if (!m_reader)
        return;
    const qint64 now = SampleFeed::clockMs();
    const auto series = readSeries();
    if (!series)
        return;
    noteSeries(*series);
    QList<Sample> arrived;
    qint64 since = std::numeric_limits<qint64>::max();
    for (auto it = m_positions.begin(); it != m_positions.end(); ++it) {
        const auto found = series->constFind(it.key());
        const SeriesInfo* info = found != series->cend() ? &*found : nullptr;
        if (!it->known) {
            locate(it.key(), info, *it, now);
            continue;
        }
        if (!info || info->count == it->count) {
            it->since = now; // nothing new when this poll began: whatever comes is later
            continue;
        }
        const qsizetype before = arrived.size();
        const qint64 previous = it->since;
        if (readNew(it.key(), *it, arrived)) {
            it->count = info->count;
            it->since = now;
        }
        if (arrived.size() > before)
            since = std::min(since, previous);
    }
    if (!arrived.isEmpty())
        Q_EMIT samplesArrived(arrived, since);
}

std::optional<QHash<KeyId, SeriesInfo>> FeedPoller::readSeries()
{
    const auto list = m_reader->listSeries(std::nullopt);
    if (!list) {
        if (!m_failing)
            qCInfo(lcRemote).noquote() << "live updates paused:" << list.error();
        m_failing = true;
        return std::nullopt;
    }
    QHash<KeyId, SeriesInfo> series;
    for (const auto& info : *list)
        series.insert(info.id, info);
    return series;
}

void FeedPoller::noteSeries(const QHash<KeyId, SeriesInfo>& series)
{
    // Back after failing: what the viewer read meanwhile failed too, so it reads everything again.
    bool changed = m_failing;
    bool added = m_failing;
    if (m_failing)
        qCInfo(lcRemote) << "live updates resumed";
    for (auto it = series.begin(); m_polledOnce && it != series.end(); ++it) {
        const auto known = m_counts.constFind(it.key());
        added = added || known == m_counts.cend();
        changed = changed || known == m_counts.cend() || *known != it->count;
    }
    changed = changed || (m_polledOnce && series.size() != m_counts.size());
    m_counts.clear();
    for (auto it = series.begin(); it != series.end(); ++it)
        m_counts.insert(it.key(), it->count);
    m_failing = false;
    m_polledOnce = true;
    if (changed)
        Q_EMIT seriesChanged(added);
}

// The first look at a watched series: where its calls end now. Whatever comes later is new.
bool FeedPoller::locate(const KeyId& id, const SeriesInfo* info, Position& position, qint64 now)
{
    position = Position {};
    position.since = now;
    if (info) {
        const auto atLast = m_reader->stats(SeriesSelector { id.key, id.token, TimeRange { info->last, info->last } });
        if (!atLast)
            return false;
        position.last = info->last;
        position.seenAtLast = atLast->count;
        position.count = info->count;
    }
    position.known = true;
    return true;
}

// Reads the calls after `position` (up to MaxPerPoll) into `out`; true when it got to the end.
bool FeedPoller::readNew(const KeyId& id, Position& position, QList<Sample>& out)
{
    const SeriesSelector selector { id.key, id.token, TimeRange { position.last, std::nullopt } };
    qint64 skip = position.seenAtLast; // the calls at `last` that were delivered already come first
    QString cursor;
    for (int read = 0; read < MaxPerPoll; read += PageSize) {
        const auto page = m_reader->samples(selector, cursor, PageSize);
        if (!page)
            return false;
        for (const auto& stored : page->samples) {
            if (position.last && stored.timestamp == *position.last && skip > 0) {
                --skip;
                continue;
            }
            if (position.last && stored.timestamp == *position.last) {
                ++position.seenAtLast;
            } else {
                position.last = stored.timestamp;
                position.seenAtLast = 1;
            }
            out.append(sampleOf(id, stored));
        }
        if (!page->next)
            return true;
        cursor = *page->next;
    }
    return false;
}

} // namespace Kodemon
