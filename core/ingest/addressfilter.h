// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <array>
#include <optional>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace Kodemon {

// A datagram's sender as the socket reported it, held as plain bytes: a QHostAddress is a heap-allocated d-pointer,
// which for every datagram cost more than the datagram's parsing. It is built only when asked for (a log line).
class SenderAddress final
{
public:
    SenderAddress() = default;
    static SenderAddress ipv4(quint32 address); // host byte order, as QHostAddress takes it
    static SenderAddress ipv6(const quint8* bytes, const QString& scopeId = {}); // 16 bytes, network order
    static SenderAddress fromHostAddress(const QHostAddress& address);

    QHostAddress toHostAddress() const;
    // What QHostAddress::toIPv4Address(&ok) gives where `ok` is true: an IPv4 sender, or an IPv6 one that
    // QHostAddress reads as IPv4 (mapped ::ffff:a.b.c.d, as dual-stack sockets report IPv4 senders, and ::).
    std::optional<quint32> toIPv4() const;
    bool isIPv6() const { return m_protocol == Protocol::IPv6; }
    const std::array<quint8, 16>& ipv6Bytes() const { return m_bytes; }

private:
    enum class Protocol : quint8 { None, IPv4, IPv6 };

    std::array<quint8, 16> m_bytes {}; // IPv4: the address in host order in the first four
    Protocol m_protocol = Protocol::None;
    QString m_scopeId; // null unless the socket named one (QUdpSocket does for link-local senders)
};

// Which senders may deliver datagrams: a list of addresses and CIDR ranges ("10.0.0.0/8,127.0.0.1,::1").
// An empty filter allows everyone (the default: the socket binds to loopback unless told otherwise).
class AddressFilter final
{
public:
    AddressFilter() = default;

    // Parses a comma-separated list; the error names the entry that is not an address or range.
    static Result<AddressFilter> parse(QStringView list);

    bool allowsEveryone() const { return m_ranges.isEmpty(); }
    bool allows(const QHostAddress& sender) const;
    // The same answer, from the raw address: compares integers, no QHostAddress per datagram.
    bool allows(const SenderAddress& sender) const;
    QString toString() const;

private:
    struct IPv4Range
    {
        quint32 network = 0;
        quint32 mask = 0;
    };
    struct IPv6Range
    {
        Q_IPV6ADDR network {};
        int prefix = 0;
    };

    void addRange(const QPair<QHostAddress, int>& range);

    QList<QPair<QHostAddress, int>> m_ranges;
    QList<IPv4Range> m_ipv4;
    QList<IPv6Range> m_ipv6;
};

} // namespace Kodemon
