// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpparams.h"
#include "http/httpreply.h"

#include <QObject>
#include <QPointer>

class QHttpServerRequest;
class QTcpSocket;

namespace Kodemon {

class Query;

// Answers /api/executions (JSON or CSV) a page of rows at a time, fetching the next page only when the
// socket has sent most of the previous one, so memory stays flat however long the range is. A short
// answer goes out whole with a Content-Length; a longer one is chunked (HTTP/1.0: ended by closing).
// A child of the socket: a client that goes away takes the stream with it.
class ExecutionStream final : public QObject
{
    Q_OBJECT
public:
    static constexpr int PageRows = 10000;

    // Starts answering; deletes itself when done. `query` must outlive the socket.
    static void start(Query& query, ExecutionsParams params, QTcpSocket* socket, const QHttpServerRequest& request);

    ~ExecutionStream() override;
    Q_DISABLE_COPY_MOVE(ExecutionStream)

private:
    ExecutionStream(Query& query, ExecutionsParams params, QTcpSocket* socket, bool headOnly, bool close);

    void begin();
    void writeMore();
    Status fetch();
    QByteArray formatPage() const;
    QByteArray opening() const;
    QByteArray closing() const;
    bool finished() const;
    HeaderList headers() const;
    void fail(const Error& error);
    void sendChunk(const QByteArray& data);
    void end();

    Query& m_query;
    ExecutionsParams m_params;
    QPointer<QTcpSocket> m_socket;
    bool m_headOnly = false;
    bool m_close = false;
    bool m_chunked = false;
    SamplePage m_page;
    std::optional<QString> m_next; // cursor after the last row fetched, while the range holds more
    qint64 m_rowsLeft = 0; // JSON only: rows still allowed by the limit
    qint64 m_rowsSent = 0;
    bool m_exhausted = false; // no more rows in the range (or the limit is reached)
};

} // namespace Kodemon
