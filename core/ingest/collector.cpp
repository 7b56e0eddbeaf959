// SPDX-License-Identifier: MIT
#include "ingest/collector.h"

#include "base/hostport.h"
#include "base/logging.h"
#include "base/workerthread.h"
#include "ingest/ingestcounters.h"
#include "ingest/listenercounters.h"
#include "statsd/statsdline.h"
#include "store/store.h"

namespace Kodemon {

Collector::Collector(std::shared_ptr<Store> store, Options options, QObject* parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_options(std::move(options))
    , m_counters(std::make_shared<IngestCounters>())
{
    qRegisterMetaType<QList<Kodemon::Sample>>();
    QList<QLatin1StringView> kinds;
    for (int i = 0; i < StatsdKindCount; ++i)
        kinds.append(statsdKindName(StatsdKind(i)));
    QList<QLatin1StringView> reasons;
    for (int i = 0; i < StatsdRejectCount; ++i)
        reasons.append(statsdRejectName(StatsdReject(i)));
    // Group 0: lines per kind, group 1: rejected lines per reason (the order UdpReceiver counts in).
    m_statsdCounters = std::make_shared<ListenerCounters>(QLatin1StringView("statsd"), QLatin1StringView("datagrams"),
        QList<ListenerCounters::Group> { { QLatin1StringView("lines"), kinds }, { QLatin1StringView("rejected"), reasons } });
    m_counters->addListener(m_statsdCounters);
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
    startStatsd();
    return Ok {};
}

void Collector::startWriter()
{
    m_writerThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-writer"));
    auto writer = m_options.writer;
    if (writer.maxBatchBytes <= 0)
        writer.maxBatchBytes = std::max<qint64>(m_options.udp.maxBytesInMemory / 2, 1);
    m_writer = m_writerThread->adopt(new SampleWriter(m_store, m_counters, writer));
    connect(m_writer, &SampleWriter::stored, this, &Collector::stored);
    connect(m_writer, &SampleWriter::failed, this, &Collector::storageFailed);
    connect(m_writer, &SampleWriter::recovered, this, &Collector::storageRecovered);
    if (m_options.onStored)
        connect(m_writer, &SampleWriter::stored, m_writer, m_options.onStored, Qt::DirectConnection);
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

// A StatsD port that cannot be used (a StatsD server already listens there) is no reason to stop: the calls of the
// decorator's port still come in.
void Collector::startStatsd()
{
    if (!m_options.statsd) {
        m_statsdCounters->setOff();
        return;
    }
    auto options = *m_options.statsd;
    options.protocol = UdpReceiver::Protocol::Statsd;
    options.listener = m_statsdCounters;
    const QString endpoint = hostPort(options.address, options.port);
    m_statsdThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-statsd"));
    m_statsdReceiver = m_statsdThread->adopt(new UdpReceiver(options, m_counters));
    connect(m_statsdReceiver, &UdpReceiver::received, m_writer, &SampleWriter::deliver, Qt::DirectConnection);
    Status status = Error { QStringLiteral("the StatsD receiver thread did not start") };
    QMetaObject::invokeMethod(m_statsdReceiver, &UdpReceiver::start, Qt::BlockingQueuedConnection, &status);
    if (!status) {
        qCWarning(lcUdp).noquote() << "running without the StatsD listener:" << status.error();
        m_statsdCounters->setUnavailable(endpoint, status.error());
        m_statsdReceiver = nullptr;
        m_statsdThread.reset();
        return;
    }
    QMetaObject::invokeMethod(
        m_statsdReceiver, [this] { m_statsdPort = m_statsdReceiver->boundPort(); }, Qt::BlockingQueuedConnection);
    m_statsdCounters->setListening(hostPort(options.address, m_statsdPort));
}

void Collector::deliver(const QList<Sample>& samples)
{
    if (!m_writer || samples.isEmpty())
        return;
    m_counters->addAccepted(samples.size());
    m_counters->addMemoryBytes(heldBytes(samples));
    m_writer->deliver(samples);
}

bool Collector::isSaturated() const
{
    return m_counters->isBacklogged(m_options.udp.maxSamplesInMemory, m_options.udp.maxBytesInMemory);
}

void Collector::stop()
{
    if (m_statsdReceiver) {
        QMetaObject::invokeMethod(m_statsdReceiver, &UdpReceiver::stop, Qt::BlockingQueuedConnection);
        m_statsdReceiver = nullptr;
        m_statsdThread.reset();
        m_statsdPort = 0;
    }
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

void Collector::annotate(const Annotation& annotation, std::function<void(Result<qint64>)> done)
{
    if (!m_writer) {
        done(Error { QStringLiteral("the collector is not running") });
        return;
    }
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, annotation, done = std::move(done)] { writer->annotate(annotation, done); },
        Qt::QueuedConnection);
}

} // namespace Kodemon
