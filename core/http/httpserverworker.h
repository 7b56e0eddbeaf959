// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "http/apitokens.h"
#include "http/httpapi.h"
#include "http/httpjson.h"
#include "http/httplistener.h"
#include "http/httpparams.h"

#include <functional>
#include <memory>
#include <QObject>
#include <vector>

class QHttpServer;

namespace Kodemon {

class CallMetrics;
class ChangesWorker;
class HttpApi;
class IngestCounters;
class Query;
class Store;

// The HTTP server on its own thread: QHttpServer, its listener, the API routes and a Query over the
// thread's own database connection (SQLite connections belong to one thread).
class HttpServerWorker final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress(QHostAddress::LocalHost);
        quint16 port = 4000;
        HttpListener::Options connections;
        // Reported by /api/status.
        QHostAddress udpAddress;
        quint16 udpPort = 0;
        std::shared_ptr<IngestCounters> counters; // may be null: zero counters
        std::shared_ptr<CallMetrics> metrics; // GET /metrics; null: no such route
        // Who may read /api/: empty means anyone who can connect, which start() allows only on a loopback
        // address unless `insecure` (--http-insecure) says it is meant.
        ApiTokens apiTokens;
        bool insecure = false;
        // DELETE /api/series (none: the route answers 501) and the retention reported by /api/status.
        HttpApi::Deleter deleter;
        // POST and GET /api/annotations (none: both answer 501).
        HttpAnnotator annotator;
        RetentionPolicy retention { 0, 0, 0 };
        // GET /api/changes requests queued or running at once on their own thread (ChangesWorker); more get 503.
        int changesWaiting = 4;
        // GET /api/alerts' body (core/alerts), called on the server's thread; unset: the route answers 404.
        std::function<QByteArray(const ReadScope&, const AlertsParams&)> alerts = {};
    };

    HttpServerWorker(std::shared_ptr<Store> store, Options options);
    ~HttpServerWorker() override;
    Q_DISABLE_COPY_MOVE(HttpServerWorker)

    // Listens; call on the worker's thread.
    Status start();
    quint16 boundPort() const { return m_boundPort; }
    int connectionCount() const;
    qint64 pendingOutputBytes() const;

private:
    ServerStatus status() const;
    Status prepareScopes();
    void logAccess() const;
    Query* queryFor(const ReadScope& scope) const;

    std::shared_ptr<Store> m_store;
    Options m_options;
    double m_startedAt = 0;
    quint16 m_boundPort = 0;
    // Destroyed in reverse order: the server (and every connection streaming from the query) goes first.
    std::unique_ptr<Query> m_query;
    std::vector<std::pair<ReadScope, std::unique_ptr<Query>>> m_scopedQueries; // one per limited API token scope
    std::unique_ptr<HttpApi> m_api;
    std::unique_ptr<QHttpServer> m_server;
    HttpListener* m_listener = nullptr; // owned by m_server
    std::unique_ptr<ChangesWorker> m_changes; // goes first: it finishes the request it is answering
};

} // namespace Kodemon
