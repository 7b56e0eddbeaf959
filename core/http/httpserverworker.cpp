// SPDX-License-Identifier: MIT
#include "http/httpserverworker.h"

#include "base/logging.h"
#include "http/changesworker.h"
#include "http/httpapi.h"
#include "ingest/ingestcounters.h"
#include "metrics/callmetrics.h"
#include "metrics/prometheustext.h"
#include "store/query.h"
#include "store/store.h"

#include <QDateTime>
#include <QHttpServer>

namespace Kodemon {

HttpServerWorker::HttpServerWorker(std::shared_ptr<Store> store, Options options)
    : m_store(std::move(store))
    , m_options(std::move(options))
    , m_startedAt(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0)
{ }

HttpServerWorker::~HttpServerWorker() = default;

Status HttpServerWorker::start()
{
    if (auto problem = httpExposureProblem(m_options.address, !m_options.apiTokens.isEmpty(), m_options.insecure))
        return Error { *problem, ErrorKind::Invalid };
    if (auto status = prepareScopes(); !status)
        return status;
    auto listener = std::make_unique<HttpListener>(m_options.connections);
    if (!listener->listen(m_options.address, m_options.port)) {
        return Error { QStringLiteral("cannot serve HTTP on %1 port %2: %3 (is another program using it? "
                                      "choose another with --http-port)")
                           .arg(m_options.address.toString())
                           .arg(m_options.port)
                           .arg(listener->errorString()) };
    }
    m_boundPort = listener->serverPort();
    m_query = std::make_unique<Query>(m_store->createReader());
    const bool openServer = m_options.apiTokens.isEmpty() && !m_options.address.isLoopback();
    m_api = std::make_unique<HttpApi>([this](const ReadScope& scope) { return queryFor(scope); },
        [this] { return status(); }, m_options.apiTokens, HttpApi::Writes { m_options.deleter, m_options.annotator, openServer });
    if (auto metrics = m_options.metrics) {
        m_api->setMetrics([metrics](const ReadScope& scope, const ServerStatus& status) {
            // A limited API token sees its own functions and none of the counters, which are about every token.
            const auto tokens = scope.isRestricted() ? std::optional<QStringList>(scope.tokens()) : std::nullopt;
            return PrometheusText::exposition(metrics->series(tokens), scope.isRestricted() ? 0 : metrics->omittedSeries(),
                scope.isRestricted() ? std::nullopt : std::optional<IngestSnapshot>(status.counters));
        });
    }
    m_api->setAlerts(m_options.alerts);
    m_changes = std::make_unique<ChangesWorker>(m_store, m_options.changesWaiting);
    m_api->setChangesRunner([changes = m_changes.get()](const ReadScope& scope, ChangeRequest request, auto done) {
        return changes->submit(scope, std::move(request), std::move(done));
    });
    m_server = std::make_unique<QHttpServer>();
    m_api->registerRoutes(*m_server);
    m_listener = listener.release();
    m_server->bind(m_listener); // takes ownership
    qCInfo(lcHttp).noquote() << "serving HTTP on" << m_options.address.toString() << "port" << m_boundPort;
    logAccess();
    return Ok {};
}

// Readers for the limited scopes are made before the first request, so that a store that cannot limit its
// answers stops the start instead of failing (or leaking) later.
Status HttpServerWorker::prepareScopes()
{
    for (const auto& scope : m_options.apiTokens.scopes()) {
        if (!scope.isRestricted())
            continue;
        auto reader = m_store->createScopedReader(scope);
        if (!reader)
            return Error { QStringLiteral("%1 cannot limit an API token to some Kodemon tokens: give API tokens "
                                          "without a token list, or keep the data in SQLite")
                               .arg(m_store->location()),
                ErrorKind::Invalid };
        m_scopedQueries.emplace_back(scope, std::make_unique<Query>(std::move(reader)));
    }
    return Ok {};
}

void HttpServerWorker::logAccess() const
{
    const auto& tokens = m_options.apiTokens;
    if (!tokens.isEmpty()) {
        qCInfo(lcHttp).noquote() << "the API needs one of" << tokens.size() << "API token(s);" << m_scopedQueries.size()
                                 << "limited scope(s)";
        if (m_options.insecure)
            qCInfo(lcHttp) << "--http-insecure changes nothing: API tokens are configured";
    } else if (!m_options.address.isLoopback()) {
        qCWarning(lcHttp).noquote() << "serving the HTTP API on" << m_options.address.toString()
                                    << "without an API token (--http-insecure): anyone who can reach port"
                                    << m_boundPort << "reads every execution time";
    }
}

Query* HttpServerWorker::queryFor(const ReadScope& scope) const
{
    if (!scope.isRestricted())
        return m_query.get();
    for (const auto& [known, query] : m_scopedQueries) {
        if (known == scope)
            return query.get();
    }
    return nullptr;
}

int HttpServerWorker::connectionCount() const
{
    return m_listener ? m_listener->connectionCount() : 0;
}

qint64 HttpServerWorker::pendingOutputBytes() const
{
    return m_listener ? m_listener->pendingOutputBytes() : 0;
}

ServerStatus HttpServerWorker::status() const
{
    ServerStatus s;
    s.startedAt = m_startedAt;
    s.udpAddress = m_options.udpAddress;
    s.udpPort = m_options.udpPort;
    s.httpAddress = m_options.address;
    s.httpPort = m_boundPort;
    s.databasePath = m_store->location();
    s.databaseBytes = m_store->sizeOnDisk();
    if (m_options.counters)
        s.counters = m_options.counters->snapshot();
    s.retention = m_options.retention;
    return s;
}

} // namespace Kodemon
