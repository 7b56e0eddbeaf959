// SPDX-License-Identifier: MIT
#pragma once

#include "base/collectorstatus.h"

#include <QObject>

namespace Kodemon {

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
