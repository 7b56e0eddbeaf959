// SPDX-License-Identifier: MIT
#pragma once

#include "base/ingestsnapshot.h"
#include "base/rejectreason.h"
#include "ingest/listenercounters.h"

#include <array>
#include <atomic>
#include <memory>
#include <QMutex>
#include <QString>

namespace Kodemon {

// Counters shared by the receiver, the writer and whoever displays them; updated lock-free on the hot path.
class IngestCounters final
{
public:
    IngestCounters() = default;
    Q_DISABLE_COPY_MOVE(IngestCounters)

    void addDatagrams(qint64 n) { m_datagrams.fetch_add(n, std::memory_order_relaxed); }
    void addAccepted(qint64 n) { m_accepted.fetch_add(n, std::memory_order_relaxed); }
    void addStored(qint64 n) { m_stored.fetch_add(n, std::memory_order_relaxed); }
    void addUnstored(qint64 n) { m_unstored.fetch_add(n, std::memory_order_relaxed); }
    void setPending(qint64 n) { m_pending.store(n, std::memory_order_relaxed); }
    void setSpool(qint64 samples, qint64 bytes)
    {
        m_spooled.store(samples, std::memory_order_relaxed);
        m_spoolBytes.store(bytes, std::memory_order_relaxed);
    }
    void addRejected(RejectReason reason, qint64 n = 1)
    {
        m_rejected[static_cast<size_t>(reason)].fetch_add(n, std::memory_order_relaxed);
    }
    // Samples accepted and neither stored, spooled to disk nor given up: what the collector holds in memory.
    qint64 inMemory() const
    {
        return m_accepted.load(std::memory_order_relaxed) - m_stored.load(std::memory_order_relaxed)
            - m_unstored.load(std::memory_order_relaxed) - m_spooled.load(std::memory_order_relaxed);
    }
    void setKernelDrops(qint64 n) { m_kernelDrops.store(n, std::memory_order_relaxed); }
    void setReceiveBufferBytes(int n) { m_receiveBuffer.store(n, std::memory_order_relaxed); }
    void setStoreError(const QString& message);
    // An optional listener whose counters the snapshot carries (call before other threads read them).
    void addListener(std::shared_ptr<ListenerCounters> listener);

    IngestSnapshot snapshot() const;

private:
    std::atomic<qint64> m_datagrams { 0 };
    std::atomic<qint64> m_accepted { 0 };
    std::atomic<qint64> m_stored { 0 };
    std::atomic<qint64> m_unstored { 0 };
    std::atomic<qint64> m_pending { 0 };
    std::atomic<qint64> m_spooled { 0 };
    std::atomic<qint64> m_spoolBytes { 0 };
    std::atomic<qint64> m_kernelDrops { 0 };
    std::atomic<int> m_receiveBuffer { 0 };
    std::array<std::atomic<qint64>, RejectReasonCount> m_rejected {};
    mutable QMutex m_errorLock;
    QString m_storeError;
    QList<std::shared_ptr<ListenerCounters>> m_listeners; // guarded by m_errorLock
};

} // namespace Kodemon
