// SPDX-License-Identifier: MIT
#pragma once

#include "http/requestlimiter.h"

#include <functional>
#include <QElapsedTimer>
#include <QObject>

class QTcpSocket;

namespace Kodemon {

// Watches one HTTP connection for HttpListener: applies the request limits to the bytes before QHttpServer
// reads them, remembers the head of the request being answered, and measures how long the connection idled.
// A child of its socket, so it lives exactly as long as the connection.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
public:
    // The JSON body of a refusal for an HTTP status and the words of why; errorJson() when none is given (the
    // OTLP receiver answers a google.rpc.Status instead, and counts the refusal).
    using RefusalBody = std::function<QByteArray(int status, const QString& detail)>;

    // Connect before QHttpServer does, so that the guard sees each byte first.
    ConnectionGuard(QTcpSocket* socket, RequestLimiter::Limits limits, RefusalBody refusalBody = {});
    ~ConnectionGuard() override;
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

    static ConnectionGuard* of(const QTcpSocket* socket);

    qint64 idleMs() const { return m_lastActivity.elapsed(); }
    // How long the client has taken so far to send its next request (since it connected or since its last
    // request head was complete), whether it sends nothing or sends slowly.
    qint64 waitingMs() const { return m_waitingSince.elapsed(); }
    // How long the request head that is arriving has been arriving, or -1 when none is.
    qint64 headAgeMs() const { return m_headStarted.isValid() ? m_headStarted.elapsed() : -1; }
    const RequestLimiter::Head& lastHead() const { return m_limiter.lastHead(); }
    // Whether refuse() answered this connection: it only waits to be closed.
    bool isRefused() const { return m_refused; }
    // Called while a response is written piece by piece, so that the connection does not count as idle.
    void touch() { m_lastActivity.start(); }

    // Answers `status` with a JSON error, refuses further requests and closes the connection without
    // losing the answer (the client's remaining bytes are read and dropped first).
    static void refuse(QTcpSocket* socket, int status, const QByteArray& json);

private:
    void inspect();

    QTcpSocket* m_socket;
    RequestLimiter::Limits m_limits;
    RequestLimiter m_limiter;
    RefusalBody m_refusalBody;
    QElapsedTimer m_lastActivity;
    QElapsedTimer m_waitingSince;
    QElapsedTimer m_headStarted; // invalid while no request head is arriving
    bool m_refused = false;
};

} // namespace Kodemon
