// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "ingest/samplewriter.h"
#include "ingest/udpreceiver.h"

#include <functional>
#include <memory>
#include <optional>
#include <QObject>

namespace Kodemon {

class IngestCounters;
class ListenerCounters;
class Store;
class WorkerThread;

// The ingest pipeline: a UDP receiver on one thread feeding a sample writer on another, and optionally a StatsD
// receiver on a third feeding the same writer. Other ingest paths (OTLP/HTTP) hand their calls in with deliver().
// Data flows one way: socket -> parse -> batch -> writer -> store.
class Collector final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        UdpReceiver::Options udp;
        SampleWriter::Options writer;
        // The StatsD listener (protocol Statsd), or none (--statsd-port 0). Optional: when its port cannot be
        // used, the collector says why (log, statsdCounters()) and runs without it.
        std::optional<UdpReceiver::Options> statsd;
        // Called on the writer thread with every committed batch (the /metrics registry).
        std::function<void(const QList<Kodemon::Sample>&)> onStored;
    };

    Collector(std::shared_ptr<Store> store, Options options, QObject* parent = nullptr);
    ~Collector() override;
    Q_DISABLE_COPY_MOVE(Collector)

    // Starts the writer, then binds the socket; on failure nothing keeps running.
    Status start();
    // Reads what the socket still holds, stores everything received, and stops both threads.
    void stop();

    bool isRunning() const { return m_receiver != nullptr; }
    QHostAddress udpAddress() const { return m_options.udp.address; }
    quint16 udpPort() const { return m_udpPort; }
    std::shared_ptr<IngestCounters> counters() const { return m_counters; }
    // Deletes on the writer's thread once what arrived before is stored; `done` runs there (from any thread;
    // an error when the collector is not running).
    void remove(const DeleteRequest& request, std::function<void(Result<qint64>)> done);
    // Stores an annotation on the writer's thread (the one connection that writes); `done` runs there.
    void annotate(const Annotation& annotation, std::function<void(Result<qint64>)> done);

    std::shared_ptr<ListenerCounters> statsdCounters() const { return m_statsdCounters; }
    quint16 statsdPort() const { return m_statsdPort; } // 0 while the StatsD listener does not run

    // Hands calls received elsewhere (OTLP/HTTP) to the writer; thread-safe, while the collector runs.
    void deliver(const QList<Kodemon::Sample>& samples);
    // Calls accepted but not yet stored, by count or by bytes: above what the receivers allow (the decorator's
    // port's bounds), other paths should refuse for a while.
    bool isSaturated() const;

Q_SIGNALS:
    // Delivered on the collector's thread after each commit.
    void stored(const QList<Kodemon::Sample>& samples);
    void storageFailed(const QString& message);
    void storageRecovered();

private:
    void startWriter();
    Status startReceiver();
    void startStatsd();

    std::shared_ptr<Store> m_store;
    Options m_options;
    std::shared_ptr<IngestCounters> m_counters;
    std::unique_ptr<WorkerThread> m_writerThread;
    std::unique_ptr<WorkerThread> m_receiverThread;
    SampleWriter* m_writer = nullptr;
    UdpReceiver* m_receiver = nullptr;
    quint16 m_udpPort = 0;
    std::shared_ptr<ListenerCounters> m_statsdCounters;
    std::unique_ptr<WorkerThread> m_statsdThread;
    UdpReceiver* m_statsdReceiver = nullptr;
    quint16 m_statsdPort = 0;
};

} // namespace Kodemon
