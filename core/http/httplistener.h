// SPDX-License-Identifier: MIT
#pragma once

#include "http/connectionguard.h"
#include "http/requestlimiter.h"

#include <chrono>
#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace Kodemon {

// The TCP side of the HTTP server, bound to QHttpServer: Qt 6.4's server never closes a connection and
// accepts any number of them, so this listener closes connections that idle past a timeout, answers request
// heads that arrive too slowly with 408, guards each connection against oversized requests
// (ConnectionGuard), and bounds the number of connections: when all are taken, a new client replaces the one
// that has waited longest without sending a request, or gets 503 when every connection is busy. So idle and
// half-open connections, however many, delay a prompt client by at most `evictAfter`.
class HttpListener final : public QTcpServer
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds idleTimeout { 30000 }; // no byte in either direction for this long: closed
        std::chrono::milliseconds requestTimeout { 10000 }; // a request head still arriving after this: 408
        std::chrono::milliseconds evictAfter { 1000 }; // waiting this long for a request: may make room
        int maxConnections = 128; // also bounds the refused connections that are still being answered
        RequestLimiter::Limits limits;
        ConnectionGuard::RefusalBody refusalBody; // how requests over the limits are answered (default errorJson)
    };

    explicit HttpListener(Options options, QObject* parent = nullptr);
    ~HttpListener() override;
    Q_DISABLE_COPY_MOVE(HttpListener)

    int connectionCount() const;
    // Bytes of answers waiting in memory to be sent: bounded however slowly clients read.
    qint64 pendingOutputBytes() const;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void closeIdle();
    void check(QTcpSocket* socket);
    bool evictOne();
    void refuse(QTcpSocket* socket);

    Options m_options;
    QList<QPointer<QTcpSocket>> m_sockets;
    QList<QPointer<QTcpSocket>> m_refused; // answered with 503 and closing
    QElapsedTimer m_refusalLog;
    int m_unloggedRefusals = 0;
    QTimer m_idleCheck;
};

} // namespace Kodemon
