// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>

namespace Kodemon {

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
    QString toString() const;

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

} // namespace Kodemon
