// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace Kodemon {

// A count with its stable name ("timer", "bad_value"), as /api/status and /metrics show it.
struct NamedCount
{
    QString name;
    qint64 count = 0;
};

// Named counts that belong together: a StatsD listener's lines per kind, an OTLP receiver's refused requests.
struct CountGroup
{
    QString name; // "lines", "rejected", "refused"
    QList<NamedCount> counts;
};

// An optional listener beside the decorator's UDP port (StatsD, OTLP/HTTP): whether it runs, where, why not,
// and what it received. A taken port makes it Unavailable; Kodemon runs on without it.
struct ListenerStatus
{
    enum class State {
        Off, // switched off (port 0)
        Listening,
        Unavailable, // it could not listen: `problem` says why
    };
    QString protocol; // "statsd", "otlp"
    State state = State::Off;
    QString endpoint; // "127.0.0.1:8125": where it listens, or tried to
    QString problem;
    QString unit; // what it receives: "datagrams", "requests"
    qint64 received = 0; // datagrams or requests
    qint64 calls = 0; // calls it accepted and handed to the writer
    qint64 kernelDrops = -1; // datagrams the kernel dropped (-1: not a datagram listener)
    QList<CountGroup> groups;

    qint64 total(const QString& group) const;
};

QString listenerStateName(ListenerStatus::State state); // "off", "listening", "unavailable"

} // namespace Kodemon
