// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

class QTcpSocket;

namespace Kodemon::Test {

// A real HTTP server on loopback that receives webhooks the way a chat service or a pager does, and answers as the
// test scripts it: 200, 500, 404, or never (a hung receiver). Records every request with its arrival time.
class WebhookReceiver final : public QObject
{
    Q_OBJECT
public:
    enum class Answer { Ok, ServerError, NotFound, Hang };
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        qint64 receivedMs = 0; // since the receiver started
        Answer answer = Answer::Ok;

        QJsonObject json() const;
    };

    WebhookReceiver();
    ~WebhookReceiver() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString& path = QStringLiteral("/hook")) const;
    // How the next requests are answered, in order; afterwards every request gets `fallback`.
    void script(const QList<Answer>& answers) { m_script = answers; }
    void setFallback(Answer answer) { m_fallback = answer; }
    // Closes every connection held open by Hang.
    void releaseHung();

    const QList<Request>& requests() const { return m_requests; }
    // Spins the event loop until `count` requests arrived or the time is up.
    bool waitFor(qsizetype count, int timeoutMs);

private:
    void onConnection();
    void onData(QTcpSocket* socket);
    void answer(QTcpSocket* socket, Answer answer);

    QTcpServer m_server;
    QElapsedTimer m_clock;
    QList<Answer> m_script;
    Answer m_fallback = Answer::Ok;
    QList<Request> m_requests;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_hung;
};

} // namespace Kodemon::Test
