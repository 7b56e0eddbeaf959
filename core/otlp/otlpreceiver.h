// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "http/httplistener.h"

#include <functional>
#include <memory>
#include <QHostAddress>
#include <QObject>

class QHttpServer;
class QHttpServerRequest;
class QTcpSocket;

namespace Kodemon {

class ListenerCounters;
class WorkerThread;
struct Reply;

// The OTLP/HTTP trace receiver on its own thread: POST /v1/traces with protobuf or JSON bodies, gzip or not,
// answered as the OpenTelemetry protocol specification says (docs/API.md "OTLP/HTTP"). Spans become calls
// (otlpdecoder.h) handed to the collector's writer; while the writer is behind, requests get 503 with
// Retry-After so that exporters keep their spans and send them again.
class OtlpReceiver final : public QObject
{
    Q_OBJECT
public:
    // The specification's recommended limit, before and after decompression.
    static constexpr qint64 MaxBodyBytes = qint64(20) * 1024 * 1024;
    static constexpr int RetryAfterSeconds = 2;

    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 4318;
        // Each connection may hold a whole body in memory: 32 of them bound it to 640 MiB.
        int maxConnections = 32;
        std::function<void(const QList<Kodemon::Sample>&)> deliver; // thread-safe: the collector's writer
        std::function<bool()> saturated; // thread-safe: the writer is too far behind to take more
        std::shared_ptr<ListenerCounters> counters; // see makeCounters()
    };

    explicit OtlpReceiver(Options options);
    ~OtlpReceiver() override;
    Q_DISABLE_COPY_MOVE(OtlpReceiver)

    // Listens; call on the receiver's thread. The error says why in words (a port in use, say).
    Status start();
    quint16 boundPort() const { return m_port; }

    // The receiver's counters: group 0 the refused requests per reason, group 1 the refused spans per reason.
    static std::shared_ptr<ListenerCounters> makeCounters();

private:
    void exportTraces(const QHttpServerRequest& request, QTcpSocket* socket);
    Reply answer(const QHttpServerRequest& request);
    Reply refuse(int reason, int status, bool json, const QString& message);

    Options m_options;
    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
};

// Owns the receiver's thread; used from the thread that made it.
class OtlpServer final
{
public:
    explicit OtlpServer(OtlpReceiver::Options options);
    ~OtlpServer();
    Q_DISABLE_COPY_MOVE(OtlpServer)

    Status start();
    void stop();
    quint16 port() const { return m_port; }

private:
    OtlpReceiver::Options m_options;
    std::unique_ptr<WorkerThread> m_thread;
    OtlpReceiver* m_receiver = nullptr;
    quint16 m_port = 0;
};

} // namespace Kodemon
