// SPDX-License-Identifier: MIT
#pragma once

#include "ingest/datagramsource.h"

#include <QByteArray>

class QUdpSocket;

namespace Kodemon {

// The portable datagram source: one QUdpSocket::readDatagram() per datagram.
class QtUdpSource final : public DatagramSource
{
    Q_OBJECT
public:
    explicit QtUdpSource(QObject* parent = nullptr);
    ~QtUdpSource() override;
    Q_DISABLE_COPY_MOVE(QtUdpSource)

    Status bind(const QHostAddress& address, quint16 port) override;
    quint16 localPort() const override;
    qsizetype read(qsizetype max, const Sink& sink) override;
    qintptr descriptor() const override;

private:
    QUdpSocket* m_socket = nullptr;
    QByteArray m_buffer;
};

} // namespace Kodemon
