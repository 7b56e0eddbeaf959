// SPDX-License-Identifier: MIT
#include "httpserverworker.h"

#include "httpapi.h"
#include "ingestcounters.h"
#include "logging.h"
#include "query.h"
#include "store.h"

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
    m_api = std::make_unique<HttpApi>(*m_query, [this] { return status(); });
    m_server = std::make_unique<QHttpServer>();
    m_api->registerRoutes(*m_server);
    m_listener = listener.release();
    m_server->bind(m_listener); // takes ownership
    qCInfo(lcHttp).noquote() << "serving HTTP on" << m_options.address.toString() << "port" << m_boundPort;
    return Ok {};
}

int HttpServerWorker::connectionCount() const
{
    return m_listener ? m_listener->connectionCount() : 0;
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
    return s;
}

} // namespace Kodemon
