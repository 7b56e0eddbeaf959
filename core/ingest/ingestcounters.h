// SPDX-License-Identifier: MIT
#pragma once

#include "base/ingestsnapshot.h"
#include "base/rejectreason.h"
#include "base/types.h"
#include "ingest/listenercounters.h"

#include <array>
#include <atomic>
#include <memory>
#include <QMutex>
#include <QString>

namespace Kodemon {

// What holding a call in memory until it is stored costs, approximately, in bytes: the Sample in its list plus its
// extra JSON with its allocation's overhead, counted for every call even where calls share one (the OTLP decoder's
// cache): the writer copies each call's extra into its chunk. Keys and tokens are not counted: every source shares one
// string per distinct name (StringCache, StatsdNames, the OTLP decoder's name cache). Deterministic, so that the
// writer releases exactly what the receiver added. The ingest memory bound (UdpReceiver::Options::maxBytesInMemory)
// is in these bytes.
qint64 heldBytes(const Sample& sample);
qint64 heldBytes(const QList<Sample>& samples, qsizetype count = -1); // the first `count`, or all

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
    // The approximate heap bytes of the calls that inMemory() counts: added with addAccepted, released by the
    // writer when it stores, spools or gives them up (heldBytes() of the same calls both times).
    void addMemoryBytes(qint64 n) { m_memoryBytes.fetch_add(n, std::memory_order_relaxed); }
    void releaseMemoryBytes(qint64 n) { m_memoryBytes.fetch_sub(n, std::memory_order_relaxed); }
    qint64 memoryBytes() const { return m_memoryBytes.load(std::memory_order_relaxed); }
    // Samples accepted and neither stored, spooled to disk nor given up: what the collector holds in memory.
    qint64 inMemory() const
    {
        return m_accepted.load(std::memory_order_relaxed) - m_stored.load(std::memory_order_relaxed)
            - m_unstored.load(std::memory_order_relaxed) - m_spooled.load(std::memory_order_relaxed);
    }
    // Past either bound the receivers pause and the OTLP receiver answers 503: the writer is behind.
    bool isBacklogged(qint64 maxSamples, qint64 maxBytes) const
    {
        return inMemory() > maxSamples || memoryBytes() > maxBytes;
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
    std::atomic<qint64> m_memoryBytes { 0 };
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
