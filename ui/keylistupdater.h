// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "jobtracker.h"
#include "keylistmodel.h"

#include <memory>
#include <optional>
#include <QElapsedTimer>
#include <QObject>
#include <QSet>

class QTimer;

namespace Kodemon {

class QueryThread;
class TimeRangeController;
class ViewOptions;

// Keeps the functions table current: loads a snapshot when the range, filters, split or baseline change and,
// while data arrives, at most every couple of seconds (less often when the last load was slow), at once when a
// new key appears. With a baseline each load compares every row with the same row over the baseline range.
class KeyListUpdater final : public QObject
{
    Q_OBJECT
public:
    KeyListUpdater(KeyListModel* model, TimeRangeController* range, ViewOptions* options, QObject* parent = nullptr);
    ~KeyListUpdater() override;
    Q_DISABLE_COPY_MOVE(KeyListUpdater)

    // Where to run the queries; nullptr while the window has no database.
    void setQueryThread(QueryThread* thread);
    void refresh();
    // Like refresh(), dropping rows loaded for the previous range or database.
    void reload();
    // Samples just stored: schedules a refresh.
    void noteStored(const QList<Kodemon::Sample>& samples);
    // Series got calls (`newKey`: a series appeared), as a feed that does not deliver every call says.
    void noteChanged(bool newKey);

    // The baseline's rows a load compared with, kept for the next loads while live (the baseline hardly moves in
    // a couple of seconds, and reading it again would double every refresh).
    struct Baseline
    {
        TimeRange range;
        QList<SeriesSummary> rows;
        qint64 readAtMs = 0; // QDateTime::currentMSecsSinceEpoch()
    };

Q_SIGNALS:
    void loaded();
    void failed(const QString& message);

private:
    bool isListed(const Sample& sample);
    void schedule(int delayMs);
    void advance();
    void apply(const Result<QList<KeyRow>>& rows);
    void show(const QList<KeyRow>& rows);

    KeyListModel* m_model;
    TimeRangeController* m_range;
    ViewOptions* m_options;
    std::shared_ptr<std::optional<Baseline>> m_baseline; // written by the query thread, read by the next load
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    QTimer* m_timer;
    QTimer* m_showTimer; // while live: shows m_waitingRows at the table's turn in the live step
    QList<KeyRow> m_waitingRows;
    bool m_dirty = false;
    qint64 m_lastDurationMs = 0;
    QElapsedTimer m_sinceLoad;
    // The key and token strings of calls already found in the table. The local collector's calls share their
    // strings (the receiver interns them), so a pointer comparison replaces hashing a path per call: at 100,000
    // calls a second that hashing was an eighth of the UI thread's time. The ids keep the strings alive.
    QSet<std::pair<const QChar*, const QChar*>> m_listedStrings;
    QList<KeyId> m_listedKeys;
};

} // namespace Kodemon
