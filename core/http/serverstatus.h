// SPDX-License-Identifier: MIT
#pragma once

#include "base/ingestsnapshot.h"
#include "base/types.h"
#include "store/store.h"

#include <QHostAddress>
#include <QString>

namespace Kodemon {

// What /api/status reports, gathered by the HTTP server from the collector and the store.
struct ServerStatus
{
    double startedAt = 0; // epoch seconds
    double now = 0;
    QHostAddress udpAddress;
    quint16 udpPort = 0;
    QHostAddress httpAddress;
    quint16 httpPort = 0;
    QString databasePath;
    qint64 databaseBytes = -1;
    IngestSnapshot counters;
    TagIndexStatus tagIndex; // read from the store when the status is asked for
    StorageStatus storage; // likewise
    RetentionPolicy retention; // the collector's policy (all zero: it keeps everything)
};

} // namespace Kodemon
