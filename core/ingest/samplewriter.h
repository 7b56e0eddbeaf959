// SPDX-License-Identifier: MIT
#pragma once

#include "base/annotation.h"
#include "base/result.h"
#include "base/types.h"

#include <deque>
#include <functional>
#include <memory>
#include <QElapsedTimer>
#include <QMutex>
#include <QObject>

class QTimer;

namespace Kodemon {

class IngestCounters;
class SampleSpool;
class Store;
class StoreWriter;
struct SampleBatch;
struct DeleteRequest;

// Lives on the writer thread: gathers samples into batches and commits each batch in one transaction,
// at the latest `flushIntervalMs` after its first sample. When the store fails (full disk, locked file, an
// unreachable server) it keeps the batch, up to a bound, and retries with a growing interval until the store
// works again. With a spool, failed batches go to its file first (bounded by its size) and are sent oldest
// first on recovery. Every sample gets an id (origin, sequence) once, kept through retries and the spool.
class SampleWriter final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int flushIntervalMs = 100;
        // A lagging writer takes everything pending in one transaction: bigger transactions write each touched
        // page once for more rows (measured: 20,000-row transactions 300k rows/s, 100,000-row ones 476k rows/s).
        int maxBatch = 200000;
        // The same in bytes (ingest/ingestcounters.h heldBytes), 0 for none. The collector sets half its memory
        // bound: calls count against the bound until their batch is committed, so a batch as large as the bound
        // stopped every receiver for the whole transaction and the next batch could only start arriving after it
        // (measured: OTLP at 32,000 spans/s with a 48 MiB bound and whole batches, against 52,000/s unbounded).
        qint64 maxBatchBytes = 0;
        int maxRetained = 500000; // samples kept in memory while the store fails; older ones are given up
        int retryIntervalMs = 1000; // the first retry; each failed one doubles the wait up to the maximum
        int maxRetryIntervalMs = 10000;
        std::shared_ptr<SampleSpool> spool; // optional: where failed batches wait, on disk
        // Retention (StoreWriter::maintain) runs a step this often, and sooner while work remains; a step takes at
        // most its budget, much less while samples arrive, so that storing them never waits long behind it.
        int maintenanceIntervalMs = 1000;
        int maintenanceBudgetMs = 100;
        int busyMaintenanceBudgetMs = 20;
    };

    SampleWriter(std::shared_ptr<Store> store, std::shared_ptr<IngestCounters> counters, Options options);
    ~SampleWriter() override;
    Q_DISABLE_COPY_MOVE(SampleWriter)

    void append(const QList<Kodemon::Sample>& samples);
    // The same from any thread (the receiver's): the samples wait in an inbox that the writer empties when
    // it commits, and the writer thread is woken only when a batch is due, not once per read burst (waking
    // it hundreds of times a second cost more CPU than storing what it was woken for).
    void deliver(const QList<Kodemon::Sample>& samples);
    // Commits whatever is pending now; returns false while the store keeps failing.
    bool flush();
    // Deletes what the request names once everything received before it is stored; `done` gets the number of
    // calls deleted or the error, on the writer thread. Call through a queued invocation from other threads.
    void remove(const Kodemon::DeleteRequest& request, const std::function<void(Kodemon::Result<qint64>)>& done);
    // Stores an annotation; `done` gets its id.
    void annotate(const Kodemon::Annotation& annotation, const std::function<void(Kodemon::Result<qint64>)>& done);

Q_SIGNALS:
    void stored(const QList<Kodemon::Sample>& samples);
    void failed(const QString& message);
    void recovered();

private:
    void maintain();
    void collectInbox();
    void takeInbox();
    void rearm();
    void addPending(QList<Kodemon::Sample> samples);
    void handlePending();
    void scheduleFlush();
    void giveUpExcess();
    void reportFailure(const Error& failure);
    Status writeNextBatch();
    Status drainSpool();
    void spoolPending();
    void markStored(const QList<Kodemon::Sample>& samples);
    void publishSpool();
    SampleBatch takeBatch();
    QList<Sample> takeSpare(qsizetype count);
    void keepSpare(QList<Sample>&& samples);
    void putBack(QList<Kodemon::Sample> samples);
    void released(const QList<Kodemon::Sample>& samples);
    void dropFront(qsizetype count);

    std::shared_ptr<Store> m_store;
    std::shared_ptr<IngestCounters> m_counters;
    Options m_options;
    std::unique_ptr<StoreWriter> m_writer;
    // The lists the receivers delivered, as they delivered them (shared, not copied into one list: that copy, grown
    // by doubling, was the writer's largest allocation at the sender's maximum), oldest first.
    std::deque<QList<Sample>> m_pending;
    // The last stored batch, emptied: a batch joined from several delivered lists is written into its memory. A
    // fresh list each time (~100 bytes a sample, megabytes a batch) came from new pages, and their page faults
    // showed in the writer's profile (docs/BENCHMARKS.md, "StatsD's CPU per datagram").
    QList<Sample> m_spare;
    QElapsedTimer m_sinceSpare; // since a batch was last stored; after SpareKeptMs, maintain() frees the spare list
    static constexpr qint64 SpareKeptMs = 5000;
    qsizetype m_pendingCount = 0; // samples in m_pending
    QMutex m_inboxLock; // guards the four below, shared with the delivering thread
    QList<QList<Sample>> m_inbox;
    qsizetype m_inboxSamples = 0;
    bool m_collectQueued = false;
    bool m_armed = false; // the writer will look at the inbox without being woken (its timer runs)
    QTimer* m_timer = nullptr;
    QTimer* m_maintenance = nullptr;
    QString m_lastMaintenanceError;
    bool m_failing = false;
    int m_retryDelayMs = 0;
    quint64 m_origin; // this writer's random id: the first half of every sample id it hands out
    quint64 m_nextSequence = 1; // the sequence number of the first pending sample: samples leave only from the front
};

} // namespace Kodemon
