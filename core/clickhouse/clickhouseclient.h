// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <memory>
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QTcpSocket;

namespace Kodemon {

// Where a ClickHouse server is and how to talk to it: parsed from `clickhouse://host:8123/database`.
struct ClickHouseConfig
{
    QString host;
    quint16 port = 8123;
    QString database;
    QString user; // empty: the server's default user
    QString password;
    QString cluster; // empty: one server; else the remote_servers cluster of the Distributed table
    int timeoutMs = 30000; // per request: connecting, sending and waiting for the answer

    QString url() const; // for logs and the status display; never shows the password
};

// Parses `clickhouse://host[:port]/database`; the database defaults to "kodemon".
Result<ClickHouseConfig> parseClickHouseUrl(const QString& url);

// A blocking HTTP/1.1 client for ClickHouse's HTTP interface, used from one thread at a time.
// Blocking on purpose: the writer and the readers call it from threads whose event loops deliver queued
// calls (new batches, HTTP requests); a nested QEventLoop around QNetworkAccessManager would run those calls
// in the middle of a write. QTcpSocket's waitFor*() functions block without spinning the event loop.
class ClickHouseClient final
{
public:
    explicit ClickHouseClient(ClickHouseConfig config);
    ~ClickHouseClient();
    Q_DISABLE_COPY_MOVE(ClickHouseClient)

    using Parameters = QList<QPair<QByteArray, QByteArray>>;

    // Runs `sql` (sent as the body) and returns the answer's body; errors carry the server's message.
    Result<QByteArray> query(const QByteArray& sql, const Parameters& parameters = {});
    // Runs `sql` (an INSERT ... FORMAT, sent in the URL) with `data` as the body.
    Result<QByteArray> insert(const QByteArray& sql, const QByteArray& data, const Parameters& parameters = {});

    const ClickHouseConfig& config() const { return m_config; }

private:
    struct Response
    {
        int status = 0;
        QByteArray body;
    };

    Result<QByteArray> post(const Parameters& parameters, const QByteArray& body);
    Result<Response> exchange(const QByteArray& request, bool& sentOnFreshConnection);
    Status connectIfNeeded(bool& fresh);
    QByteArray requestBytes(const Parameters& parameters, const QByteArray& body) const;
    Result<Response> readResponse();
    bool readLine(QByteArray& line);
    bool readExactly(qsizetype count, QByteArray& out);
    Result<QByteArray> readChunkedBody();
    QString where() const;

    ClickHouseConfig m_config;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_stale = false; // the last exchange failed because the server had closed the idle connection
    bool m_answered = false; // the last exchange got a status line
};

} // namespace Kodemon
