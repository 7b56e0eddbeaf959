// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QMetaType>
#include <QString>

namespace Kodemon {

// Where Kodemon listens and stores: what the Settings dialog edits and the composition root applies.
struct ConnectionSettings
{
    QHostAddress udpAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 udpPort = 4000;
    QHostAddress httpAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 httpPort = 4000;
    QString databasePath;

    friend bool operator==(const ConnectionSettings& a, const ConnectionSettings& b)
    {
        return a.udpAddress == b.udpAddress && a.udpPort == b.udpPort && a.httpAddress == b.httpAddress
            && a.httpPort == b.httpPort && a.databasePath == b.databasePath;
    }
    friend bool operator!=(const ConnectionSettings& a, const ConnectionSettings& b) { return !(a == b); }
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::ConnectionSettings)
