// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <QByteArray>
#include <QMutex>
#include <QObject>

class QTcpServer;

namespace Kodemon {
class WorkerThread;
}

namespace Kodemon::Test {

// An HTTP server on loopback, on its own thread, that answers every request with the same canned response
// (or with nothing at all) and remembers the last request's head. The readers under test block the thread
// that calls them, so the server cannot share it.
class CannedHttpServer final
{
public:
    CannedHttpServer();
    ~CannedHttpServer();
    Q_DISABLE_COPY_MOVE(CannedHttpServer)

    quint16 port() const { return m_port; }
    // The status and body of every following answer; `silent` answers nothing (a hung server).
    void setAnswer(int status, const QByteArray& body, bool silent = false);
    // The request line and headers last received.
    QByteArray lastRequest() const;

    struct State
    {
        mutable QMutex mutex;
        int status = 200;
        QByteArray body;
        bool silent = false;
        QByteArray lastRequest;
    };

private:
    std::unique_ptr<WorkerThread> m_thread;
    std::shared_ptr<State> m_state;
    quint16 m_port = 0;
};

} // namespace Kodemon::Test
