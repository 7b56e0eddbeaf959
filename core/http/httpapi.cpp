// SPDX-License-Identifier: MIT
#include "http/httpapi.h"

#include "base/logging.h"
#include "http/annotationbody.h"
#include "http/changesjson.h"
#include "http/executionstream.h"
#include "http/httpparams.h"
#include "http/httpreply.h"
#include "http/webassets.h"
#include "store/query.h"

#include <QDateTime>
#include <QHash>
#include <QHttpServer>
#include <QPointer>
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

// What tells a row of the functions table from the others: its series and group.
QString identity(const SeriesSummary& row)
{
    QString text = row.info.id.key + QChar(0) + row.info.id.token;
    if (row.group) {
        text += QChar(0);
        text += QString::number(int(row.group->kind));
        text += QChar(0);
        text += row.group->value;
    }
    return text;
}

// Gives each row the baseline row of the same series and group.
void matchBaseline(QList<FunctionsTable::Row>& rows, const QList<SeriesSummary>& baseline)
{
    const auto text = identity;
    QHash<QString, const SeriesSummary*> byIdentity;
    for (const auto& row : baseline)
        byIdentity.insert(text(row), &row);
    for (auto& row : rows) {
        if (const auto* found = byIdentity.value(text(row.current)))
            row.baseline = *found;
    }
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

bool isApiPath(const QString& path)
{
    return path.startsWith(u"/api/") || path == u"/api";
}

Reply unauthorized(ApiTokens::Outcome outcome)
{
    const bool missing = outcome == ApiTokens::Outcome::Missing;
    Reply reply = errorReply(401,
        missing ? QStringLiteral("this Kodemon needs an API token: send it as \"Authorization: Bearer <token>\"")
                : QStringLiteral("the API token was not accepted"));
    // RFC 6750: a missing token gets the plain challenge, a wrong one says why.
    reply.headers.emplaceBack("WWW-Authenticate",
        missing ? QByteArrayLiteral("Bearer realm=\"kodemon\"")
                : QByteArrayLiteral("Bearer realm=\"kodemon\", error=\"invalid_token\""));
    reply.headers.emplaceBack("Cache-Control", "no-store");
    return reply;
}

} // namespace

HttpApi::HttpApi(QueryProvider queries, StatusProvider status, ApiTokens tokens, Writes writes)
    : m_queries(std::move(queries))
    , m_status(std::move(status))
    , m_tokens(std::move(tokens))
    , m_writes(std::move(writes))
{ }

HttpApi::~HttpApi() = default;

// Every route answers GET and HEAD (405 with Allow otherwise). Keys and tokens travel in query parameters
// (keys hold "/", which a path segment cannot); time parameters take epoch seconds, ISO-8601 or now-15m.
// Errors are {"error", "detail"[, "parameter"]}: 400 bad parameter, 404 unknown key or route, 500 failure.
void HttpApi::registerRoutes(QHttpServer& server)
{
    // GET /api/keys[?token=T] -> {"keys":[{"key","token","count","first","last","mean","errors"}]}, by key then token.
    add(server, QStringLiteral("/api/keys"), &HttpApi::keys);
    // GET /api/executions?key=K[&token=T][&from=F][&to=U][&limit=L][&cursor=C][&format=json|csv]
    //  JSON -> {"key","token","from","to","executions":[{"timestamp","execution_time","token","extra"}],"next"}
    //  CSV (format=csv or Accept: text/csv) -> timestamp,token,key,execution_time_ms,extra; the whole range.
    add(server, QStringLiteral("/api/executions"), &HttpApi::executions);
    // Every route that reads calls also takes tag=<filter> (repeatable, all must hold: name:value, name!:value,
    // name, !name) and outcome=all|succeeded|failed.
    // GET /api/stats?key=K[&token][&from][&to] -> {"key","token","from","to","tags","outcome","count","min","max",
    //  "mean","stddev","p50","p90","p95","p99","p999","errors","error_rate"} (milliseconds)
    add(server, QStringLiteral("/api/stats"), &HttpApi::stats);
    // DELETE /api/series?key=K[&token=T][&from][&to] | ?token=T[&from][&to] -> {"deleted": calls, ...}: registered
    // first (the read-only route below answers every method but GET and HEAD with 405).
    addDeletion(server);
    // GET /api/series?key=K[&token][&from][&to][&points=N] -> {"key","token","from","to","step",
    //  "buckets":[{"t","count","min","mean","max","p95","errors"}]}; N from 1 to 10000, default 500; with
    //  group_by=T[&groups=N] -> {..,"group_by","step","groups":[{"group":{"kind","value"},"count","buckets"}]}
    add(server, QStringLiteral("/api/series"), &HttpApi::series);
    // GET /api/compare?key=K&from=F[&to=U][&token][&baseline=previous|-1d|-1w|-<n><unit>]
    //  [&baseline_from&baseline_to][&min_effect=5] -> both ranges' statistics, the changes in %, a Mann-Whitney
    //  U test and a verdict (slower, faster, no clear change, no data)
    add(server, QStringLiteral("/api/compare"), &HttpApi::compare);
    // GET /api/tags?key=K[&token][&from][&to][&tag..][&outcome][&values=N] -> {..selector, "tags":[{"name","calls",
    //  "values":[{"value","calls"}],"other_values","overflowed"}]}: the function's tags, most frequent values first
    add(server, QStringLiteral("/api/tags"), &HttpApi::tags);
    // GET /api/functions[?token][&from][&to][&tag..][&outcome][&group_by=T[&groups=N]][&baseline=..] ->
    //  {"functions":[{"key","token","group"?,"count","mean","p95","errors","error_rate",..,"baseline"?,"change"?}]}:
    //  the functions table, optionally split by a tag's values and compared with a baseline range
    add(server, QStringLiteral("/api/functions"), &HttpApi::functions);
    // POST /api/annotations {"text","time"?,"end"?,"tags"?,"token"?} -> 201 {"id","time","end","text","tags","token"}:
    //  a marker on the timeline (a deploy); the write-route rules of the class comment. Registered before the GET.
    addAnnotationWrites(server);
    // GET /api/annotations[?from][&to][&limit=1000] -> {"from","to","annotations":[{"id","time","end","text","tags",
    //  "token"}]}: those overlapping the range, oldest first; a restricted token sees every project's and its own
    add(server, QStringLiteral("/api/annotations"), &HttpApi::annotations);
    // GET /api/changes[?from][&to][&key][&token][&tag..][&min_calls=30][&min_effect=10][&fdr=5][&limit=100]
    //  [&group_by=T[&groups=10]] -> {"from","to","functions","calls",..,"withheld","total","changes":[{"key","token","time","metric",
    //  "change_pct","improvement","p_value","before":{..},"after":{..},"release","annotation","group"}]}: the step
    //  changes of every function (with group_by, of each of its top values of tag T on its own) over the range
    //  (default the last 24 h), most impact first (core/analysis/changefinder.h); computed here, on this thread
    add(server, QStringLiteral("/api/changes"), &HttpApi::changes);
    // GET /api/status -> {"version","started","uptime_seconds","udp":{"address","port"},"http":{..},
    //  "database":{"path","size_bytes"},"counters":{"datagrams_received","samples_stored","rejected":{..},..}}
    add(server, QStringLiteral("/api/status"), &HttpApi::status);
    // GET /api/alerts[?state=firing][&history=N] -> {"time","interval_seconds","firing","rules":[{"name",
    //  "function","condition",..,"state","alerts":[{"function","token","state","since","value","threshold"}],
    //  "history":[..]}],"notifications":{..}}: every rule, its alerts and last transitions (core/alerts/alertjson.h)
    add(server, QStringLiteral("/api/alerts"), &HttpApi::alerts);
    // GET /api/openapi.json -> this API as an OpenAPI 3 document
    add(server, QStringLiteral("/api/openapi.json"), &HttpApi::openApi);
    // GET /metrics -> Prometheus text: per-function histograms and Kodemon's own counters (metrics/prometheustext.h);
    //  protected by API tokens like /api/
    if (m_metrics)
        add(server, QStringLiteral("/metrics"), &HttpApi::metrics);
    // GET / -> the web page; GET /assets/<file> -> its scripts, styles and the chart library
    addAssets(server);
    // No route takes other methods than GET and HEAD, so those get 405 anywhere (methods Qt does not know too).
    // Unknown paths under /api/ need the token like known ones, so that they do not reveal which exist.
    server.setMissingHandler([this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        if (isApiPath(request.url().path()) && !authorize(request, responder.socket()))
            return;
        if (checkMethod(request, responder.socket()))
            notFound(request, responder.socket());
    });
}

void HttpApi::add(QHttpServer& server, const QString& path, Handler handler)
{
    server.route(
        path, Method::AnyKnown, [this, handler](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            QTcpSocket* socket = responder.socket();
            const auto scope = authorize(request, socket);
            if (!scope || !checkMethod(request, socket))
                return;
            Query* query = m_queries(*scope);
            if (!query)
                return sendReply(socket, request, errorReply(500, QStringLiteral("no reader for this API token")));
            (this->*handler)(Call { request, socket, *query, *scope });
        });
}

std::optional<ReadScope> HttpApi::authorize(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (m_tokens.isEmpty())
        return ReadScope {};
    const auto verdict = m_tokens.check(request.value(QByteArrayLiteral("Authorization")));
    if (verdict.outcome == ApiTokens::Outcome::Granted)
        return verdict.scope;
    reportRefusal(socket, verdict.outcome);
    sendReply(socket, request, unauthorized(verdict.outcome));
    return std::nullopt;
}

// Wrong tokens are logged, but at most every 10 s, so that guessing cannot flood the log.
void HttpApi::reportRefusal(const QTcpSocket* socket, ApiTokens::Outcome outcome)
{
    if (outcome != ApiTokens::Outcome::Invalid)
        return;
    ++m_unreportedRefusals;
    if (m_lastRefusalReport.isValid() && m_lastRefusalReport.elapsed() < 10000)
        return;
    qCWarning(lcHttp).noquote() << "refused" << m_unreportedRefusals
                                << "request(s) with a wrong API token, the last from"
                                << (socket ? socket->peerAddress().toString() : QStringLiteral("?"));
    m_unreportedRefusals = 0;
    m_lastRefusalReport.start();
}

void HttpApi::addDeletion(QHttpServer& server)
{
    server.route(QStringLiteral("/api/series"), Method::Delete,
        [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            QTcpSocket* socket = responder.socket();
            // Never without a token when tokens are configured: authorize() answers 401 first.
            const auto scope = authorize(request, socket);
            if (scope)
                remove(request, socket, *scope);
        });
}

void HttpApi::remove(const QHttpServerRequest& request, QTcpSocket* socket, const ReadScope& scope)
{
    if (m_writes.openServer)
        return sendReply(socket, request,
            errorReply(403, QStringLiteral("this Kodemon serves its API on a non-loopback address without an API "
                                           "token (--http-insecure): it takes no writes; configure an API token")));
    if (!m_writes.deleter)
        return sendReply(socket, request,
            errorReply(501, QStringLiteral("this Kodemon cannot delete: it views another one, or its store keeps "
                                           "everything (ClickHouse)")));
    const auto params = parseDeleteParams(request.query(), now());
    if (!params.ok())
        return sendReply(socket, request, paramReply(params.error));
    const DeleteRequest& wanted = params.value->request;
    // The token's scope must cover everything deleted: a restricted API token names one of its own tokens.
    if (scope.isRestricted() && !(wanted.token && scope.allows(*wanted.token)))
        return sendReply(socket, request,
            errorReply(403, QStringLiteral("this API token may delete only the data of its own tokens: add token=%1")
                                .arg(scope.tokens().join(QStringLiteral(" or token=")))));
    const bool headOnly = request.method() == Method::Head;
    const bool close = closeRequested(socket, request);
    QPointer<QTcpSocket> guard(socket);
    m_writes.deleter(wanted, [guard, wanted, headOnly, close](Result<qint64> deleted) {
        // On the writer's thread: the answer is written on the socket's.
        QMetaObject::invokeMethod(guard.data(), [guard, wanted, deleted = std::move(deleted), headOnly, close] {
            const Reply reply = deleted ? jsonReply(Json::deleted(wanted, *deleted))
                                        : errorReply(statusFor(deleted.errorKind()), deleted.error());
            sendReply(guard.data(), reply, headOnly, close);
        }, Qt::QueuedConnection);
    });
}

void HttpApi::addAnnotationWrites(QHttpServer& server)
{
    server.route(QStringLiteral("/api/annotations"), Method::Post,
        [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            QTcpSocket* socket = responder.socket();
            // Never without a token when tokens are configured: authorize() answers 401 first.
            const auto scope = authorize(request, socket);
            if (scope)
                annotate(request, socket, *scope);
        });
}

void HttpApi::annotate(const QHttpServerRequest& request, QTcpSocket* socket, const ReadScope& scope)
{
    if (m_writes.openServer)
        return sendReply(socket, request,
            errorReply(403, QStringLiteral("this Kodemon serves its API on a non-loopback address without an API "
                                           "token (--http-insecure): it takes no writes; configure an API token")));
    if (!m_writes.annotator)
        return sendReply(socket, request,
            errorReply(501, QStringLiteral("this Kodemon keeps no annotations: it views another one, or its store is "
                                           "ClickHouse")));
    if (!request.query().isEmpty())
        return sendReply(socket, request,
            errorReply(400, QStringLiteral("POST /api/annotations takes its fields in a JSON body, not in the URL")));
    if (request.body().size() > MaxAnnotationBody)
        return sendReply(socket, request,
            errorReply(413, QStringLiteral("an annotation's body may hold at most %1 bytes").arg(MaxAnnotationBody)));
    const auto parsed = parseAnnotationBody(request.body(), now());
    if (!parsed.ok())
        return sendReply(socket, request, paramReply(parsed.error));
    const Annotation annotation = *parsed.value;
    // The token's scope must cover the project: a restricted API token marks only its own tokens' timelines.
    if (scope.isRestricted() && !(!annotation.token.isEmpty() && scope.allows(annotation.token)))
        return sendReply(socket, request,
            errorReply(403, QStringLiteral("this API token may annotate only its own tokens' data: add \"token\": \"%1\"")
                                .arg(scope.tokens().join(QStringLiteral("\" or \"")))));
    const bool close = closeRequested(socket, request);
    QPointer<QTcpSocket> guard(socket);
    m_writes.annotator(annotation, [guard, annotation, close](Result<qint64> stored) {
        // On the writer's thread: the answer is written on the socket's.
        QMetaObject::invokeMethod(guard.data(), [guard, annotation, stored = std::move(stored), close] {
            Reply reply;
            if (stored) {
                Annotation saved = annotation;
                saved.id = *stored;
                reply = jsonReply(Json::annotation(saved));
                reply.status = 201;
            } else {
                reply = errorReply(statusFor(stored.errorKind()), stored.error());
            }
            sendReply(guard.data(), reply, false, close);
        }, Qt::QueuedConnection);
    });
}

void HttpApi::annotations(const Call& call)
{
    if (!m_writes.annotator)
        return sendReply(call.socket, call.request,
            errorReply(501, QStringLiteral("this Kodemon keeps no annotations: it views another one, or its store is "
                                           "ClickHouse")));
    const auto params = parseAnnotationsParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const TimeRange range = params.value->range;
    sendReply(call.socket, call.request,
        resultReply<QList<Annotation>>(call.query.annotations(range, params.value->limit),
            [&](const auto& list) { return Json::annotations(range, list); }));
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

void HttpApi::keys(const Call& call)
{
    const auto params = parseKeysParams(call.request.query());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const auto& token = params.value->token;
    // Asked before the list: a commit in between makes the next request rebuild, never serve stale data.
    const auto version = call.query.version();
    const QString cacheKey
        = version ? QString::number(version->query) + (token ? u'=' + *token : QStringLiteral("*")) : QString();
    if (const auto cached = m_keyLists.constFind(cacheKey);
        version && cached != m_keyLists.constEnd() && cached->version == *version) {
        return sendReply(call.socket, call.request, apiReply(cached->body));
    }
    const auto keys = call.query.keys(token);
    if (!keys)
        return sendReply(call.socket, call.request, errorReply(statusFor(keys.errorKind()), keys.error()));
    QByteArray body = Json::keys(*keys);
    if (version) {
        constexpr qsizetype MaxKeyLists = 64; // token filters are free text: keep the memory bounded
        if (m_keyLists.size() >= MaxKeyLists)
            m_keyLists.clear();
        m_keyLists.insert(cacheKey, KeyList { *version, body });
    }
    sendReply(call.socket, call.request, apiReply(std::move(body)));
}

void HttpApi::executions(const Call& call)
{
    auto params = parseExecutionsParams(call.request.query(), now(), call.request.value(QByteArrayLiteral("Accept")));
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    ExecutionStream::start(call.query, std::move(*params.value), call.socket, call.request);
}

void HttpApi::stats(const Call& call)
{
    const auto params = parseStatsParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const auto& selector = params.value->selector;
    sendReply(call.socket, call.request, resultReply<KeyStats>(call.query.stats(selector), [&](const auto& stats) {
        return Json::stats(selector, stats);
    }));
}

void HttpApi::series(const Call& call)
{
    const auto params = parseSeriesParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const auto& selector = params.value->selector;
    if (!params.value->groupBy.isEmpty()) {
        const QString& groupBy = params.value->groupBy;
        return sendReply(call.socket, call.request,
            resultReply<QList<GroupedSeries>>(
                call.query.groupedBuckets(selector, groupBy, params.value->points, params.value->groups),
                [&](const auto& lines) { return Json::groupedSeries(selector, groupBy, lines); }));
    }
    sendReply(call.socket, call.request,
        resultReply<BucketedSeries>(call.query.buckets(selector, params.value->points),
            [&](const auto& series) { return Json::series(selector, series); }));
}

void HttpApi::tags(const Call& call)
{
    const auto params = parseTagsParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const auto& selector = params.value->selector;
    sendReply(call.socket, call.request,
        resultReply<QList<TagSummary>>(call.query.tags(selector, params.value->valuesPerTag),
            [&](const auto& tags) { return Json::tags(selector, tags); }));
}

void HttpApi::functions(const Call& call)
{
    const auto params = parseFunctionsParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    FunctionsTable table { params.value->request, std::nullopt, {} };
    const auto current = call.query.functionsTable(table.request);
    if (!current)
        return sendReply(call.socket, call.request, errorReply(statusFor(current.errorKind()), current.error()));
    for (const auto& row : *current)
        table.rows.append({ row, std::nullopt });
    if (params.value->baseline) {
        const auto range = baselineRange(table.request.range, *params.value->baseline);
        if (!range)
            return sendReply(call.socket, call.request, errorReply(400, range.error(), QStringLiteral("baseline")));
        SummaryRequest before = table.request;
        before.range = *range;
        const auto baseline = call.query.functionsTable(before);
        if (!baseline)
            return sendReply(call.socket, call.request, errorReply(statusFor(baseline.errorKind()), baseline.error()));
        table.baseline = *range;
        matchBaseline(table.rows, *baseline);
    }
    sendReply(call.socket, call.request, apiReply(Json::functions(table)));
}

// Reads every selected function's calls of the range: about 2 ms a function over 10,000 calls (make bench).
void HttpApi::changes(const Call& call)
{
    const auto params = parseChangesParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    const int limit = params.value->limit;
    ChangeRequest request = params.value->request;
    if (m_writes.annotator) {
        // The markers a change may be listed beside: those up to an hour before the range too.
        const TimeRange around { *request.range.from - 3600, request.range.to };
        if (auto found = call.query.annotations(around))
            request.annotations = std::move(*found);
    }
    sendReply(call.socket, call.request,
        resultReply<ChangeReport>(findChanges(call.query, request),
            [&](const auto& report) { return Json::changes(report, limit); }));
}

void HttpApi::compare(const Call& call)
{
    const auto params = parseCompareParams(call.request.query(), now());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    // Not a structured binding: clang 14 (the fuzz preset) refuses to capture one in the lambda below.
    const auto& selector = params.value->selector;
    const auto& spec = params.value->baseline;
    const auto& options = params.value->options;
    const auto baseline = baselineRange(selector.range, spec);
    if (!baseline)
        return sendReply(call.socket, call.request, errorReply(400, baseline.error()));
    sendReply(call.socket, call.request,
        resultReply<Comparison>(call.query.compare(selector, *baseline, options),
            [&](const auto& comparison) { return Json::comparison(selector, comparison, options); }));
}

// Counters, addresses and the database path are about every token: a scoped token sees what it is allowed
// to see (version, uptime, its own tokens) and nothing of the others' traffic.
void HttpApi::status(const Call& call)
{
    if (auto error = checkNoParams(call.request.query()))
        return sendReply(call.socket, call.request, paramReply(*error));
    ServerStatus status = m_status();
    status.now = now();
    if (const auto index = call.query.tagIndexStatus())
        status.tagIndex = *index;
    if (const auto storage = call.query.storageStatus())
        status.storage = *storage;
    sendReply(call.socket, call.request,
        apiReply(call.scope.isRestricted() ? Json::scopedStatus(status, call.scope.tokens()) : Json::status(status)));
}

void HttpApi::metrics(const Call& call)
{
    if (auto error = checkNoParams(call.request.query()))
        return sendReply(call.socket, call.request, paramReply(*error));
    ServerStatus status = m_status();
    status.now = now();
    Reply reply;
    reply.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
    reply.body = m_metrics(call.scope, status);
    reply.headers.emplaceBack("Cache-Control", "no-store");
    sendReply(call.socket, call.request, reply);
}

// A token limited to some Kodemon tokens sees only their alerts: alertjson.h leaves the others out.
void HttpApi::alerts(const Call& call)
{
    const auto params = parseAlertsParams(call.request.query());
    if (!params.ok())
        return sendReply(call.socket, call.request, paramReply(params.error));
    if (!m_alerts)
        return sendReply(call.socket, call.request, errorReply(404, QStringLiteral("this Kodemon evaluates no alerts")));
    sendReply(call.socket, call.request, apiReply(m_alerts(call.scope, *params.value)));
}

void HttpApi::openApi(const Call& call)
{
    if (auto error = checkNoParams(call.request.query()))
        return sendReply(call.socket, call.request, paramReply(*error));
    sendReply(call.socket, call.request, WebAssets::openApi());
}

} // namespace Kodemon
