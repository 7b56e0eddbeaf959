// SPDX-License-Identifier: MIT
#include "addressfilter.h"

#include <QStringList>

namespace Kodemon {

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
        filter.m_ranges.append(range);
    }
    return filter;
}

bool AddressFilter::allows(const QHostAddress& sender) const
{
    if (m_ranges.isEmpty())
        return true;
    // A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d; compare them as IPv4.
    bool isMapped = false;
    const quint32 ipv4 = sender.toIPv4Address(&isMapped);
    const QHostAddress plain = isMapped ? QHostAddress(ipv4) : sender;
    for (const auto& range : m_ranges) {
        if (plain.isInSubnet(range))
            return true;
    }
    return false;
}

QString AddressFilter::toString() const
{
    QStringList parts;
    for (const auto& range : m_ranges)
        parts.append(QStringLiteral("%1/%2").arg(range.first.toString()).arg(range.second));
    return parts.join(QLatin1String(","));
}

} // namespace Kodemon
