// SPDX-License-Identifier: MIT
#include "http/httplistener.h"

#include "base/logging.h"
#include "http/connectionguard.h"
#include "http/executionstream.h"
#include "http/httpreply.h"

#include <algorithm>
#include <QTcpSocket>

namespace Kodemon {

HttpListener::HttpListener(Options options, QObject* parent)
    : QTcpServer(parent)
    , m_options(options)
{
    // Checking four times per timeout closes an idle or slow connection at most a quarter timeout late.
    m_idleCheck.setInterval(
        std::max(std::chrono::milliseconds(50), std::min(m_options.idleTimeout, m_options.requestTimeout) / 4));
    connect(&m_idleCheck, &QTimer::timeout, this, &HttpListener::closeIdle);
    m_idleCheck.start();
    // Qt's default backlog of 50 drops the handshakes of a burst of connections, and a dropped handshake
    // costs a prompt client a second or more; the kernel caps this at net.core.somaxconn.
    setListenBacklogSize(1024);
}

HttpListener::~HttpListener() = default;

int HttpListener::connectionCount() const
{
    return int(std::count_if(m_sockets.cbegin(), m_sockets.cend(),
        [](const auto& socket) { return socket && socket->state() != QAbstractSocket::UnconnectedState; }));
}

qint64 HttpListener::pendingOutputBytes() const
{
    qint64 bytes = 0;
    for (const auto& socket : m_sockets) {
        if (socket)
            bytes += socket->bytesToWrite();
    }
    return bytes;
}

void HttpListener::incomingConnection(qintptr descriptor)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (connectionCount() >= m_options.maxConnections && !evictOne()) {
        refuse(socket);
        return;
    }
    new ConnectionGuard(socket, m_options.limits, m_options.refusalBody); // before QHttpServer connects, so it sees the bytes first
    m_sockets.append(socket);
    addPendingConnection(socket);
}

// Makes room by closing the connection whose client has waited longest without completing a request, if it
// has waited at least evictAfter and nothing is being sent on it.
bool HttpListener::evictOne()
{
    QTcpSocket* oldest = nullptr;
    qint64 oldestMs = m_options.evictAfter.count() - 1;
    for (const auto& socket : std::as_const(m_sockets)) {
        const auto* guard = ConnectionGuard::of(socket);
        if (!guard || guard->isRefused() || socket->state() != QAbstractSocket::ConnectedState
            || socket->bytesToWrite() > 0 || socket->findChild<ExecutionStream*>())
            continue;
        if (guard->waitingMs() > oldestMs) {
            oldest = socket;
            oldestMs = guard->waitingMs();
        }
    }
    if (!oldest)
        return false;
    qCDebug(lcHttp) << "closing a connection from" << oldest->peerAddress().toString() << "that waited" << oldestMs
                    << "ms without a request, to make room for a new one";
    oldest->disconnectFromHost();
    if (oldest->state() != QAbstractSocket::UnconnectedState)
        oldest->abort();
    return true;
}

// 503 in words while few refusals are in flight; beyond that the connection is just closed, so that a flood
// of connections cannot hold more sockets than twice the bound.
void HttpListener::refuse(QTcpSocket* socket)
{
    m_refused.removeAll(nullptr);
    if (m_refused.size() >= m_options.maxConnections) {
        socket->abort();
        delete socket;
        return;
    }
    // Logged at most every 10 s, so that a flood of connections does not flood the log as well.
    ++m_unloggedRefusals;
    if (!m_refusalLog.isValid() || m_refusalLog.elapsed() >= 10000) {
        qCWarning(lcHttp) << "refused" << m_unloggedRefusals << "connection(s), the last from"
                          << socket->peerAddress().toString() << "-" << m_options.maxConnections << "are open and busy";
        m_unloggedRefusals = 0;
        m_refusalLog.start();
    }
    ConnectionGuard::refuse(socket, 503,
        errorJson(QStringLiteral("service unavailable"),
            QStringLiteral("too many open connections (%1); try again later").arg(m_options.maxConnections)));
    m_refused.append(socket);
}

void HttpListener::closeIdle()
{
    m_sockets.removeAll(nullptr);
    for (const auto& socket : std::as_const(m_sockets))
        check(socket);
}

void HttpListener::check(QTcpSocket* socket)
{
    // QHttpServer deletes closed sockets, except those whose request it could not parse: it drops every
    // signal connection of those (including its own), so they are collected here.
    if (socket->state() == QAbstractSocket::UnconnectedState) {
        socket->deleteLater();
        return;
    }
    const auto* guard = ConnectionGuard::of(socket);
    if (!guard)
        return;
    if (!guard->isRefused() && guard->headAgeMs() >= m_options.requestTimeout.count()
        && socket->state() == QAbstractSocket::ConnectedState) {
        qCDebug(lcHttp) << "closing a connection from" << socket->peerAddress().toString()
                        << "whose request did not arrive within" << m_options.requestTimeout.count() << "ms";
        ConnectionGuard::refuse(socket, 408,
            errorJson(QStringLiteral("request timeout"),
                QStringLiteral("the request did not arrive within %1 s")
                    .arg(m_options.requestTimeout.count() / 1000.0)));
        return;
    }
    if (guard->idleMs() < m_options.idleTimeout.count())
        return;
    // A client that stopped reading never takes what is buffered for it: only a reset ends that connection.
    if (socket->state() == QAbstractSocket::ConnectedState && socket->bytesToWrite() == 0) {
        qCDebug(lcHttp) << "closing an idle connection from" << socket->peerAddress().toString();
        socket->disconnectFromHost();
    } else {
        qCInfo(lcHttp) << "dropping a connection from" << socket->peerAddress().toString() << "that has not read"
                       << socket->bytesToWrite() << "bytes for" << guard->idleMs() << "ms";
        socket->abort();
    }
}

} // namespace Kodemon
