// SPDX-License-Identifier: MIT
#pragma once

#include "http/apitokens.h"
#include "http/httpjson.h"
#include "http/httpparams.h"
#include "store/query.h"

#include <functional>
#include <optional>
#include <QElapsedTimer>
#include <QHash>
#include <QString>

class QHttpServer;
class QHttpServerRequest;
class QTcpSocket;

namespace Kodemon {

// Deletes on the store's writer (another thread); `done` is called there with the calls deleted.
using HttpDeleter = std::function<void(const DeleteRequest& request, std::function<void(Result<qint64>)> done)>;

// What the routes that write may do: nothing without a deleter (a viewer, a store that cannot delete), and
// nothing at all on an open server (no API token on a non-loopback address: --http-insecure).
// Stores an annotation on the store's writer (another thread); `done` is called there with its id.
using HttpAnnotator = std::function<void(const Annotation& annotation, std::function<void(Result<qint64>)> done)>;

struct HttpWrites
{
    HttpDeleter deleter;
    HttpAnnotator annotator; // none: the store keeps no annotations (ClickHouse), both annotation routes answer 501
    bool openServer = false;
};

// The routes of the HTTP API and the web page, registered in one place. It only parses parameters and
// serializes results: every question goes to the one query layer (Query). Lives on the server's thread.
//
// Access rules, for every route added here now and later:
// - With API tokens configured, every path under /api/ needs "Authorization: Bearer <secret>" (401 with
//   WWW-Authenticate otherwise), checked before anything else, so an unauthenticated client learns nothing,
//   not even which routes exist. "/" and "/assets/..." hold no data and load without one.
// - A token limited to some Kodemon tokens reads through a Query whose store reader knows only those
//   tokens' series: a key outside the scope answers exactly like a key that never sent data (404).
// - Routes answer GET and HEAD only; every other method is 405, also with a valid token. A future route
//   that writes or deletes must be registered apart from add() (which is read-only by design), must never
//   be reachable without a token when tokens are configured, must refuse to run on an open, non-loopback
//   server, and must check that the token's scope covers everything it changes.
class HttpApi final
{
public:
    using StatusProvider = std::function<ServerStatus()>;
    using Deleter = HttpDeleter;
    using Writes = HttpWrites;
    // The Query answering for a scope; null when there is none (the request is then refused with 500).
    using QueryProvider = std::function<Query*(const ReadScope&)>;
    // GET /api/alerts' body for a scope (core/alerts writes it); unset: this Kodemon evaluates no alerts (404).
    using AlertsProvider = std::function<QByteArray(const ReadScope&, const AlertsParams&)>;

    // Runs findChanges for GET /api/changes elsewhere (ChangesWorker) and calls back on any thread; false when it
    // is too busy to take the request (503). Unset: the route computes on the HTTP thread.
    using ChangesRunner
        = std::function<bool(const ReadScope&, ChangeRequest, std::function<void(Result<ChangeReport>)>)>;

    // The Prometheus text of GET /metrics for a scope, given the current status (for Kodemon's own counters).
    using MetricsProvider = std::function<QByteArray(const ReadScope&, const ServerStatus&)>;

    HttpApi(QueryProvider queries, StatusProvider status, ApiTokens tokens = {}, Writes writes = {});
    ~HttpApi();
    Q_DISABLE_COPY_MOVE(HttpApi)

    void registerRoutes(QHttpServer& server);
    // Serves GET /metrics from `metrics` (call before registerRoutes; without it /metrics is 404).
    void setMetrics(MetricsProvider metrics) { m_metrics = std::move(metrics); }
    void setAlerts(AlertsProvider alerts) { m_alerts = std::move(alerts); }
    void setChangesRunner(ChangesRunner runner) { m_changesRunner = std::move(runner); }

private:
    // One authorized request.
    struct Call
    {
        const QHttpServerRequest& request;
        QTcpSocket* socket;
        Query& query;
        const ReadScope& scope;
    };
    using Handler = void (HttpApi::*)(const Call&);

    void add(QHttpServer& server, const QString& path, Handler handler);
    // DELETE /api/series: the one route that writes (the rules in the class comment).
    void addDeletion(QHttpServer& server);
    void remove(const QHttpServerRequest& request, QTcpSocket* socket, const ReadScope& scope);
    // POST /api/annotations: the second route that writes (the same rules).
    void addAnnotationWrites(QHttpServer& server);
    void annotate(const QHttpServerRequest& request, QTcpSocket* socket, const ReadScope& scope);
    void annotations(const Call& call);
    void addAssets(QHttpServer& server);
    // The scope the request may read, or nothing when it was answered with 401.
    std::optional<ReadScope> authorize(const QHttpServerRequest& request, QTcpSocket* socket);
    void reportRefusal(const QTcpSocket* socket, ApiTokens::Outcome outcome);

    void keys(const Call& call);
    void executions(const Call& call);
    void stats(const Call& call);
    void series(const Call& call);
    void compare(const Call& call);
    void tags(const Call& call);
    void functions(const Call& call);
    void changes(const Call& call);
    void status(const Call& call);
    void alerts(const Call& call);
    void openApi(const Call& call);
    void metrics(const Call& call);

    // The last key lists sent, per Query and token filter: the list is the page's most frequent question and
    // costs about 2.5 ms to build for 1,000 keys; it is sent again while the store reports no new data.
    struct KeyList
    {
        Query::Version version;
        QByteArray body;
    };
    QHash<QString, KeyList> m_keyLists;

    QueryProvider m_queries;
    StatusProvider m_status;
    MetricsProvider m_metrics;
    AlertsProvider m_alerts;
    ChangesRunner m_changesRunner;
    ApiTokens m_tokens;
    Writes m_writes;
    QElapsedTimer m_lastRefusalReport;
    int m_unreportedRefusals = 0;
};

} // namespace Kodemon
