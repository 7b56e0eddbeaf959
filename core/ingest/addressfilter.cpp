// SPDX-License-Identifier: MIT
#include "ingest/addressfilter.h"

#include <algorithm>
#include <cstring>
#include <QStringList>
#include <QtEndian>

namespace Kodemon {

SenderAddress SenderAddress::ipv4(quint32 address)
{
    SenderAddress sender;
    sender.m_protocol = Protocol::IPv4;
    std::memcpy(sender.m_bytes.data(), &address, sizeof address);
    return sender;
}

SenderAddress SenderAddress::ipv6(const quint8* bytes, const QString& scopeId)
{
    SenderAddress sender;
    sender.m_protocol = Protocol::IPv6;
    std::memcpy(sender.m_bytes.data(), bytes, sender.m_bytes.size());
    sender.m_scopeId = scopeId;
    return sender;
}

SenderAddress SenderAddress::fromHostAddress(const QHostAddress& address)
{
    switch (address.protocol()) {
    case QAbstractSocket::IPv4Protocol:
    case QAbstractSocket::AnyIPProtocol: // QHostAddress::Any reads as 0.0.0.0
        return ipv4(address.toIPv4Address());
    case QAbstractSocket::IPv6Protocol:
        return ipv6(address.toIPv6Address().c, address.scopeId());
    default:
        return {};
    }
}

QHostAddress SenderAddress::toHostAddress() const
{
    switch (m_protocol) {
    case Protocol::IPv4:
        return QHostAddress(*toIPv4());
    case Protocol::IPv6: {
        QHostAddress address(m_bytes.data());
        address.setScopeId(m_scopeId);
        return address;
    }
    default:
        return {};
    }
}

std::optional<quint32> SenderAddress::toIPv4() const
{
    quint32 address = 0;
    if (m_protocol == Protocol::IPv4) {
        std::memcpy(&address, m_bytes.data(), sizeof address);
        return address;
    }
    if (m_protocol != Protocol::IPv6)
        return std::nullopt;
    static constexpr quint8 Zeros[10] = {};
    static constexpr quint8 Mapped[2] = { 0xff, 0xff };
    const bool mapped = std::memcmp(m_bytes.data(), Zeros, 10) == 0 && std::memcmp(&m_bytes[10], Mapped, 2) == 0;
    const bool unspecified = std::all_of(m_bytes.begin(), m_bytes.end(), [](quint8 b) { return b == 0; });
    if (!mapped && !unspecified)
        return std::nullopt;
    return qFromBigEndian<quint32>(&m_bytes[12]);
}

Result<AddressFilter> AddressFilter::parse(QStringView list)
{
    AddressFilter filter;
    for (const auto entry : list.split(u',', Qt::SkipEmptyParts)) {
        const QString text = entry.trimmed().toString();
        if (text.isEmpty())
            continue;
        auto range
            = text.contains(u'/') ? QHostAddress::parseSubnet(text) : QPair<QHostAddress, int>(QHostAddress(text), -1);
        if (range.first.isNull())
            return Error { QStringLiteral("\"%1\" is not an address or a range like 10.0.0.0/8").arg(text),
                ErrorKind::Invalid };
        if (range.second < 0)
            range.second = range.first.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32;
        filter.addRange(range);
    }
    return filter;
}

// Each range once as QHostAddress::isInSubnet reads it: a prefix of the network's bits, by protocol.
void AddressFilter::addRange(const QPair<QHostAddress, int>& range)
{
    m_ranges.append(range);
    if (range.first.protocol() == QAbstractSocket::IPv4Protocol) {
        const int prefix = std::clamp(range.second, 0, 32);
        const quint32 mask = prefix == 0 ? 0 : ~quint32(0) << (32 - prefix);
        m_ipv4.append({ range.first.toIPv4Address() & mask, mask });
    } else if (range.first.protocol() == QAbstractSocket::IPv6Protocol) {
        m_ipv6.append({ range.first.toIPv6Address(), std::clamp(range.second, 0, 128) });
    }
}

bool AddressFilter::allows(const QHostAddress& sender) const
{
    return allows(SenderAddress::fromHostAddress(sender));
}

bool AddressFilter::allows(const SenderAddress& sender) const
{
    if (m_ranges.isEmpty())
        return true;
    // A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d; they are compared as IPv4.
    if (const auto ipv4 = sender.toIPv4()) {
        return std::any_of(m_ipv4.begin(), m_ipv4.end(),
            [&](const IPv4Range& range) { return (*ipv4 & range.mask) == range.network; });
    }
    if (!sender.isIPv6())
        return false;
    const quint8* bytes = sender.ipv6Bytes().data();
    return std::any_of(m_ipv6.begin(), m_ipv6.end(), [&](const IPv6Range& range) {
        const int whole = range.prefix / 8;
        if (std::memcmp(bytes, range.network.c, size_t(whole)) != 0)
            return false;
        const int rest = range.prefix % 8;
        const quint8 mask = quint8(0xff << (8 - rest));
        return rest == 0 || (bytes[whole] & mask) == (range.network.c[whole] & mask);
    });
}

QString AddressFilter::toString() const
{
    QStringList parts;
    for (const auto& range : m_ranges)
        parts.append(QStringLiteral("%1/%2").arg(range.first.toString()).arg(range.second));
    return parts.join(QLatin1String(","));
}

} // namespace Kodemon
