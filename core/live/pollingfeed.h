// SPDX-License-Identifier: MIT
#pragma once

#include "live/samplefeed.h"

#include <memory>

namespace Kodemon {

class FeedPoller;
class Store;
class WorkerThread;

// The feed of a viewer without a local collector (`--remote`): a FeedPoller on its own thread asks the store
// about once a second what arrived in the watched series, and whether the list of series changed.
class PollingFeed final : public SampleFeed
{
    Q_OBJECT
public:
    explicit PollingFeed(std::shared_ptr<Store> store, int intervalMs = 1000, QObject* parent = nullptr);
    ~PollingFeed() override;
    Q_DISABLE_COPY_MOVE(PollingFeed)

    void watch(const QList<Kodemon::KeyId>& keys) override;
    void pollSoon() override;

private:
    std::unique_ptr<WorkerThread> m_thread;
    FeedPoller* m_poller;
};

} // namespace Kodemon
