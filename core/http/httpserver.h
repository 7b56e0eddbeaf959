// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpserverworker.h"

#include <memory>
#include <QObject>

namespace Kodemon {

class Store;
class WorkerThread;

// The HTTP API and web page, served from the "kodemon-http" thread so that no request ever waits for the
// UI thread (or blocks it). Used from the thread that created it.
class HttpServer final : public QObject
{
    Q_OBJECT
public:
    using Options = HttpServerWorker::Options;

    HttpServer(std::shared_ptr<Store> store, Options options, QObject* parent = nullptr);
    ~HttpServer() override;
    Q_DISABLE_COPY_MOVE(HttpServer)

    // Starts the thread and listens; on failure nothing keeps running and the error says why in words.
    Status start();
    // Closes every connection and stops the thread.
    void stop();

    bool isRunning() const { return m_worker != nullptr; }
    QHostAddress address() const { return m_options.address; }
    quint16 port() const { return m_port; } // the bound port, also when 0 was asked for
    int connectionCount() const;
    // Bytes of answers held in memory for clients that have not taken them yet.
    qint64 pendingOutputBytes() const;

private:
    std::shared_ptr<Store> m_store;
    Options m_options;
    std::unique_ptr<WorkerThread> m_thread;
    HttpServerWorker* m_worker = nullptr;
    quint16 m_port = 0;
};

} // namespace Kodemon
