// SPDX-License-Identifier: MIT
#include "ingest/listenercounters.h"

#include <QMutexLocker>

namespace Kodemon {

ListenerCounters::ListenerCounters(QLatin1StringView protocol, QLatin1StringView unit, QList<Group> groups)
    : m_protocol(protocol)
    , m_unit(unit)
    , m_groups(std::move(groups))
{
    qsizetype total = 0;
    for (const auto& group : std::as_const(m_groups)) {
        m_offsets.push_back(total);
        total += group.names.size();
    }
    m_counts = std::make_unique<std::atomic<qint64>[]>(size_t(total));
    for (qsizetype i = 0; i < total; ++i)
        m_counts[size_t(i)].store(0, std::memory_order_relaxed);
}

void ListenerCounters::setListening(const QString& endpoint)
{
    const QMutexLocker locker(&m_stateLock);
    m_state = ListenerStatus::State::Listening;
    m_endpoint = endpoint;
    m_problem.clear();
}

void ListenerCounters::setUnavailable(const QString& endpoint, const QString& problem)
{
    const QMutexLocker locker(&m_stateLock);
    m_state = ListenerStatus::State::Unavailable;
    m_endpoint = endpoint;
    m_problem = problem;
}

void ListenerCounters::setOff()
{
    const QMutexLocker locker(&m_stateLock);
    m_state = ListenerStatus::State::Off;
    m_endpoint.clear();
    m_problem.clear();
}

void ListenerCounters::add(int group, int index, qint64 n)
{
    if (group < 0 || group >= m_groups.size() || index < 0 || index >= m_groups[group].names.size())
        return;
    m_counts[size_t(m_offsets[size_t(group)] + index)].fetch_add(n, std::memory_order_relaxed);
}

ListenerStatus ListenerCounters::snapshot() const
{
    ListenerStatus s;
    s.protocol = m_protocol;
    s.unit = m_unit;
    s.received = m_received.load(std::memory_order_relaxed);
    s.calls = m_calls.load(std::memory_order_relaxed);
    s.kernelDrops = m_kernelDrops.load(std::memory_order_relaxed);
    for (qsizetype g = 0; g < m_groups.size(); ++g) {
        CountGroup group { m_groups[g].name, {} };
        for (qsizetype i = 0; i < m_groups[g].names.size(); ++i)
            group.counts.append(
                { m_groups[g].names[i], m_counts[size_t(m_offsets[size_t(g)] + i)].load(std::memory_order_relaxed) });
        s.groups.append(std::move(group));
    }
    const QMutexLocker locker(&m_stateLock);
    s.state = m_state;
    s.endpoint = m_endpoint;
    s.problem = m_problem;
    return s;
}

} // namespace Kodemon
