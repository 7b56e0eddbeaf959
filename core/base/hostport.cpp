// SPDX-License-Identifier: MIT
#include "base/hostport.h"

namespace Kodemon {

QString hostPort(const QHostAddress& address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace Kodemon
