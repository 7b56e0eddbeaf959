// SPDX-License-Identifier: MIT
#include "base/workerthread.h"

#include <QThread>

namespace Kodemon {

WorkerThread::WorkerThread(const QString& name)
    : m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(name);
    m_thread->start();
}

WorkerThread::~WorkerThread()
{
    if (m_worker) {
        QObject* worker = m_worker;
        QMetaObject::invokeMethod(
            worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
}

void WorkerThread::moveWorker(QObject* worker)
{
    Q_ASSERT(!m_worker);
    worker->moveToThread(m_thread.get());
    m_worker = worker;
}

} // namespace Kodemon
