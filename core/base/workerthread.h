// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <QPointer>
#include <QString>

class QObject;
class QThread;

namespace Kodemon {

// A running QThread that owns one worker QObject. Destroying it deletes the worker on its own thread
// (so sockets, timers and database connections are closed where they were made), then stops the thread.
class WorkerThread final
{
public:
    explicit WorkerThread(const QString& name);
    ~WorkerThread();
    Q_DISABLE_COPY_MOVE(WorkerThread)

    // Moves `worker` (which must have no parent) to this thread and takes ownership of it.
    template<typename T> T* adopt(T* worker)
    {
        moveWorker(worker);
        return worker;
    }

    QThread* thread() const { return m_thread.get(); }

private:
    void moveWorker(QObject* worker);

    std::unique_ptr<QThread> m_thread;
    QPointer<QObject> m_worker;
};

} // namespace Kodemon
