// SPDX-License-Identifier: MIT
#pragma once

#include "jobtracker.h"
#include "keylistmodel.h"
#include "result.h"
#include "types.h"

#include <QElapsedTimer>
#include <QObject>

class QTimer;

namespace Kodemon {

class QueryThread;
class TimeRangeController;

// Keeps the functions table current: loads a snapshot when the range changes and, while data arrives,
// at most every couple of seconds (less often when the last load was slow), at once when a new key appears.
class KeyListUpdater final : public QObject
{
    Q_OBJECT
public:
    KeyListUpdater(KeyListModel* model, TimeRangeController* range, QObject* parent = nullptr);
    ~KeyListUpdater() override;
    Q_DISABLE_COPY_MOVE(KeyListUpdater)

    // Where to run the queries; nullptr while the window has no database.
    void setQueryThread(QueryThread* thread);
    void refresh();
    // Samples just stored: schedules a refresh.
    void noteStored(const QList<Kodemon::Sample>& samples);
    // Series got calls (`newKey`: a series appeared), as a feed that does not deliver every call says.
    void noteChanged(bool newKey);

Q_SIGNALS:
    void loaded();
    void failed(const QString& message);

private:
    void schedule(int delayMs);
    void advance();
    void apply(const Result<QList<KeyRow>>& rows);

    KeyListModel* m_model;
    TimeRangeController* m_range;
    QueryThread* m_thread = nullptr;
    JobTracker m_jobs;
    QTimer* m_timer;
    bool m_dirty = false;
    qint64 m_lastDurationMs = 0;
    QElapsedTimer m_sinceLoad;
};

} // namespace Kodemon
