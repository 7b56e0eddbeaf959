// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QStringList>

class QTcpServer;
class QTcpSocket;

namespace Kodemon::Test {

// A TCP proxy on loopback in front of an HTTP server that writes down the request line of every request passing
// through ("GET /api/changes?from=..."), to count what a client asked for on the wire. Runs on the thread that
// made it: that thread must spin its event loop while the client talks (QTRY_*, QSignalSpy::wait).
class RequestLogProxy final : public QObject
{
    Q_OBJECT
public:
    explicit RequestLogProxy(quint16 serverPort, QObject* parent = nullptr);
    ~RequestLogProxy() override;
    Q_DISABLE_COPY_MOVE(RequestLogProxy)

    quint16 port() const;
    // Every request's target ("/api/changes?from=..."), in the order they came, since the last clear().
    QStringList targets() const { return m_targets; }
    // The targets whose path is `path` ("/api/changes").
    QStringList targets(const QString& path) const;
    void clear() { m_targets.clear(); }

private:
    void accept();
    void readRequests(QByteArray& buffer);

    quint16 m_serverPort;
    QTcpServer* m_listener;
    QStringList m_targets;
};

} // namespace Kodemon::Test
