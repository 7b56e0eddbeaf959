// SPDX-License-Identifier: MIT
#pragma once

#include "httpjson.h"

#include <functional>
#include <QString>

class QHttpServer;
class QHttpServerRequest;
class QTcpSocket;

namespace Kodemon {

class Query;

// The routes of the HTTP API and the web page, registered in one place. It only parses parameters and
// serializes results: every question goes to the one query layer (Query). Lives on the server's thread.
class HttpApi final
{
public:
    using StatusProvider = std::function<ServerStatus()>;

    HttpApi(Query& query, StatusProvider status);
    ~HttpApi();
    Q_DISABLE_COPY_MOVE(HttpApi)

    void registerRoutes(QHttpServer& server);

private:
    using Handler = void (HttpApi::*)(const QHttpServerRequest&, QTcpSocket*);

    void add(QHttpServer& server, const QString& path, Handler handler);
    void addAssets(QHttpServer& server);

    void keys(const QHttpServerRequest& request, QTcpSocket* socket);
    void executions(const QHttpServerRequest& request, QTcpSocket* socket);
    void stats(const QHttpServerRequest& request, QTcpSocket* socket);
    void series(const QHttpServerRequest& request, QTcpSocket* socket);
    void status(const QHttpServerRequest& request, QTcpSocket* socket);
    void openApi(const QHttpServerRequest& request, QTcpSocket* socket);

    Query& m_query;
    StatusProvider m_status;
};

} // namespace Kodemon
