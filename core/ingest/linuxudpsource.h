// SPDX-License-Identifier: MIT
#pragma once

#include "ingest/datagramsource.h"

#include <memory>

class QSocketNotifier;

namespace Kodemon {

// The Linux datagram source: a non-blocking socket read with recvmmsg, many datagrams per system call,
// woken by a level-triggered QSocketNotifier (so a burst left unread is picked up on the next loop turn).
class LinuxUdpSource final : public DatagramSource
{
    Q_OBJECT
public:
    explicit LinuxUdpSource(QObject* parent = nullptr);
    ~LinuxUdpSource() override;
    Q_DISABLE_COPY_MOVE(LinuxUdpSource)

    Status bind(const QHostAddress& address, quint16 port) override;
    quint16 localPort() const override { return m_port; }
    qsizetype read(qsizetype max, const Sink& sink) override;
    qintptr descriptor() const override { return m_fd; }
    void setNotificationsEnabled(bool enabled) override;

private:
    struct Messages;

    int m_fd = -1;
    quint16 m_port = 0;
    QSocketNotifier* m_notifier = nullptr;
    std::unique_ptr<Messages> m_messages; // the headers and buffers of one recvmmsg call, set up once
};

} // namespace Kodemon
