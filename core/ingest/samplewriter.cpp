// SPDX-License-Identifier: MIT
#include "ingest/samplewriter.h"

#include "base/logging.h"
#include "ingest/ingestcounters.h"
#include "ingest/samplespool.h"
#include "store/store.h"

#include <algorithm>
#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTimer>
#include <utility>

namespace Kodemon {

SampleWriter::SampleWriter(std::shared_ptr<Store> store, std::shared_ptr<IngestCounters> counters, Options options)
    : m_store(std::move(store))
    , m_counters(std::move(counters))
    , m_options(std::move(options))
    , m_timer(new QTimer(this))
    , m_retryDelayMs(m_options.retryIntervalMs)
    , m_origin(QRandomGenerator::system()->generate64() | 1)
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &SampleWriter::flush);
    m_maintenance = new QTimer(this);
    m_maintenance->setSingleShot(true);
    connect(m_maintenance, &QTimer::timeout, this, &SampleWriter::maintain);
    // Started on the writer thread once this object lives there.
    QMetaObject::invokeMethod(
        this, [this] { m_maintenance->start(m_options.maintenanceIntervalMs); }, Qt::QueuedConnection);
    if (m_options.spool && !m_options.spool->isEmpty()) {
        publishSpool();
        // Queued, so that it runs on the writer thread once this object lives there: what a previous run left.
        QMetaObject::invokeMethod(this, &SampleWriter::flush, Qt::QueuedConnection);
    }
}

SampleWriter::~SampleWriter()
{
    m_timer->stop();
    m_maintenance->stop();
}

void SampleWriter::maintain()
{
    if (m_sinceSpare.isValid() && m_sinceSpare.elapsed() > SpareKeptMs)
        m_spare = {}; // no batch for a while: the memory goes back
    if (m_failing) {
        m_maintenance->start(m_options.maintenanceIntervalMs);
        return; // the store has enough to do recovering
    }
    if (!m_writer)
        m_writer = m_store->createWriter();
    const bool busy = m_pendingCount > 0;
    QElapsedTimer took;
    took.start();
    const auto more = m_writer->maintain(QDateTime::currentSecsSinceEpoch(),
        busy ? m_options.busyMaintenanceBudgetMs : m_options.maintenanceBudgetMs);
    qCDebug(lcStorage) << "maintenance step:" << took.elapsed() << "ms, budget"
                       << (busy ? m_options.busyMaintenanceBudgetMs : m_options.maintenanceBudgetMs) << "ms, more:"
                       << (more && *more);
    if (!more) {
        if (more.error() != m_lastMaintenanceError)
            qCWarning(lcStorage).noquote() << more.error();
        m_lastMaintenanceError = more.error();
        m_maintenance->start(m_options.maintenanceIntervalMs);
        return;
    }
    m_lastMaintenanceError.clear();
    // While work remains, steps follow each other closely when idle and sparsely while samples arrive.
    m_maintenance->start(!*more ? m_options.maintenanceIntervalMs : busy ? 250 : 10);
}

void SampleWriter::remove(const DeleteRequest& request, const std::function<void(Result<qint64>)>& done)
{
    // What arrived before the request is deleted with the rest.
    if (!flush()) {
        done(Error { QStringLiteral("the database cannot be written to right now: %1").arg(m_lastMaintenanceError) });
        return;
    }
    done(m_writer->remove(request));
}

void SampleWriter::annotate(const Annotation& annotation, const std::function<void(Result<qint64>)>& done)
{
    if (!m_writer)
        m_writer = m_store->createWriter();
    done(m_writer ? m_writer->annotate(annotation)
                  : Result<qint64>(Error { QStringLiteral("this store keeps no annotations") }));
}

void SampleWriter::deliver(const QList<Sample>& samples)
{
    if (samples.isEmpty())
        return;
    QMutexLocker lock(&m_inboxLock);
    m_inbox.append(samples); // shares the list: no copy of the samples
    m_inboxSamples += samples.size();
    // An armed writer looks at the inbox when its flush timer fires; only a full batch cannot wait for that.
    const bool due = !m_armed || m_inboxSamples >= m_options.maxBatch;
    if (due && !m_collectQueued) {
        m_collectQueued = true;
        m_armed = true;
        QMetaObject::invokeMethod(this, &SampleWriter::collectInbox, Qt::QueuedConnection);
    }
}

void SampleWriter::takeInbox()
{
    QList<QList<Sample>> inbox;
    {
        QMutexLocker lock(&m_inboxLock);
        inbox.swap(m_inbox);
        m_inboxSamples = 0;
    }
    for (auto& samples : inbox)
        addPending(std::move(samples));
}

void SampleWriter::rearm()
{
    QMutexLocker lock(&m_inboxLock);
    if (!m_timer->isActive() && !m_collectQueued && !m_inbox.isEmpty()) {
        // Delivered after the last look: collect it rather than leave it until the next delivery.
        m_collectQueued = true;
        QMetaObject::invokeMethod(this, &SampleWriter::collectInbox, Qt::QueuedConnection);
    }
    m_armed = m_timer->isActive() || m_collectQueued;
}

void SampleWriter::collectInbox()
{
    {
        QMutexLocker lock(&m_inboxLock);
        m_collectQueued = false;
    }
    takeInbox();
    handlePending();
    rearm();
}

void SampleWriter::addPending(QList<Sample> samples)
{
    if (samples.isEmpty())
        return;
    m_pendingCount += samples.size();
    m_pending.push_back(std::move(samples)); // shared, not copied
}

void SampleWriter::append(const QList<Sample>& samples)
{
    addPending(samples);
    handlePending();
    rearm();
}

void SampleWriter::handlePending()
{
    if (m_failing) {
        if (m_pendingCount >= m_options.maxBatch)
            spoolPending();
        giveUpExcess();
    }
    m_counters->setPending(m_pendingCount);
    if (m_pendingCount >= m_options.maxBatch && !m_failing)
        flush();
    else
        scheduleFlush();
}

void SampleWriter::scheduleFlush()
{
    const bool waiting = m_pendingCount > 0 || (m_options.spool && !m_options.spool->isEmpty());
    if (waiting && !m_timer->isActive())
        m_timer->start(m_failing ? m_retryDelayMs : m_options.flushIntervalMs);
}

bool SampleWriter::flush()
{
    m_timer->stop();
    takeInbox();
    if (!m_writer)
        m_writer = m_store->createWriter();
    Status status = drainSpool();
    while (status && m_pendingCount > 0)
        status = writeNextBatch();
    if (status) {
        rearm();
        return true;
    }
    reportFailure(status.failure());
    spoolPending();
    giveUpExcess();
    scheduleFlush();
    m_retryDelayMs = std::min(m_retryDelayMs * 2, std::max(m_options.maxRetryIntervalMs, m_options.retryIntervalMs));
    rearm();
    return false;
}

// The oldest pending samples, at most one batch, with their ids, taken out of the pending lists: a delivered list
// that is the whole batch is shared, otherwise the batch is one list of exactly its size and the delivered lists it
// emptied are freed at once. The caller either releases the batch (stored, spooled) or puts it back.
SampleBatch SampleWriter::takeBatch()
{
    qsizetype count = std::min<qsizetype>(m_pendingCount, m_options.maxBatch);
    if (m_options.maxBatchBytes > 0) {
        qint64 bytes = 0;
        qsizetype seen = 0;
        for (auto list = m_pending.cbegin(); list != m_pending.cend() && seen < count; ++list) {
            const qsizetype end = std::min(list->size(), count - seen);
            qsizetype i = 0;
            for (; i < end; ++i) {
                bytes += heldBytes(list->at(i));
                if (bytes > m_options.maxBatchBytes)
                    break;
            }
            if (i < end) {
                count = std::max<qsizetype>(seen + i, 1);
                break;
            }
            seen += end;
        }
    }
    SampleBatch batch { m_origin, m_nextSequence, {} };
    m_pendingCount -= count;
    if (m_pending.front().size() == count) {
        batch.samples = std::move(m_pending.front());
        m_pending.pop_front();
        return batch;
    }
    batch.samples = takeSpare(count);
    while (batch.samples.size() < count) {
        QList<Sample>& list = m_pending.front();
        const qsizetype taken = std::min(list.size(), count - batch.samples.size());
        // A list only the writer holds gives its samples up rather than copying their strings' references.
        if (list.isDetached()) {
            for (auto sample = list.begin(), end = sample + taken; sample != end; ++sample)
                batch.samples.append(std::move(*sample));
        } else {
            for (auto sample = list.cbegin(), end = sample + taken; sample != end; ++sample)
                batch.samples.append(*sample);
        }
        if (taken == list.size())
            m_pending.pop_front();
        else
            list.remove(0, taken);
    }
    return batch;
}

// A batch that could not be stored nor spooled: first again, with the same ids.
void SampleWriter::putBack(QList<Sample> samples)
{
    if (samples.isEmpty())
        return;
    m_pendingCount += samples.size();
    m_pending.push_front(std::move(samples));
}

// The batch taken last is stored or spooled: out of memory.
void SampleWriter::released(const QList<Sample>& samples)
{
    m_counters->releaseMemoryBytes(heldBytes(samples));
    m_nextSequence += quint64(samples.size());
    m_counters->setPending(m_pendingCount);
}

// Gives up the oldest `count` pending samples.
void SampleWriter::dropFront(qsizetype count)
{
    m_nextSequence += quint64(count);
    m_pendingCount -= count;
    while (count > 0) {
        QList<Sample>& list = m_pending.front();
        const qsizetype dropped = std::min(list.size(), count);
        m_counters->releaseMemoryBytes(heldBytes(list, dropped));
        if (dropped == list.size())
            m_pending.pop_front();
        else
            list.remove(0, dropped);
        count -= dropped;
    }
    m_counters->setPending(m_pendingCount);
}

Status SampleWriter::writeNextBatch()
{
    SampleBatch batch = takeBatch();
    if (auto status = m_writer->writeIdentified(batch); !status) {
        putBack(std::move(batch.samples));
        return status;
    }
    released(batch.samples);
    markStored(batch.samples);
    keepSpare(std::move(batch.samples));
    return Ok {};
}

// A list with room for `count` samples: the last batch's, which only grows while batches keep coming (maintain()
// gives it back once they stop).
QList<Sample> SampleWriter::takeSpare(qsizetype count)
{
    QList<Sample> samples = std::exchange(m_spare, {});
    samples.reserve(count);
    return samples;
}

// Keeps a stored batch's memory for the next batch that joins several delivered lists, unless someone still
// shares the list (a `stored` slot may keep it).
void SampleWriter::keepSpare(QList<Sample>&& samples)
{
    m_sinceSpare.start();
    if (!samples.isDetached() || samples.capacity() <= m_spare.capacity())
        return;
    samples.clear(); // the samples' strings are released; the list keeps its memory
    m_spare = std::move(samples);
}

void SampleWriter::markStored(const QList<Sample>& samples)
{
    m_counters->addStored(samples.size());
    if (m_failing) {
        m_failing = false;
        m_retryDelayMs = m_options.retryIntervalMs;
        m_counters->setStoreError({});
        qCInfo(lcStorage) << "storing works again";
        Q_EMIT recovered();
    }
    Q_EMIT stored(samples);
}

Status SampleWriter::drainSpool()
{
    SampleSpool* spool = m_options.spool.get();
    while (spool && !spool->isEmpty()) {
        auto batch = spool->front();
        if (!batch) {
            // Unreadable bytes cannot become samples again: count them as given up rather than block the spool.
            qCCritical(lcStorage).noquote() << batch.error() << "- giving up its" << spool->frontSamples() << "samples";
            m_counters->addUnstored(spool->frontSamples());
        } else if (auto status = m_writer->writeIdentified(*batch); !status) {
            return status;
        }
        if (auto status = spool->popFront(); !status)
            qCCritical(lcStorage).noquote() << status.error();
        publishSpool();
        if (batch)
            markStored(batch->samples);
    }
    return Ok {};
}

// Moves pending samples into the spool, a batch at a time, while it has room; the rest waits in memory.
void SampleWriter::spoolPending()
{
    SampleSpool* spool = m_options.spool.get();
    while (spool && m_pendingCount > 0) {
        SampleBatch batch = takeBatch();
        auto appended = spool->append(batch);
        if (!appended)
            qCCritical(lcStorage).noquote() << appended.error();
        if (!appended || !*appended) {
            putBack(std::move(batch.samples));
            break;
        }
        released(batch.samples);
    }
    publishSpool();
}

void SampleWriter::publishSpool()
{
    if (m_options.spool)
        m_counters->setSpool(m_options.spool->samples(), m_options.spool->bytes());
}

void SampleWriter::reportFailure(const Error& failure)
{
    QString message = failure.message;
    if (failure.kind == ErrorKind::StorageFull)
        message += QStringLiteral(" - free disk space or raise --db-max-size; storing resumes by itself");
    m_counters->setStoreError(message);
    if (m_failing)
        return;
    m_failing = true;
    const QString spool = m_options.spool ? QStringLiteral(" plus %1 MiB in the spool %2")
                                                .arg(m_options.spool->limit() >> 20)
                                                .arg(m_options.spool->path())
                                          : QString();
    qCCritical(lcStorage).noquote() << "cannot store samples:" << message << "- keeping up to" << m_options.maxRetained
                                    << QStringLiteral("samples in memory%1, retrying from").arg(spool)
                                    << m_options.retryIntervalMs << "ms on";
    Q_EMIT failed(message);
}

void SampleWriter::giveUpExcess()
{
    const auto excess = m_pendingCount - m_options.maxRetained;
    if (excess <= 0)
        return;
    dropFront(excess);
    m_counters->addUnstored(excess);
}

} // namespace Kodemon
