// SPDX-License-Identifier: MIT
#include "http/httpserver.h"

#include "base/workerthread.h"
#include "store/store.h"

namespace Kodemon {

HttpServer::HttpServer(std::shared_ptr<Store> store, Options options, QObject* parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_options(std::move(options))
{ }

HttpServer::~HttpServer()
{
    stop();
}

Status HttpServer::start()
{
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-http"));
    m_worker = m_thread->adopt(new HttpServerWorker(m_store, m_options));
    Status status = Error { QStringLiteral("the HTTP thread did not start") };
    QMetaObject::invokeMethod(m_worker, &HttpServerWorker::start, Qt::BlockingQueuedConnection, &status);
    if (!status) {
        stop();
        return status;
    }
    QMetaObject::invokeMethod(
        m_worker, [this] { m_port = m_worker->boundPort(); }, Qt::BlockingQueuedConnection);
    return Ok {};
}

void HttpServer::stop()
{
    m_worker = nullptr;
    m_thread.reset(); // deletes the worker, its server and connections on their thread
}

int HttpServer::connectionCount() const
{
    int count = 0;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [this, &count] { count = m_worker->connectionCount(); }, Qt::BlockingQueuedConnection);
    return count;
}

qint64 HttpServer::pendingOutputBytes() const
{
    qint64 bytes = 0;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [this, &bytes] { bytes = m_worker->pendingOutputBytes(); }, Qt::BlockingQueuedConnection);
    return bytes;
}

} // namespace Kodemon
