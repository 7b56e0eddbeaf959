// SPDX-License-Identifier: MIT
#pragma once

#include "requestlimiter.h"

#include <chrono>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace Kodemon {

// The TCP side of the HTTP server, bound to QHttpServer: Qt 6.4's server never closes a connection and
// accepts any number of them, so this listener closes connections that idle past a timeout, refuses
// connections beyond a bound with 503, and guards each one against oversized requests (ConnectionGuard).
class HttpListener final : public QTcpServer
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds idleTimeout { 30000 };
        int maxConnections = 128;
        RequestLimiter::Limits limits;
    };

    explicit HttpListener(Options options, QObject* parent = nullptr);
    ~HttpListener() override;
    Q_DISABLE_COPY_MOVE(HttpListener)

    int connectionCount() const;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void closeIdle();

    Options m_options;
    QList<QPointer<QTcpSocket>> m_sockets;
    QTimer m_idleCheck;
};

} // namespace Kodemon
