// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "ingest/addressfilter.h"
#include "ingest/stringcache.h"
#include "statsd/statsdline.h"

#include <memory>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>

class QTimer;

namespace Kodemon {

class DatagramSource;
class IngestCounters;
class ListenerCounters;
struct ParsedDatagram;
struct ReceivedDatagram;
struct Rejection;

// Lives on its own thread: reads datagrams in bounded bursts (so its event loop never stalls), parses them
// and hands the valid samples on as one batch per burst. Rejections are counted per reason and logged at
// most once a second. It speaks the decorator's JSON datagrams, or StatsD lines on the StatsD port: the same
// socket, bursts, pauses and writer, another parser.
class UdpReceiver final : public QObject
{
    Q_OBJECT
public:
    enum class Protocol { Decorator, Statsd };
    // 32 MiB, measured (docs/BENCHMARKS.md "The ingest memory bound"): OTLP/HTTP, whose spans carry ~160 bytes of
    // attributes each, peaked at 208-255 MB RSS under the count bound alone, 134-149 MB at 48 MiB and 101-115 MB
    // at 32 MiB, at spans/s within this loaded machine's noise. 32 MiB is still ~320,000 decorator calls (about 104
    // bytes each with 10% carrying extras): 1.4 s at the 227,000/s ceiling measured that day, 0.56 s at the 570,000/s
    // this machine reached when quiet (the count bound alone held 500,000).
    static constexpr qint64 DefaultMaxBytesInMemory = qint64(32) * 1024 * 1024;

    struct Options
    {
        Protocol protocol = Protocol::Decorator;
        StatsdOptions statsd; // Statsd only
        // Statsd only: its datagrams, lines, calls, rejections and kernel drops are counted here, apart from the
        // decorator's port; the calls it accepts still count in the shared counters (the writer's backlog).
        std::shared_ptr<ListenerCounters> listener;
        QString portOption = QStringLiteral("--udp-port"); // named when the port cannot be used
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 4000;
        int receiveBufferBytes = 32 * 1024 * 1024;
        int burstSize = 512; // datagrams read before the event loop gets a turn
        AddressFilter allowedSenders; // refused senders are counted, never parsed or stored
        // Above this many samples held in memory (the writer is behind), reading pauses: the kernel's buffer
        // then drops, and counts, what does not fit, instead of memory growing without limit. About 50 MB, and
        // more than two seconds at this machine's loopback ceiling: far longer than the writer's longest pause.
        qint64 maxSamplesInMemory = 500000;
        // The same bound in bytes (ingest/ingestcounters.h heldBytes), shared by every source: calls with large
        // extra fields (OTLP spans carry ~160 bytes of attributes each) reach it long before the count.
        qint64 maxBytesInMemory = DefaultMaxBytesInMemory;
    };

    UdpReceiver(Options options, std::shared_ptr<IngestCounters> counters);
    ~UdpReceiver() override;
    Q_DISABLE_COPY_MOVE(UdpReceiver)

    // Binds the socket; call on the receiver's thread.
    Status start();
    // Reads what the kernel already holds for us, hands it on, and closes the socket.
    void stop();
    quint16 boundPort() const;

Q_SIGNALS:
    void received(const QList<Kodemon::Sample>& samples);

private:
    void readBurst();
    void adaptWakeups(qsizetype count);
    void setPolling(bool polling);
    void pollTick();
    void continueReading();
    bool pauseWhileBacklogged();
    void resumeReading();
    qsizetype readDatagrams(qsizetype limit);
    void take(const ReceivedDatagram& datagram, ParsedDatagram& burst);
    void takeStatsd(const ReceivedDatagram& datagram, ParsedDatagram& burst);
    void countBurst(qsizetype datagrams, qsizetype samples);
    void reject(QLatin1StringView reason, const QString& detail, const SenderAddress& sender);
    void pollKernelDrops();
    void configureBuffer();

    Options m_options;
    std::shared_ptr<IngestCounters> m_counters;
    std::unique_ptr<DatagramSource> m_source;
    QTimer* m_dropsTimer = nullptr;
    StringCache m_strings;
    StatsdParsed m_statsd; // one datagram's lines, reused
    StatsdNames m_statsdNames;
    double m_burstNow = 0; // epoch seconds of the current burst: the time of StatsD calls without their own
    QElapsedTimer m_sinceRejectLog;
    qint64 m_unloggedRejections = 0;
    quint16 m_boundPort = 0;
    qsizetype m_lastBurstSamples = 0;
    bool m_burstQueued = false;
    QTimer* m_resumeTimer = nullptr;
    QTimer* m_pollTimer = nullptr; // runs only while polling
    bool m_polling = false; // reading from a timer, the socket notifier off
    QElapsedTimer m_rateWindow;
    qint64 m_windowDatagrams = 0;
    qint64 m_pauses = 0; // logged now and then: a collector that keeps pausing is overloaded
    QElapsedTimer m_sincePauseLog;
};

} // namespace Kodemon
