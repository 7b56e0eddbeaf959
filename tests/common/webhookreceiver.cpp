// SPDX-License-Identifier: MIT
#include "webhookreceiver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QTcpSocket>

namespace Kodemon::Test {

QJsonObject WebhookReceiver::Request::json() const
{
    return QJsonDocument::fromJson(body).object();
}

WebhookReceiver::WebhookReceiver()
{
    connect(&m_server, &QTcpServer::newConnection, this, &WebhookReceiver::onConnection);
    m_clock.start();
}

WebhookReceiver::~WebhookReceiver()
{
    // The sockets are the server's children and outlive the members their slots use: cut them loose first.
    m_server.close();
    for (QTcpSocket* socket : m_server.findChildren<QTcpSocket*>()) {
        socket->disconnect(this);
        socket->abort();
    }
}

bool WebhookReceiver::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QString WebhookReceiver::url(const QString& path) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
}

void WebhookReceiver::releaseHung()
{
    for (const auto& socket : std::as_const(m_hung)) {
        if (socket)
            socket->abort();
    }
    m_hung.clear();
}

bool WebhookReceiver::waitFor(qsizetype count, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_requests.size() < count && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return m_requests.size() >= count;
}

void WebhookReceiver::onConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void WebhookReceiver::onData(QTcpSocket* socket)
{
    QByteArray& buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        Request request;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
        request.method = start.value(0);
        request.path = start.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length").toLongLong();
        if (buffer.size() < headEnd + 4 + length)
            return;
        request.body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        request.receivedMs = m_clock.elapsed();
        request.answer = m_script.isEmpty() ? m_fallback : m_script.takeFirst();
        m_requests.append(request);
        answer(socket, request.answer);
    }
}

void WebhookReceiver::answer(QTcpSocket* socket, Answer answer)
{
    switch (answer) {
    case Answer::Ok:
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        return;
    case Answer::ServerError:
        socket->write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
        return;
    case Answer::NotFound:
        socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        return;
    case Answer::Hang:
        m_hung.append(socket); // read, never answered
        return;
    }
}

} // namespace Kodemon::Test
