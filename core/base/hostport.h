// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QString>

namespace Kodemon {

// "127.0.0.1:4000", "[::1]:4000": an address and port as logs, the status bar and URLs write them.
QString hostPort(const QHostAddress& address, quint16 port);

} // namespace Kodemon
