// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "ingest/addressfilter.h"

#include <functional>
#include <memory>
#include <optional>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>

namespace Kodemon {

// One datagram of a read: its bytes and its sender, both valid only while the sink that is given them runs.
struct ReceivedDatagram
{
    QByteArrayView payload;
    SenderAddress sender;
};

// A bound UDP socket that hands out datagrams in batches. The Linux implementation reads with recvmmsg;
// a QUdpSocket one serves everywhere else (and in tests, with KODEMON_UDP_BACKEND=qt).
class DatagramSource : public QObject
{
    Q_OBJECT
public:
    // Called once per system call with the datagrams it read (up to 64), not once per datagram.
    using Sink = std::function<void(const ReceivedDatagram* datagrams, qsizetype count)>;

    using QObject::QObject;
    ~DatagramSource() override = default;

    // Binds; the error says what is wrong in words ("already in use", "permission denied").
    virtual Status bind(const QHostAddress& address, quint16 port) = 0;
    virtual quint16 localPort() const = 0;
    // Reads up to `max` datagrams that are already waiting, without blocking; returns how many.
    // A datagram larger than the largest UDP payload is passed on whole-size so the parser rejects it.
    virtual qsizetype read(qsizetype max, const Sink& sink) = 0;
    virtual qintptr descriptor() const = 0;
    // While disabled, readyRead() is not emitted even if datagrams wait (they stay in the kernel's buffer).
    virtual void setNotificationsEnabled(bool enabled) { Q_UNUSED(enabled); }

    // Linux recvmmsg where available, QUdpSocket otherwise.
    static std::unique_ptr<DatagramSource> create(QObject* parent = nullptr);

Q_SIGNALS:
    void readyRead();
};

} // namespace Kodemon
