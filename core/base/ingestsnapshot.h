// SPDX-License-Identifier: MIT
#pragma once

#include "base/listenerstatus.h"
#include "base/rejectreason.h"

#include <array>
#include <QString>

namespace Kodemon {

// A consistent-enough copy of the counters for display; each field is read atomically.
struct IngestSnapshot
{
    qint64 datagrams = 0; // datagrams read from the socket
    qint64 accepted = 0; // objects that parsed into samples
    qint64 stored = 0; // samples committed to the store
    qint64 unstored = 0; // samples the store refused and that were given up on
    qint64 pending = 0; // samples waiting for the writer (including retries)
    qint64 memoryBytes = 0; // approximate heap bytes of the calls held in memory (ingest/ingestcounters.h heldBytes)
    qint64 spooled = 0; // samples waiting in the spool file for the store to work again
    qint64 spoolBytes = 0; // bytes of those samples in the spool file
    qint64 kernelDrops = 0; // datagrams the kernel dropped because the socket buffer was full
    std::array<qint64, RejectReasonCount> rejected {};
    int receiveBufferBytes = 0; // what the kernel granted
    QString storeError; // the store's last error while it keeps failing, else empty
    QList<ListenerStatus> listeners; // the optional listeners (StatsD, OTLP/HTTP), whether they run or not

    qint64 rejectedTotal() const;
};

} // namespace Kodemon
