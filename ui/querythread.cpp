// SPDX-License-Identifier: MIT
#include "querythread.h"

#include "base/workerthread.h"
#include "queryworker.h"

#include <QThread>

namespace Kodemon {

QueryThread::QueryThread(std::shared_ptr<Store> store, const QString& name)
    : m_thread(std::make_unique<WorkerThread>(name))
    , m_worker(m_thread->adopt(new QueryWorker(std::move(store))))
{ }

QueryThread::~QueryThread()
{
    // A query blocked on a remote server gives up at once (RemoteApi), instead of holding the window.
    m_thread->thread()->requestInterruption();
}

void QueryThread::post(std::function<void(Query&)> work)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, work = std::move(work)] { worker->run(work); }, Qt::QueuedConnection);
}

} // namespace Kodemon
