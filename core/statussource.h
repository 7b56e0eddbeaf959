// SPDX-License-Identifier: MIT
#pragma once

#include "ingestcounters.h"

#include <QObject>

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

// Where the status comes from: the local collector's counters (LocalStatus) or a remote Kodemon's
// GET /api/status (RemoteStatus). Lives on the UI thread.
class StatusSource : public QObject
{
    Q_OBJECT
public:
    explicit StatusSource(QObject* parent = nullptr);
    ~StatusSource() override;
    Q_DISABLE_COPY_MOVE(StatusSource)

    virtual CollectorStatus current() const = 0;

Q_SIGNALS:
    // A fresh status arrived (a source that polls says so; a local one is simply read again).
    void changed();
};

} // namespace Kodemon
