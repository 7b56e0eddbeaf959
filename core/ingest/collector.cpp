// SPDX-License-Identifier: MIT
#include "ingest/collector.h"

#include "base/workerthread.h"
#include "ingest/ingestcounters.h"
#include "store/store.h"

namespace Kodemon {

Collector::Collector(std::shared_ptr<Store> store, Options options, QObject* parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_options(std::move(options))
    , m_counters(std::make_shared<IngestCounters>())
{
    qRegisterMetaType<QList<Kodemon::Sample>>();
}

Collector::~Collector()
{
    stop();
}

Status Collector::start()
{
    startWriter();
    if (auto status = startReceiver(); !status) {
        stop();
        return status;
    }
    return Ok {};
}

void Collector::startWriter()
{
    m_writerThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-writer"));
    m_writer = m_writerThread->adopt(new SampleWriter(m_store, m_counters, m_options.writer));
    connect(m_writer, &SampleWriter::stored, this, &Collector::stored);
    connect(m_writer, &SampleWriter::failed, this, &Collector::storageFailed);
    connect(m_writer, &SampleWriter::recovered, this, &Collector::storageRecovered);
}

Status Collector::startReceiver()
{
    m_receiverThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-udp"));
    m_receiver = m_receiverThread->adopt(new UdpReceiver(m_options.udp, m_counters));
    // Direct: deliver() is thread-safe and wakes the writer only when a batch is due.
    connect(m_receiver, &UdpReceiver::received, m_writer, &SampleWriter::deliver, Qt::DirectConnection);
    Status status = Error { QStringLiteral("the receiver thread did not start") };
    QMetaObject::invokeMethod(m_receiver, &UdpReceiver::start, Qt::BlockingQueuedConnection, &status);
    if (!status) {
        m_receiver = nullptr;
        m_receiverThread.reset();
        return status;
    }
    QMetaObject::invokeMethod(
        m_receiver, [this] { m_udpPort = m_receiver->boundPort(); }, Qt::BlockingQueuedConnection);
    return Ok {};
}

void Collector::stop()
{
    if (m_receiver) {
        QMetaObject::invokeMethod(m_receiver, &UdpReceiver::stop, Qt::BlockingQueuedConnection);
        m_receiver = nullptr;
        m_receiverThread.reset();
    }
    if (m_writer) {
        // Runs after every batch the receiver queued before it stopped.
        QMetaObject::invokeMethod(m_writer, &SampleWriter::flush, Qt::BlockingQueuedConnection);
        m_writer = nullptr;
        m_writerThread.reset();
    }
}

void Collector::remove(const DeleteRequest& request, std::function<void(Result<qint64>)> done)
{
    if (!m_writer) {
        done(Error { QStringLiteral("the collector is not running") });
        return;
    }
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, request, done = std::move(done)] { writer->remove(request, done); },
        Qt::QueuedConnection);
}

} // namespace Kodemon
