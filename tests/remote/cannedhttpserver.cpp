// SPDX-License-Identifier: MIT
#include "cannedhttpserver.h"

#include "base/workerthread.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace Kodemon::Test {

namespace {

// Lives on the server thread: accepts connections and answers each complete request head.
class Responder final : public QObject
{
public:
    explicit Responder(std::shared_ptr<CannedHttpServer::State> state)
        : m_state(std::move(state))
    { }

    quint16 listen()
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress::LocalHost, 0);
        connect(m_server, &QTcpServer::newConnection, this, &Responder::accept);
        return m_server->serverPort();
    }

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void serve(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buffer.left(end);
        buffer.remove(0, end + 4);
        const QMutexLocker lock(&m_state->mutex);
        m_state->lastRequest = head;
        if (m_state->silent)
            return;
        socket->write("HTTP/1.1 " + QByteArray::number(m_state->status)
            + " Canned\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(m_state->body.size())
            + "\r\n\r\n" + m_state->body);
    }

    std::shared_ptr<CannedHttpServer::State> m_state;
    QTcpServer* m_server = nullptr;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace

CannedHttpServer::CannedHttpServer()
    : m_thread(std::make_unique<WorkerThread>(QStringLiteral("canned-http")))
    , m_state(std::make_shared<State>())
{
    auto* responder = m_thread->adopt(new Responder(m_state));
    QMetaObject::invokeMethod(
        responder, [this, responder] { m_port = responder->listen(); }, Qt::BlockingQueuedConnection);
}

CannedHttpServer::~CannedHttpServer() = default;

void CannedHttpServer::setAnswer(int status, const QByteArray& body, bool silent)
{
    const QMutexLocker lock(&m_state->mutex);
    m_state->status = status;
    m_state->body = body;
    m_state->silent = silent;
}

QByteArray CannedHttpServer::lastRequest() const
{
    const QMutexLocker lock(&m_state->mutex);
    return m_state->lastRequest;
}

} // namespace Kodemon::Test
