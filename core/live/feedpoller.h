// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"

#include <memory>
#include <QHash>
#include <QObject>

class QTimer;

namespace Kodemon {

// PollingFeed's worker, on its own thread: about once a second it reads the list of series, and for each
// watched series whose count grew, the calls after the last one it delivered. Works on any store; made for
// RemoteStore, whose readers block on HTTP.
class FeedPoller final : public QObject
{
    Q_OBJECT
public:
    FeedPoller(std::shared_ptr<Store> store, int intervalMs);
    ~FeedPoller() override;
    Q_DISABLE_COPY_MOVE(FeedPoller)

    // On the poller's thread: makes the reader and starts polling.
    void start();
    void setWatched(const QList<Kodemon::KeyId>& keys);
    void pollSoon();

Q_SIGNALS:
    void samplesArrived(const QList<Kodemon::Sample>& samples, qint64 since);
    void seriesChanged(bool newSeries);

private:
    // Where a watched series was left: its newest timestamp delivered and how many calls at exactly that
    // timestamp were (the API's `from` is inclusive, and a cursor only exists while a page has a successor).
    struct Position
    {
        bool known = false;
        std::optional<double> last; // none: nothing yet, read from the start
        qint64 seenAtLast = 0;
        qint64 count = 0; // the series' count when it was last read up to date
        qint64 since = 0; // clockMs() when the poll that read it up to date began: later calls came after it
    };

    void poll();
    std::optional<QHash<KeyId, SeriesInfo>> readSeries();
    void noteSeries(const QHash<KeyId, SeriesInfo>& series);
    bool locate(const KeyId& id, const SeriesInfo* info, Position& position, qint64 now);
    bool readNew(const KeyId& id, Position& position, QList<Sample>& out);

    std::shared_ptr<Store> m_store;
    std::unique_ptr<StoreReader> m_reader;
    QTimer* m_timer; // every interval
    QTimer* m_soon; // once, at the next turn of the event loop
    QHash<KeyId, Position> m_positions; // the watched series
    QHash<KeyId, qint64> m_counts; // every series' count at the last poll
    bool m_polledOnce = false;
    bool m_failing = false;
};

} // namespace Kodemon
