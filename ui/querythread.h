// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <QString>

namespace Kodemon {

class Query;
class QueryWorker;
class Store;
class WorkerThread;

// A thread that answers queries in the order they are posted, with its own Query; the UI thread never waits.
class QueryThread final
{
public:
    QueryThread(std::shared_ptr<Store> store, const QString& name);
    ~QueryThread();
    Q_DISABLE_COPY_MOVE(QueryThread)

    // Runs `work` on the thread; it must not touch UI objects (post results back instead).
    void post(std::function<void(Query&)> work);

private:
    std::unique_ptr<WorkerThread> m_thread;
    QueryWorker* m_worker = nullptr;
};

} // namespace Kodemon
