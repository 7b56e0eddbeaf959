// SPDX-License-Identifier: MIT
#include "ingest/linuxudpsource.h"

#include "ingest/datagram.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <QSocketNotifier>
#include <sys/socket.h>
#include <unistd.h>

namespace Kodemon {

namespace {

constexpr int MessagesPerCall = 64;
// One byte more than the largest UDP payload, so that an oversized datagram shows as such.
constexpr int SlotBytes = int(MaxDatagramBytes) + 1;
constexpr int CompactBytes = 2048; // the decorator's datagrams are 100-500 bytes
constexpr int OverflowBytes = SlotBytes - CompactBytes;

QString bindErrorText(int error)
{
    switch (error) {
    case EADDRINUSE:
        return QStringLiteral("the address is already in use (another Kodemon or another program listens there)");
    case EACCES:
        return QStringLiteral("permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)");
    case EADDRNOTAVAIL:
        return QStringLiteral("this machine has no such address");
    default:
        return QString::fromLocal8Bit(std::strerror(error));
    }
}

socklen_t toSockaddr(const QHostAddress& address, quint16 port, sockaddr_storage& storage)
{
    std::memset(&storage, 0, sizeof storage);
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        return sizeof(sockaddr_in6);
    }
    auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    in4->sin_addr.s_addr = htonl(address.toIPv4Address());
    return sizeof(sockaddr_in);
}

SenderAddress senderOf(const sockaddr_in6& storage)
{
    if (storage.sin6_family == AF_INET6)
        return SenderAddress::ipv6(storage.sin6_addr.s6_addr);
    const auto& in4 = reinterpret_cast<const sockaddr_in&>(storage);
    return SenderAddress::ipv4(ntohl(in4.sin_addr.s_addr));
}

quint16 boundPort(int fd)
{
    sockaddr_storage storage {};
    socklen_t length = sizeof storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0)
        return 0;
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage); // the port sits alike in both families
    return ntohs(in->sin_port);
}

} // namespace

// Everything but the address lengths stays as set here: the kernel only writes msg_len and the senders.
// Each message lands in a small slot of one compact area and only spills into its own overflow slot when it is
// longer: 64 full-size slots would spread every call's datagrams over 64 pages 64 KiB apart, and the TLB misses
// of touching them (costly under a hypervisor's nested page tables) showed in both the kernel's copy and parsing.
struct LinuxUdpSource::Messages
{
    Messages()
        : compact(qsizetype(MessagesPerCall) * CompactBytes, Qt::Uninitialized)
        , overflow(qsizetype(MessagesPerCall) * OverflowBytes, Qt::Uninitialized)
    {
        for (int i = 0; i < MessagesPerCall; ++i) {
            vectors[i][0] = { compact.data() + qsizetype(i) * CompactBytes, size_t(CompactBytes) };
            vectors[i][1] = { overflow.data() + qsizetype(i) * OverflowBytes, size_t(OverflowBytes) };
            headers[i].msg_hdr.msg_iov = vectors[i].data();
            headers[i].msg_hdr.msg_iovlen = vectors[i].size();
            headers[i].msg_hdr.msg_name = &senders[i]; // sockaddr_in6 holds an IPv4 sender too
        }
    }

    // Reads up to `wanted` datagrams and hands them to the sink; returns how many, or 0.
    int receive(int fd, int wanted, const DatagramSource::Sink& sink)
    {
        for (int i = 0; i < wanted; ++i)
            headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_in6);
        // MSG_TRUNC makes msg_len the datagram's real size, so oversized ones are reported as such.
        const int count = ::recvmmsg(fd, headers.data(), unsigned(wanted), MSG_DONTWAIT | MSG_TRUNC, nullptr);
        for (int i = 0; i < count; ++i)
            received[i]
                = { payload(i, std::min<qsizetype>(qsizetype(headers[i].msg_len), SlotBytes)), senderOf(senders[i]) };
        if (count > 0)
            sink(received.data(), count);
        return std::max(count, 0);
    }

    // The datagram in one piece: in place when it fit its compact slot, else joined with its overflow.
    QByteArrayView payload(int i, qsizetype size)
    {
        const char* start = compact.constData() + qsizetype(i) * CompactBytes;
        if (size <= CompactBytes)
            return QByteArrayView(start, size);
        joined[i].resize(size);
        std::memcpy(joined[i].data(), start, CompactBytes);
        std::memcpy(joined[i].data() + CompactBytes, overflow.constData() + qsizetype(i) * OverflowBytes,
            size_t(size - CompactBytes));
        return joined[i];
    }

    QByteArray compact;
    QByteArray overflow;
    std::array<mmsghdr, MessagesPerCall> headers {};
    std::array<std::array<iovec, 2>, MessagesPerCall> vectors {};
    std::array<sockaddr_in6, MessagesPerCall> senders {};
    std::array<ReceivedDatagram, MessagesPerCall> received {};
    std::array<QByteArray, MessagesPerCall> joined; // only for datagrams longer than a compact slot
};

LinuxUdpSource::LinuxUdpSource(QObject* parent)
    : DatagramSource(parent)
    , m_messages(std::make_unique<Messages>())
{ }

LinuxUdpSource::~LinuxUdpSource()
{
    delete m_notifier;
    if (m_fd >= 0)
        ::close(m_fd);
}

Status LinuxUdpSource::bind(const QHostAddress& address, quint16 port)
{
    sockaddr_storage storage {};
    const socklen_t length = toSockaddr(address, port, storage);
    m_fd = ::socket(storage.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        return Error { QString::fromLocal8Bit(std::strerror(errno)) };
    if (storage.ss_family == AF_INET6 && address == QHostAddress(QHostAddress::AnyIPv6)) {
        const int dualStack = 0;
        ::setsockopt(m_fd, IPPROTO_IPV6, IPV6_V6ONLY, &dualStack, sizeof dualStack);
    }
    if (::bind(m_fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
        const int error = errno;
        ::close(m_fd);
        m_fd = -1;
        return Error { bindErrorText(error) };
    }
    m_port = boundPort(m_fd);
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &DatagramSource::readyRead);
    return Ok {};
}

void LinuxUdpSource::setNotificationsEnabled(bool enabled)
{
    // The notifier is level-triggered: left on while nothing reads, it would fire on every event loop turn.
    if (m_notifier)
        m_notifier->setEnabled(enabled);
}

qsizetype LinuxUdpSource::read(qsizetype max, const Sink& sink)
{
    qsizetype total = 0;
    while (total < max) {
        const int wanted = int(std::min<qsizetype>(MessagesPerCall, max - total));
        const int received = m_messages->receive(m_fd, wanted, sink);
        total += received;
        if (received < wanted)
            break;
    }
    return total;
}

} // namespace Kodemon
