// SPDX-License-Identifier: MIT
#pragma once

#include "base/listenerstatus.h"

#include <atomic>
#include <memory>
#include <QLatin1StringView>
#include <QList>
#include <QMutex>
#include <vector>

namespace Kodemon {

// The counters of one optional listener (StatsD, OTLP/HTTP): written lock-free on its hot path, read by
// /api/status, /metrics and the status bar. Groups of named counts are fixed when it is made.
class ListenerCounters final
{
public:
    struct Group
    {
        QLatin1StringView name; // "lines", "rejected", "refused"
        QList<QLatin1StringView> names; // index = the enum value the listener counts with
    };

    ListenerCounters(QLatin1StringView protocol, QLatin1StringView unit, QList<Group> groups);
    Q_DISABLE_COPY_MOVE(ListenerCounters)

    void setListening(const QString& endpoint);
    void setUnavailable(const QString& endpoint, const QString& problem);
    void setOff();

    void addReceived(qint64 n) { m_received.fetch_add(n, std::memory_order_relaxed); }
    void addCalls(qint64 n) { m_calls.fetch_add(n, std::memory_order_relaxed); }
    void setKernelDrops(qint64 n) { m_kernelDrops.store(n, std::memory_order_relaxed); }
    // Counts `n` under `index` of group `group` (both as given to the constructor); out of range is ignored.
    void add(int group, int index, qint64 n = 1);

    ListenerStatus snapshot() const;

private:
    QLatin1StringView m_protocol;
    QLatin1StringView m_unit;
    QList<Group> m_groups;
    std::vector<qsizetype> m_offsets; // of each group's first counter in m_counts
    std::unique_ptr<std::atomic<qint64>[]> m_counts;
    std::atomic<qint64> m_received { 0 };
    std::atomic<qint64> m_calls { 0 };
    std::atomic<qint64> m_kernelDrops { -1 };
    mutable QMutex m_stateLock; // guards the three below
    ListenerStatus::State m_state = ListenerStatus::State::Off;
    QString m_endpoint;
    QString m_problem;
};

} // namespace Kodemon
