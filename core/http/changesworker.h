// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changefinder.h"
#include "base/result.h"
#include "store/readscope.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QObject>
#include <QThread>
#include <vector>

namespace Kodemon {

class Query;
class Store;

// Answers GET /api/changes on a thread of its own ("kodemon-http-changes"), with its own readers: findChanges
// reads every function's calls of the range (1.8 s for 1,000 functions and 10M calls, make bench), which on the
// HTTP thread held up every other request, the live page's included, for as long. Requests wait their turn; at
// most maxWaiting at once, so that a client repeating a slow request cannot queue minutes of work.
class ChangesWorker final
{
public:
    using Done = std::function<void(Result<ChangeReport>)>; // called on the worker's thread

    ChangesWorker(std::shared_ptr<Store> store, int maxWaiting = 4);
    ~ChangesWorker(); // after the request being answered, if any; those waiting are dropped unanswered
    Q_DISABLE_COPY_MOVE(ChangesWorker)

    // Queues findChanges over the calls `scope` may read; false (and `done` never called) when maxWaiting
    // requests are queued or running already.
    bool submit(const ReadScope& scope, ChangeRequest request, Done done);
    int waiting() const { return m_waiting.load(); }

private:
    Query* queryFor(const ReadScope& scope); // on the worker's thread

    std::shared_ptr<Store> m_store;
    const int m_maxWaiting;
    std::atomic<int> m_waiting { 0 };
    QThread m_thread;
    QObject* m_context = nullptr; // lives on m_thread
    std::vector<std::pair<ReadScope, std::unique_ptr<Query>>> m_queries; // made and used on m_thread only
};

} // namespace Kodemon
