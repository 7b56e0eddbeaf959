// SPDX-License-Identifier: MIT
#include "otlp/otlpreceiver.h"

#include "base/hostport.h"
#include "base/logging.h"
#include "base/workerthread.h"
#include "http/httpreply.h"
#include "ingest/listenercounters.h"
#include "otlp/gunzip.h"
#include "otlp/otlpanswer.h"
#include "otlp/otlpdecoder.h"

#include <QDateTime>
#include <QHttpServer>
#include <QTcpSocket>

namespace Kodemon {

namespace {

using Method = QHttpServerRequest::Method;

// Why a request was refused as a whole (group 0 of the counters).
enum Refusal { BadRequest, TooLarge, UnsupportedMediaType, Busy, NotFound, MethodNotAllowed, RefusalCount };

// google.rpc.Code values for the error Status bodies.
constexpr int GrpcInvalidArgument = 3;
constexpr int GrpcNotFound = 5;
constexpr int GrpcResourceExhausted = 8;
constexpr int GrpcUnimplemented = 12;
constexpr int GrpcUnavailable = 14;

const QByteArray ProtobufType = QByteArrayLiteral("application/x-protobuf");
const QByteArray JsonType = QByteArrayLiteral("application/json");

enum class Encoding { Protobuf, Json, Unknown };

// "application/json; charset=utf-8" is JSON: parameters do not change the encoding.
Encoding encodingOf(const QByteArray& contentType)
{
    const QByteArray type = contentType.split(';').constFirst().trimmed().toLower();
    if (type == ProtobufType)
        return Encoding::Protobuf;
    if (type == JsonType)
        return Encoding::Json;
    return Encoding::Unknown;
}

Reply reply(int status, bool json, QByteArray body)
{
    Reply r;
    r.status = status;
    r.contentType = json ? JsonType : ProtobufType;
    r.body = std::move(body);
    return r;
}

int grpcCodeFor(int status)
{
    switch (status) {
    case 404:
        return GrpcNotFound;
    case 405:
    case 415:
        return GrpcUnimplemented;
    case 413:
        return GrpcResourceExhausted;
    case 503:
        return GrpcUnavailable;
    default:
        return GrpcInvalidArgument;
    }
}

} // namespace

OtlpReceiver::OtlpReceiver(Options options)
    : m_options(std::move(options))
{ }

OtlpReceiver::~OtlpReceiver() = default;

std::shared_ptr<ListenerCounters> OtlpReceiver::makeCounters()
{
    QList<QLatin1StringView> spans;
    for (int i = 0; i < OtlpSpanRejectCount; ++i)
        spans.append(otlpSpanRejectName(OtlpSpanReject(i)));
    const QList<QLatin1StringView> refusals { QLatin1StringView("bad_request"), QLatin1StringView("too_large"),
        QLatin1StringView("unsupported_media_type"), QLatin1StringView("busy"), QLatin1StringView("not_found"),
        QLatin1StringView("method_not_allowed") };
    return std::make_shared<ListenerCounters>(QLatin1StringView("otlp"), QLatin1StringView("requests"),
        QList<ListenerCounters::Group> { { QLatin1StringView("refused"), refusals },
            { QLatin1StringView("rejected"), spans } });
}

Status OtlpReceiver::start()
{
    HttpListener::Options connections;
    connections.maxConnections = m_options.maxConnections;
    connections.limits.maxBodyBytes = MaxBodyBytes;
    connections.limits.allowChunked = true; // exporters that gzip while sending have no Content-Length
    // Requests refused before they are read (over the size limits) are answered as the specification asks too.
    connections.refusalBody = [counters = m_options.counters](int status, const QString& detail) {
        if (counters)
            counters->add(0, status == 413 ? TooLarge : BadRequest);
        return otlpErrorStatus(true, grpcCodeFor(status), detail);
    };
    auto listener = std::make_unique<HttpListener>(connections);
    if (!listener->listen(m_options.address, m_options.port))
        return Error { QStringLiteral("cannot receive OTLP/HTTP on %1: %2 (an OpenTelemetry collector may run there; "
                                      "choose another with --otlp-port, or 0 to turn it off)")
                           .arg(hostPort(m_options.address, m_options.port), listener->errorString()) };
    m_port = listener->serverPort();
    m_server = std::make_unique<QHttpServer>();
    m_server->route(QStringLiteral("/v1/traces"), Method::AnyKnown,
        [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            exportTraces(request, responder.socket());
        });
    m_server->setMissingHandler([this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        const bool json = encodingOf(request.value(QByteArrayLiteral("Content-Type"))) != Encoding::Protobuf;
        sendReply(responder.socket(), request,
            refuse(NotFound, 404, json,
                QStringLiteral("there is no %1 here: Kodemon receives OTLP traces at POST /v1/traces")
                    .arg(request.url().path())));
    });
    m_server->bind(listener.release()); // takes ownership
    qCInfo(lcHttp).noquote() << "receiving OTLP/HTTP traces on"
                             << QStringLiteral("http://%1/v1/traces").arg(hostPort(m_options.address, m_port));
    return Ok {};
}

void OtlpReceiver::exportTraces(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (m_options.counters)
        m_options.counters->addReceived(1);
    sendReply(socket, request, answer(request));
}

Reply OtlpReceiver::answer(const QHttpServerRequest& request)
{
    const Encoding encoding = encodingOf(request.value(QByteArrayLiteral("Content-Type")));
    const bool json = encoding != Encoding::Protobuf;
    if (request.method() != Method::Post) {
        Reply r = refuse(MethodNotAllowed, 405, json, QStringLiteral("/v1/traces takes POST requests"));
        r.headers.emplaceBack("Allow", "POST");
        return r;
    }
    if (encoding == Encoding::Unknown)
        return refuse(UnsupportedMediaType, 415, true,
            QStringLiteral("the Content-Type must be application/x-protobuf or application/json"));
    if (m_options.saturated && m_options.saturated()) {
        Reply r = refuse(Busy, 503, json,
            QStringLiteral("Kodemon's writer is behind; send these spans again in %1 s").arg(RetryAfterSeconds));
        r.headers.emplaceBack("Retry-After", QByteArray::number(RetryAfterSeconds));
        return r;
    }
    const QByteArray contentEncoding = request.value(QByteArrayLiteral("Content-Encoding")).trimmed().toLower();
    QByteArray body = request.body();
    if (contentEncoding == "gzip") {
        Gunzipped inflated = gunzip(body, MaxBodyBytes);
        if (inflated.outcome == Gunzipped::Outcome::TooLarge)
            return refuse(TooLarge, 413, json, inflated.error);
        if (inflated.outcome != Gunzipped::Outcome::Ok)
            return refuse(BadRequest, 400, json, inflated.error);
        body = std::move(inflated.data);
    } else if (!contentEncoding.isEmpty() && contentEncoding != "identity") {
        return refuse(UnsupportedMediaType, 415, json,
            QStringLiteral("the Content-Encoding %1 is not supported: send gzip or no compression")
                .arg(QString::fromLatin1(contentEncoding)));
    }
    if (body.size() > MaxBodyBytes)
        return refuse(TooLarge, 413, json, QStringLiteral("the body is larger than %1 bytes").arg(MaxBodyBytes));
    auto calls = json ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
    if (!calls)
        return refuse(BadRequest, 400, json, calls.error());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (auto& sample : calls->samples)
        sample.receivedAt = now;
    if (m_options.counters) {
        m_options.counters->addCalls(calls->samples.size());
        for (int i = 0; i < OtlpSpanRejectCount; ++i)
            m_options.counters->add(1, i, calls->rejected[size_t(i)]);
    }
    if (m_options.deliver && !calls->samples.isEmpty())
        m_options.deliver(calls->samples);
    const qint64 rejected = calls->rejectedTotal();
    return reply(200, json,
        otlpExportResponse(json, rejected,
            rejected > 0 ? QStringLiteral("%1 span(s) refused; the first: %2").arg(rejected).arg(calls->firstRejection)
                         : QString()));
}

Reply OtlpReceiver::refuse(int reason, int status, bool json, const QString& message)
{
    if (m_options.counters)
        m_options.counters->add(0, reason);
    qCDebug(lcHttp).noquote() << "OTLP request refused with" << status << "-" << message;
    return reply(status, json, otlpErrorStatus(json, grpcCodeFor(status), message));
}

OtlpServer::OtlpServer(OtlpReceiver::Options options)
    : m_options(std::move(options))
{ }

OtlpServer::~OtlpServer()
{
    stop();
}

Status OtlpServer::start()
{
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-otlp"));
    m_receiver = m_thread->adopt(new OtlpReceiver(m_options));
    Status status = Error { QStringLiteral("the OTLP thread did not start") };
    QMetaObject::invokeMethod(m_receiver, &OtlpReceiver::start, Qt::BlockingQueuedConnection, &status);
    if (!status) {
        stop();
        return status;
    }
    QMetaObject::invokeMethod(
        m_receiver, [this] { m_port = m_receiver->boundPort(); }, Qt::BlockingQueuedConnection);
    return Ok {};
}

void OtlpServer::stop()
{
    m_receiver = nullptr;
    m_thread.reset(); // deletes the receiver, its server and connections on their thread
    m_port = 0;
}

} // namespace Kodemon
