// SPDX-License-Identifier: MIT
#include "live/pollingfeed.h"

#include "base/workerthread.h"
#include "live/feedpoller.h"

#include <QThread>

namespace Kodemon {

PollingFeed::PollingFeed(std::shared_ptr<Store> store, int intervalMs, QObject* parent)
    : SampleFeed(parent)
    , m_thread(std::make_unique<WorkerThread>(QStringLiteral("kodemon-feed")))
    , m_poller(m_thread->adopt(new FeedPoller(std::move(store), intervalMs)))
{
    connect(m_poller, &FeedPoller::samplesArrived, this, &SampleFeed::samplesArrived);
    connect(m_poller, &FeedPoller::seriesChanged, this, &SampleFeed::seriesChanged);
    QMetaObject::invokeMethod(m_poller, &FeedPoller::start, Qt::QueuedConnection);
}

PollingFeed::~PollingFeed()
{
    // A poll blocked on a silent server gives up at once instead of holding the window's shutdown.
    m_thread->thread()->requestInterruption();
}

void PollingFeed::watch(const QList<KeyId>& keys)
{
    QMetaObject::invokeMethod(
        m_poller, [poller = m_poller, keys] { poller->setWatched(keys); }, Qt::QueuedConnection);
}

void PollingFeed::pollSoon()
{
    QMetaObject::invokeMethod(m_poller, &FeedPoller::pollSoon, Qt::QueuedConnection);
}

} // namespace Kodemon
