// SPDX-License-Identifier: MIT
#include "ingest/qtudpsource.h"

#include "ingest/datagram.h"

#include <QUdpSocket>

namespace Kodemon {

QtUdpSource::QtUdpSource(QObject* parent)
    : DatagramSource(parent)
    , m_socket(new QUdpSocket(this))
    , m_buffer(int(MaxDatagramBytes) + 1, Qt::Uninitialized)
{
    connect(m_socket, &QUdpSocket::readyRead, this, &DatagramSource::readyRead);
}

QtUdpSource::~QtUdpSource() = default;

Status QtUdpSource::bind(const QHostAddress& address, quint16 port)
{
    // DontShareAddress: a second collector on the same port must fail loudly, not split the traffic.
    if (!m_socket->bind(address, port, QAbstractSocket::DontShareAddress))
        return Error { m_socket->errorString() };
    return Ok {};
}

quint16 QtUdpSource::localPort() const
{
    return m_socket->localPort();
}

qintptr QtUdpSource::descriptor() const
{
    return m_socket->socketDescriptor();
}

qsizetype QtUdpSource::read(qsizetype max, const Sink& sink)
{
    qsizetype count = 0;
    QHostAddress sender;
    for (; count < max && m_socket->hasPendingDatagrams(); ++count) {
        const qint64 size = m_socket->readDatagram(m_buffer.data(), m_buffer.size(), &sender);
        if (size < 0)
            break;
        // One at a time: the next datagram overwrites the buffer.
        const ReceivedDatagram datagram { QByteArrayView(m_buffer.constData(), size),
            SenderAddress::fromHostAddress(sender) };
        sink(&datagram, 1);
    }
    return count;
}

} // namespace Kodemon
