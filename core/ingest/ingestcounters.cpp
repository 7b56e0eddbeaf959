// SPDX-License-Identifier: MIT
#include "ingest/ingestcounters.h"

#include <QMutexLocker>

namespace Kodemon {

qint64 heldBytes(const Sample& sample)
{
    constexpr qint64 AllocationOverhead = 32; // QArrayData's header, the terminating zero, malloc's own
    return qint64(sizeof(Sample)) + (sample.extra.isEmpty() ? 0 : sample.extra.size() + AllocationOverhead);
}

qint64 heldBytes(const QList<Sample>& samples, qsizetype count)
{
    const qsizetype n = count < 0 ? samples.size() : std::min(count, samples.size());
    qint64 bytes = 0;
    for (qsizetype i = 0; i < n; ++i)
        bytes += heldBytes(samples.at(i));
    return bytes;
}

void IngestCounters::setStoreError(const QString& message)
{
    const QMutexLocker locker(&m_errorLock);
    m_storeError = message;
}

void IngestCounters::addListener(std::shared_ptr<ListenerCounters> listener)
{
    const QMutexLocker locker(&m_errorLock);
    m_listeners.append(std::move(listener));
}

IngestSnapshot IngestCounters::snapshot() const
{
    IngestSnapshot s;
    s.datagrams = m_datagrams.load(std::memory_order_relaxed);
    s.accepted = m_accepted.load(std::memory_order_relaxed);
    s.stored = m_stored.load(std::memory_order_relaxed);
    s.unstored = m_unstored.load(std::memory_order_relaxed);
    s.pending = m_pending.load(std::memory_order_relaxed);
    s.memoryBytes = m_memoryBytes.load(std::memory_order_relaxed);
    s.spooled = m_spooled.load(std::memory_order_relaxed);
    s.spoolBytes = m_spoolBytes.load(std::memory_order_relaxed);
    s.kernelDrops = m_kernelDrops.load(std::memory_order_relaxed);
    s.receiveBufferBytes = m_receiveBuffer.load(std::memory_order_relaxed);
    for (size_t i = 0; i < s.rejected.size(); ++i)
        s.rejected[i] = m_rejected[i].load(std::memory_order_relaxed);
    const QMutexLocker locker(&m_errorLock);
    s.storeError = m_storeError;
    for (const auto& listener : m_listeners)
        s.listeners.append(listener->snapshot());
    return s;
}

} // namespace Kodemon
