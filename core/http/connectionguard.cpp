// SPDX-License-Identifier: MIT
#include "http/connectionguard.h"

#include "base/logging.h"
#include "http/httpreply.h"

#include <QTcpSocket>
#include <QTimer>
#include <sys/socket.h>

namespace Kodemon {

namespace {

constexpr int LingerMs = 2000;

int statusOf(RequestLimiter::Verdict verdict)
{
    switch (verdict) {
    case RequestLimiter::Verdict::UriTooLong:
        return 414;
    case RequestLimiter::Verdict::HeadersTooLarge:
        return 431;
    case RequestLimiter::Verdict::BodyTooLarge:
        return 413;
    case RequestLimiter::Verdict::LengthRequired:
        return 411;
    case RequestLimiter::Verdict::BadRequest:
    case RequestLimiter::Verdict::BadTarget:
    case RequestLimiter::Verdict::Continue:
        break;
    }
    return 400;
}

QString detailOf(RequestLimiter::Verdict verdict, const RequestLimiter::Limits& limits)
{
    switch (verdict) {
    case RequestLimiter::Verdict::UriTooLong:
        return QStringLiteral("the request line is longer than %1 bytes").arg(limits.maxRequestLine);
    case RequestLimiter::Verdict::HeadersTooLarge:
        return QStringLiteral("the request headers are larger than %1 bytes").arg(limits.maxHeaderBytes);
    case RequestLimiter::Verdict::BodyTooLarge:
        return QStringLiteral("the request body is larger than %1 bytes").arg(limits.maxBodyBytes);
    case RequestLimiter::Verdict::LengthRequired:
        return QStringLiteral("request bodies need a Content-Length (chunked bodies are not accepted)");
    case RequestLimiter::Verdict::BadTarget:
        return QStringLiteral("the request target must be ASCII, with two hex digits after each \"%\": "
                              "percent-encode other bytes, and a percent sign as %25");
    case RequestLimiter::Verdict::BadRequest:
    case RequestLimiter::Verdict::Continue:
        break;
    }
    return QStringLiteral("the Content-Length header is not a number");
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket* socket, RequestLimiter::Limits limits, RefusalBody refusalBody)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_limiter(limits)
    , m_refusalBody(std::move(refusalBody))
{
    m_lastActivity.start();
    m_waitingSince.start();
    // A response's last piece must not wait for the client's acknowledgement of the one before: with Nagle's
    // algorithm on, a head written apart from its body reached keep-alive clients 40-45 ms late (their delayed
    // ACK; measured with python-requests on /api/functions, 2026-12-07).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::inspect);
    connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::touch);
}

ConnectionGuard::~ConnectionGuard() = default;

ConnectionGuard* ConnectionGuard::of(const QTcpSocket* socket)
{
    return socket ? socket->findChild<ConnectionGuard*>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

void ConnectionGuard::inspect()
{
    touch();
    // QHttpServer reads everything available on each readyRead, so what is buffered now is new.
    const int heads = m_limiter.completedHeads();
    const auto verdict = m_limiter.feed(m_socket->peek(m_socket->bytesAvailable()));
    if (m_limiter.completedHeads() != heads)
        m_waitingSince.start();
    if (!m_limiter.inHead())
        m_headStarted.invalidate();
    else if (!m_headStarted.isValid() || m_limiter.completedHeads() != heads)
        m_headStarted.start();
    if (verdict == RequestLimiter::Verdict::Continue)
        return;
    const int status = statusOf(verdict);
    qCInfo(lcHttp) << "refusing a request from" << m_socket->peerAddress().toString() << "with" << status;
    const QString detail = detailOf(verdict, m_limits);
    refuse(m_socket, status,
        m_refusalBody ? m_refusalBody(status, detail) : errorJson(QString::fromLatin1(reasonPhrase(status)), detail));
}

void ConnectionGuard::refuse(QTcpSocket* socket, int status, const QByteArray& json)
{
    if (auto* guard = of(socket))
        guard->m_refused = true;
    // QHttpServer must not parse what follows; the disconnected signal still lets it delete the socket.
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    socket->readAll();
    socket->write(rawResponse(status, json));
    // A close with unread input sends a reset that can destroy the answer in flight: stop sending once the
    // answer is out, read and drop what the client still sends, and close when it does (or after a while).
    auto stopSending = [socket] {
        if (socket->bytesToWrite() == 0)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    socket->flush();
    stopSending();
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, stopSending);
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(LingerMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

} // namespace Kodemon
