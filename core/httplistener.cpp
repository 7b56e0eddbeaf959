// SPDX-License-Identifier: MIT
#include "httplistener.h"

#include "connectionguard.h"
#include "httpreply.h"
#include "logging.h"

#include <algorithm>
#include <QTcpSocket>

namespace Kodemon {

HttpListener::HttpListener(Options options, QObject* parent)
    : QTcpServer(parent)
    , m_options(options)
{
    // Checking four times per timeout closes an idle connection at most a quarter timeout late.
    m_idleCheck.setInterval(std::max(std::chrono::milliseconds(50), m_options.idleTimeout / 4));
    connect(&m_idleCheck, &QTimer::timeout, this, &HttpListener::closeIdle);
    m_idleCheck.start();
}

HttpListener::~HttpListener() = default;

int HttpListener::connectionCount() const
{
    return int(std::count_if(m_sockets.cbegin(), m_sockets.cend(),
        [](const auto& socket) { return socket && socket->state() != QAbstractSocket::UnconnectedState; }));
}

void HttpListener::incomingConnection(qintptr descriptor)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (connectionCount() >= m_options.maxConnections) {
        qCWarning(lcHttp) << "refusing a connection from" << socket->peerAddress().toString() << "-"
                          << m_options.maxConnections << "are open already";
        ConnectionGuard::refuse(socket, 503,
            errorJson(QStringLiteral("service unavailable"),
                QStringLiteral("too many open connections (%1); try again later").arg(m_options.maxConnections)));
        return;
    }
    new ConnectionGuard(socket, m_options.limits); // before QHttpServer connects, so it sees the bytes first
    m_sockets.append(socket);
    addPendingConnection(socket);
}

void HttpListener::closeIdle()
{
    m_sockets.removeAll(nullptr);
    for (const auto& socket : std::as_const(m_sockets)) {
        // QHttpServer deletes closed sockets, except those whose request it could not parse: it drops every
        // signal connection of those (including its own), so they are collected here.
        if (socket->state() == QAbstractSocket::UnconnectedState) {
            socket->deleteLater();
            continue;
        }
        const auto* guard = ConnectionGuard::of(socket);
        if (guard && guard->idleMs() >= m_options.idleTimeout.count()
            && socket->state() == QAbstractSocket::ConnectedState) {
            qCDebug(lcHttp) << "closing an idle connection from" << socket->peerAddress().toString();
            socket->disconnectFromHost();
        }
    }
}

} // namespace Kodemon
