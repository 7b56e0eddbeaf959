// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QObject>

class QTimer;
class QUdpSocket;

namespace Kodemon {

// Sends realistic decorator datagrams (a small web shop's functions, the last half hour) to a UDP port,
// a batch per event-loop turn so that neither the window nor loopback is flooded.
class TestDataSender final : public QObject
{
    Q_OBJECT
public:
    explicit TestDataSender(QObject* parent = nullptr);
    ~TestDataSender() override;
    Q_DISABLE_COPY_MOVE(TestDataSender)

    // The datagrams, exactly as Python's json.dumps writes them; `now` in epoch seconds.
    static QList<QByteArray> datagrams(qint64 now, int count);

    // Starts sending `count` datagrams; false while a previous send is still running.
    bool send(const QHostAddress& address, quint16 port, int count = 400);
    bool isSending() const;

Q_SIGNALS:
    void finished(int sent, const QString& error);

private:
    void sendBatch();

    QUdpSocket* m_socket;
    QTimer* m_timer;
    QList<QByteArray> m_queue;
    QHostAddress m_address;
    quint16 m_port = 0;
    int m_sent = 0;
};

} // namespace Kodemon
