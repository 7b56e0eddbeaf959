// SPDX-License-Identifier: MIT
#include "requestlogproxy.h"

#include <memory>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

namespace Kodemon::Test {

RequestLogProxy::RequestLogProxy(quint16 serverPort, QObject* parent)
    : QObject(parent)
    , m_serverPort(serverPort)
    , m_listener(new QTcpServer(this))
{
    m_listener->listen(QHostAddress::LocalHost, 0);
    connect(m_listener, &QTcpServer::newConnection, this, &RequestLogProxy::accept);
}

RequestLogProxy::~RequestLogProxy() = default;

quint16 RequestLogProxy::port() const
{
    return m_listener->serverPort();
}

QStringList RequestLogProxy::targets(const QString& path) const
{
    QStringList found;
    for (const QString& target : m_targets) {
        if (target.section(u'?', 0, 0) == path)
            found.append(target);
    }
    return found;
}

// Each connection gets its own to the server; bytes go through untouched both ways.
void RequestLogProxy::accept()
{
    while (QTcpSocket* client = m_listener->nextPendingConnection()) {
        auto* server = new QTcpSocket(client);
        auto buffer = std::make_shared<QByteArray>();
        connect(client, &QTcpSocket::readyRead, server, [this, client, server, buffer] {
            const QByteArray bytes = client->readAll();
            server->write(bytes);
            buffer->append(bytes);
            readRequests(*buffer);
        });
        connect(server, &QTcpSocket::readyRead, client, [client, server] { client->write(server->readAll()); });
        connect(server, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, client, [client, server] {
            server->disconnectFromHost();
            client->deleteLater();
        });
        server->connectToHost(QHostAddress::LocalHost, m_serverPort); // writes before it connects are kept
    }
}

// A request is a head ending in an empty line, then Content-Length bytes of body (the viewer sends none).
void RequestLogProxy::readRequests(QByteArray& buffer)
{
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buffer.left(end);
        qsizetype bodyLength = 0;
        for (const QByteArray& line : head.split('\n')) {
            if (line.trimmed().toLower().startsWith("content-length:"))
                bodyLength = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + bodyLength)
            return;
        const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
        m_targets.append(QString::fromUtf8(requestLine.value(1)));
        buffer.remove(0, end + 4 + bodyLength);
    }
}

} // namespace Kodemon::Test
