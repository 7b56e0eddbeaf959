// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QObject>

namespace Kodemon {

// Where the viewer's live mode learns about new calls: the local collector's commits (CollectorFeed) or a
// remote Kodemon polled over HTTP (PollingFeed). The viewer depends on this, never on the collector itself.
class SampleFeed : public QObject
{
    Q_OBJECT
public:
    explicit SampleFeed(QObject* parent = nullptr);
    ~SampleFeed() override;
    Q_DISABLE_COPY_MOVE(SampleFeed)

    // A monotonic clock in milliseconds, the same on every thread: the time base of `since`.
    static qint64 clockMs();

    // The series the viewer shows. A feed that has to fetch calls delivers only these; a local one delivers
    // every stored call anyway.
    virtual void watch(const QList<Kodemon::KeyId>& keys);
    // A view has just read its data: a fetching feed looks for new calls at once, so that the first batch it
    // can use for that view starts as early as possible.
    virtual void pollSoon();

Q_SIGNALS:
    // New calls, oldest first within a series. Every one of them reached the store after `since` (clockMs()):
    // a view that read its data after `since` may hold some of them already, and must skip the batch.
    void samplesArrived(const QList<Kodemon::Sample>& samples, qint64 since);
    // Series got calls this feed does not deliver (unwatched ones), a series appeared (`newSeries`), or the
    // feed reached its source again after failing: the functions table should load again.
    void seriesChanged(bool newSeries);
};

} // namespace Kodemon
