// SPDX-License-Identifier: MIT
#include "httpapi.h"

#include "executionstream.h"
#include "httpparams.h"
#include "httpreply.h"
#include "query.h"
#include "webassets.h"

#include <QDateTime>
#include <QHttpServer>
#include <QTcpSocket>

namespace Kodemon {

namespace {

using Method = QHttpServerRequest::Method;

double now()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

Reply apiReply(const QByteArray& json)
{
    Reply reply = jsonReply(json);
    reply.headers.emplaceBack("Cache-Control", "no-store"); // the data changes every second
    return reply;
}

template<typename T> Reply resultReply(const Result<T>& result, const std::function<QByteArray(const T&)>& format)
{
    return result ? apiReply(format(*result)) : errorReply(statusFor(result.errorKind()), result.error());
}

Reply paramReply(const ParamError& error)
{
    return errorReply(400, error.detail, error.parameter);
}

// Answers 405 with Allow for anything but GET and HEAD (Qt 6.4 would answer 404).
bool checkMethod(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (request.method() == Method::Get || request.method() == Method::Head)
        return true;
    Reply reply = errorReply(405, QStringLiteral("%1 only answers GET and HEAD").arg(request.url().path()));
    reply.headers.emplaceBack("Allow", "GET, HEAD");
    sendReply(socket, request, reply);
    return false;
}

void notFound(const QHttpServerRequest& request, QTcpSocket* socket)
{
    sendReply(socket, request,
        errorReply(404,
            QStringLiteral("there is no %1; the API is described at /api/openapi.json").arg(request.url().path())));
}

} // namespace

HttpApi::HttpApi(Query& query, StatusProvider status)
    : m_query(query)
    , m_status(std::move(status))
{ }

HttpApi::~HttpApi() = default;

// Every route answers GET and HEAD (405 with Allow otherwise). Keys and tokens travel in query parameters
// (keys hold "/", which a path segment cannot); time parameters take epoch seconds, ISO-8601 or now-15m.
// Errors are {"error", "detail"[, "parameter"]}: 400 bad parameter, 404 unknown key or route, 500 failure.
void HttpApi::registerRoutes(QHttpServer& server)
{
    // GET /api/keys[?token=T] -> {"keys":[{"key","token","count","first","last","mean"}]}, by key then token.
    add(server, QStringLiteral("/api/keys"), &HttpApi::keys);
    // GET /api/executions?key=K[&token=T][&from=F][&to=U][&limit=L][&cursor=C][&format=json|csv]
    //  JSON -> {"key","token","from","to","executions":[{"timestamp","execution_time","token","extra"}],"next"}
    //  CSV (format=csv or Accept: text/csv) -> timestamp,token,key,execution_time_ms,extra; the whole range.
    add(server, QStringLiteral("/api/executions"), &HttpApi::executions);
    // GET /api/stats?key=K[&token][&from][&to] -> {"key","token","from","to","count","min","max","mean",
    //  "stddev","p50","p90","p95","p99","p999"} (milliseconds)
    add(server, QStringLiteral("/api/stats"), &HttpApi::stats);
    // GET /api/series?key=K[&token][&from][&to][&points=N] -> {"key","token","from","to","step",
    //  "buckets":[{"t","count","min","mean","max","p95"}]}; N from 1 to 10000, default 500
    add(server, QStringLiteral("/api/series"), &HttpApi::series);
    // GET /api/status -> {"version","started","uptime_seconds","udp":{"address","port"},"http":{..},
    //  "database":{"path","size_bytes"},"counters":{"datagrams_received","samples_stored","rejected":{..},..}}
    add(server, QStringLiteral("/api/status"), &HttpApi::status);
    // GET /api/openapi.json -> this API as an OpenAPI 3 document
    add(server, QStringLiteral("/api/openapi.json"), &HttpApi::openApi);
    // GET / -> the web page; GET /assets/<file> -> its scripts, styles and the chart library
    addAssets(server);
    // No route takes other methods than GET and HEAD, so those get 405 anywhere (methods Qt does not know too).
    server.setMissingHandler([](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        if (checkMethod(request, responder.socket()))
            notFound(request, responder.socket());
    });
}

void HttpApi::add(QHttpServer& server, const QString& path, Handler handler)
{
    server.route(
        path, Method::AnyKnown, [this, handler](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            if (checkMethod(request, responder.socket()))
                (this->*handler)(request, responder.socket());
        });
}

void HttpApi::addAssets(QHttpServer& server)
{
    const auto assets = WebAssets::names();
    for (const auto& name : assets) {
        const QString path = name == WebAssets::pageName() ? QStringLiteral("/") : QStringLiteral("/assets/") + name;
        server.route(
            path, Method::AnyKnown, [name](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                if (checkMethod(request, responder.socket()))
                    sendReply(responder.socket(), request, WebAssets::reply(name));
            });
    }
}

void HttpApi::keys(const QHttpServerRequest& request, QTcpSocket* socket)
{
    const auto params = parseKeysParams(request.query());
    if (!params.ok())
        return sendReply(socket, request, paramReply(params.error));
    sendReply(socket, request, resultReply<QList<SeriesInfo>>(m_query.keys(params.value->token), [](const auto& keys) {
        return Json::keys(keys);
    }));
}

void HttpApi::executions(const QHttpServerRequest& request, QTcpSocket* socket)
{
    auto params = parseExecutionsParams(request.query(), now(), request.value(QByteArrayLiteral("Accept")));
    if (!params.ok())
        return sendReply(socket, request, paramReply(params.error));
    ExecutionStream::start(m_query, std::move(*params.value), socket, request);
}

void HttpApi::stats(const QHttpServerRequest& request, QTcpSocket* socket)
{
    const auto params = parseStatsParams(request.query(), now());
    if (!params.ok())
        return sendReply(socket, request, paramReply(params.error));
    const auto& selector = params.value->selector;
    sendReply(socket, request, resultReply<KeyStats>(m_query.stats(selector), [&](const auto& stats) {
        return Json::stats(selector, stats);
    }));
}

void HttpApi::series(const QHttpServerRequest& request, QTcpSocket* socket)
{
    const auto params = parseSeriesParams(request.query(), now());
    if (!params.ok())
        return sendReply(socket, request, paramReply(params.error));
    const auto& selector = params.value->selector;
    sendReply(socket, request,
        resultReply<BucketedSeries>(m_query.series(selector, params.value->points),
            [&](const auto& series) { return Json::series(selector, series); }));
}

void HttpApi::status(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (auto error = checkNoParams(request.query()))
        return sendReply(socket, request, paramReply(*error));
    ServerStatus status = m_status();
    status.now = now();
    sendReply(socket, request, apiReply(Json::status(status)));
}

void HttpApi::openApi(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (auto error = checkNoParams(request.query()))
        return sendReply(socket, request, paramReply(*error));
    sendReply(socket, request, WebAssets::openApi());
}

} // namespace Kodemon
