// SPDX-License-Identifier: MIT
#pragma once

#include "base/ingestsnapshot.h"

#include <QString>

namespace Kodemon {

// What the status bar shows about the collector whose data the window views.
struct CollectorStatus
{
    enum class State {
        Stopped, // no collector
        Listening,
        StoreFailing, // receiving, but the store keeps failing (`problem` says how)
        Unreachable, // a remote Kodemon did not answer (`problem` says why)
        Restricted, // a remote Kodemon answered, but shows its collector only to unrestricted API tokens
    };
    State state = State::Stopped;
    QString udpEndpoint; // "127.0.0.1:4000"; empty when unknown
    IngestSnapshot counters;
    qint64 databaseBytes = -1; // -1: unknown
    QString databaseLocation; // a path or URL, for the tool tip
    QString problem;
    qint64 sampledAtMs = 0; // SampleFeed::clockMs() when the counters were read, for rates
};

} // namespace Kodemon
