// SPDX-License-Identifier: MIT
#include "ingest/udpreceiver.h"

#include "base/hostport.h"
#include "base/logging.h"
#include "ingest/datagram.h"
#include "ingest/datagramsource.h"
#include "ingest/ingestcounters.h"
#include "ingest/listenercounters.h"
#include "ingest/socketoptions.h"

#include <QDateTime>
#include <QTimer>

namespace Kodemon {

namespace {

constexpr int SmallBufferWarning = 4 * 1024 * 1024;
constexpr qsizetype StopDrainLimit = 1000000;
constexpr qsizetype BurstReserveSlack = 64;

// Waking a sleeping receiver costs the sender more than the receiver (in this VM, the sender's share of
// sock_def_readable held it to 137,000/s against 167,000/s for a receiver that never sleeps). Above EnterPolling
// datagrams a millisecond the receiver stops asking to be woken and reads every PollIntervalMs instead; the
// kernel's buffer (32 MiB) holds far more than a millisecond. Below LeavePolling it goes back to the notifier,
// so that low rates keep their latency and an idle receiver has no timer running. It enters on one millisecond's
// rate but leaves only on ten: a sender that stalls for a few milliseconds (a busy machine) would otherwise send
// the receiver back to per-datagram wakeups each time.
constexpr int PollIntervalMs = 1;
constexpr double EnterPolling = 20; // datagrams per millisecond: 20,000/s
constexpr double LeavePolling = 5;
constexpr qint64 EnterWindowNs = 1000000;
constexpr qint64 LeaveWindowNs = 10000000;

} // namespace

UdpReceiver::UdpReceiver(Options options, std::shared_ptr<IngestCounters> counters)
    : m_options(std::move(options))
    , m_counters(std::move(counters))
{ }

UdpReceiver::~UdpReceiver() = default;

Status UdpReceiver::start()
{
    m_source = DatagramSource::create(this);
    if (auto status = m_source->bind(m_options.address, m_options.port); !status) {
        m_source.reset();
        return Error { QStringLiteral("cannot listen for datagrams on UDP %1: %2; choose another with %3 or "
                                      "--udp-address")
                           .arg(hostPort(m_options.address, m_options.port), status.error(), m_options.portOption) };
    }
    m_boundPort = m_source->localPort();
    configureBuffer();
    if (!m_options.allowedSenders.allowsEveryone())
        qCInfo(lcUdp).noquote() << "accepting datagrams only from" << m_options.allowedSenders.toString();
    connect(m_source.get(), &DatagramSource::readyRead, this, &UdpReceiver::readBurst);
    m_dropsTimer = new QTimer(this);
    connect(m_dropsTimer, &QTimer::timeout, this, &UdpReceiver::pollKernelDrops);
    m_dropsTimer->start(1000);
    m_resumeTimer = new QTimer(this);
    m_resumeTimer->setSingleShot(true);
    m_resumeTimer->setInterval(5);
    connect(m_resumeTimer, &QTimer::timeout, this, &UdpReceiver::resumeReading);
    m_pollTimer = new QTimer(this);
    m_pollTimer->setSingleShot(true);
    m_pollTimer->setTimerType(Qt::PreciseTimer);
    m_pollTimer->setInterval(PollIntervalMs);
    connect(m_pollTimer, &QTimer::timeout, this, &UdpReceiver::pollTick);
    m_rateWindow.start();
    m_sinceRejectLog.start();
    return Ok {};
}

void UdpReceiver::configureBuffer()
{
    const int granted = requestReceiveBuffer(m_source->descriptor(), m_options.receiveBufferBytes);
    if (m_options.protocol == Protocol::Decorator)
        m_counters->setReceiveBufferBytes(granted);
    qCInfo(lcUdp).noquote() << (m_options.protocol == Protocol::Statsd ? "listening for StatsD on UDP" : "listening on UDP")
                            << hostPort(m_options.address, m_boundPort)
                            << "with a receive buffer of" << granted / 1024 << "KiB";
    if (granted < SmallBufferWarning && granted < m_options.receiveBufferBytes)
        qCWarning(lcUdp).noquote()
            << "the kernel granted a small receive buffer; bursts may be dropped by the kernel. Raise the limit "
               "with: sudo sysctl -w net.core.rmem_max="
            << m_options.receiveBufferBytes << "(or run Kodemon with CAP_NET_ADMIN)";
}

quint16 UdpReceiver::boundPort() const
{
    return m_boundPort;
}

void UdpReceiver::readBurst()
{
    if (!m_source || pauseWhileBacklogged())
        return;
    const qsizetype count = readDatagrams(m_options.burstSize);
    adaptWakeups(count);
    if (count == m_options.burstSize && !m_burstQueued) {
        // More may be waiting: continue after the event loop had its turn (timers, stop requests). Not left to
        // the socket notifier alone: an unbuffered QUdpSocket can miss a notification under load.
        m_burstQueued = true;
        QMetaObject::invokeMethod(this, &UdpReceiver::continueReading, Qt::QueuedConnection);
    }
}

// Measures the rate over short windows and switches between being woken and polling.
void UdpReceiver::adaptWakeups(qsizetype count)
{
    m_windowDatagrams += count;
    const qint64 elapsed = m_rateWindow.nsecsElapsed();
    if (elapsed < (m_polling ? LeaveWindowNs : EnterWindowNs))
        return;
    const double perMillisecond = double(m_windowDatagrams) * 1e6 / double(elapsed);
    m_windowDatagrams = 0;
    m_rateWindow.restart();
    if (!m_polling && perMillisecond >= EnterPolling)
        setPolling(true);
    else if (m_polling && perMillisecond < LeavePolling)
        setPolling(false);
}

void UdpReceiver::setPolling(bool polling)
{
    m_polling = polling;
    m_source->setNotificationsEnabled(!polling && !m_resumeTimer->isActive());
    if (polling)
        m_pollTimer->start();
    else
        m_pollTimer->stop();
}

void UdpReceiver::pollTick()
{
    if (!m_source)
        return; // stopped
    readBurst();
    if (m_polling && !m_pollTimer->isActive())
        m_pollTimer->start();
}

qsizetype UdpReceiver::readDatagrams(qsizetype limit)
{
    // The whole burst is parsed into one list, sized after the last one: no per-datagram lists, few regrowths.
    ParsedDatagram burst;
    burst.samples.reserve(std::min(limit, m_lastBurstSamples + BurstReserveSlack));
    if (m_options.protocol == Protocol::Statsd)
        m_burstNow = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    const qsizetype count = m_source->read(limit, [&](const ReceivedDatagram* datagrams, qsizetype received) {
        for (qsizetype i = 0; i < received; ++i)
            take(datagrams[i], burst);
    });
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (auto& sample : burst.samples)
        sample.receivedAt = now;
    m_lastBurstSamples = burst.samples.size();
    m_counters->addMemoryBytes(heldBytes(burst.samples));
    countBurst(count, burst.samples.size());
    if (!burst.samples.isEmpty())
        Q_EMIT received(burst.samples);
    return count;
}

void UdpReceiver::countBurst(qsizetype datagrams, qsizetype samples)
{
    m_counters->addAccepted(samples);
    if (m_options.protocol == Protocol::Statsd && m_options.listener) {
        m_options.listener->addReceived(datagrams);
        m_options.listener->addCalls(samples);
        // Group 0 of the StatsD listener's counters is the lines per kind (takeStatsd).
        for (int kind = 0; kind < StatsdKindCount; ++kind) {
            if (m_statsd.lines[size_t(kind)] > 0)
                m_options.listener->add(0, kind, m_statsd.lines[size_t(kind)]);
            m_statsd.lines[size_t(kind)] = 0;
        }
    } else {
        m_counters->addDatagrams(datagrams);
    }
}

void UdpReceiver::take(const ReceivedDatagram& datagram, ParsedDatagram& burst)
{
    if (m_options.protocol == Protocol::Statsd)
        return takeStatsd(datagram, burst);
    if (!m_options.allowedSenders.allowsEveryone() && !m_options.allowedSenders.allows(datagram.sender)) {
        m_counters->addRejected(RejectReason::SourceNotAllowed);
        reject(rejectReasonName(RejectReason::SourceNotAllowed), QStringLiteral("the sender is not in --udp-allow"),
            datagram.sender);
        return;
    }
    parseDatagram(datagram.payload, burst, &m_strings);
    if (burst.rejections.isEmpty())
        return;
    for (const auto& rejection : std::as_const(burst.rejections)) {
        m_counters->addRejected(rejection.reason);
        reject(rejectReasonName(rejection.reason), rejection.detail, datagram.sender);
    }
    burst.rejections.clear();
}

// Group 0 of the StatsD listener's counters is the lines per kind, group 1 the rejections per reason.
void UdpReceiver::takeStatsd(const ReceivedDatagram& datagram, ParsedDatagram& burst)
{
    auto* listener = m_options.listener.get();
    if (!m_options.allowedSenders.allowsEveryone() && !m_options.allowedSenders.allows(datagram.sender)) {
        if (listener)
            listener->add(1, int(StatsdReject::SourceNotAllowed));
        reject(statsdRejectName(StatsdReject::SourceNotAllowed), QStringLiteral("the sender is not in --udp-allow"),
            datagram.sender);
        return;
    }
    // Parsed straight into the burst's list (the parser appends), rather than into a list of its own moved over
    // datagram by datagram; the lines per kind are counted once a burst (countBurst).
    m_statsd.samples.swap(burst.samples);
    parseStatsdDatagram(datagram.payload, m_options.statsd, m_burstNow, m_statsd, &m_statsdNames);
    m_statsd.samples.swap(burst.samples);
    for (const auto& rejection : std::as_const(m_statsd.rejections)) {
        if (listener)
            listener->add(1, int(rejection.reason));
        reject(statsdRejectName(rejection.reason), rejection.detail, datagram.sender);
    }
    m_statsd.rejections.clear();
}

void UdpReceiver::reject(QLatin1StringView reason, const QString& detail, const SenderAddress& sender)
{
    if (m_sinceRejectLog.elapsed() < 1000) {
        ++m_unloggedRejections;
        return;
    }
    const QString more = m_unloggedRejections > 0
        ? QStringLiteral(" (%1 more rejected since the last message)").arg(m_unloggedRejections)
        : QString();
    qCWarning(lcUdp).noquote() << (m_options.protocol == Protocol::Statsd ? "rejected a StatsD line from"
                                                                          : "rejected a datagram from")
                               << sender.toHostAddress().toString() << ":" << reason << "-" << detail << more;
    m_unloggedRejections = 0;
    m_sinceRejectLog.restart();
}

bool UdpReceiver::pauseWhileBacklogged()
{
    if (m_resumeTimer->isActive())
        return true;
    if (!m_counters->isBacklogged(m_options.maxSamplesInMemory, m_options.maxBytesInMemory))
        return false;
    m_source->setNotificationsEnabled(false);
    m_resumeTimer->start();
    ++m_pauses;
    if (!m_sincePauseLog.isValid() || m_sincePauseLog.elapsed() > 10000) {
        qCWarning(lcUdp).noquote() << "the writer is behind by" << m_counters->inMemory() << "samples,"
                                   << (m_counters->memoryBytes() >> 20) << "MiB: reading paused"
                                   << m_pauses
                                   << "times so far; datagrams that do not fit the kernel's buffer are dropped "
                                      "(counted as kernel drops)";
        m_sincePauseLog.restart();
    }
    return true;
}

void UdpReceiver::resumeReading()
{
    if (!m_source)
        return; // stopped
    m_source->setNotificationsEnabled(!m_polling);
    readBurst(); // an unbuffered QUdpSocket does not signal again for datagrams that were already waiting
}

void UdpReceiver::continueReading()
{
    m_burstQueued = false;
    readBurst();
}

void UdpReceiver::pollKernelDrops()
{
    if (!m_source)
        return; // stopped
    if (auto drops = kernelDrops(m_source->descriptor())) {
        if (m_options.protocol == Protocol::Statsd && m_options.listener)
            m_options.listener->setKernelDrops(*drops);
        else
            m_counters->setKernelDrops(*drops);
    }
    readBurst(); // a safety net should a notification ever be lost
}

void UdpReceiver::stop()
{
    if (!m_source)
        return;
    pollKernelDrops();
    readDatagrams(StopDrainLimit);
    // Stopped last: pollKernelDrops' safety-net read may pause reading (the resume timer) or start polling, and a
    // timer left running called resumeReading on the reset source (a SIGSEGV in 1 of 8 tst_otlpreceiver runs).
    m_dropsTimer->stop();
    m_resumeTimer->stop();
    m_pollTimer->stop();
    m_source.reset();
}

} // namespace Kodemon
