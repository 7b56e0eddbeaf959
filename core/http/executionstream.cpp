// SPDX-License-Identifier: MIT
#include "http/executionstream.h"

#include "base/csv.h"
#include "base/logging.h"
#include "http/connectionguard.h"
#include "http/httpjson.h"

#include <limits>
#include <QHttpServerRequest>
#include <QTcpSocket>

namespace Kodemon {

namespace {

// Fetch the next page once less than this is waiting to be sent.
constexpr qint64 LowWater = qint64(256) * 1024;

QByteArray chunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

} // namespace

void ExecutionStream::start(
    Query& query, ExecutionsParams params, QTcpSocket* socket, const QHttpServerRequest& request)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    const bool headOnly = request.method() == QHttpServerRequest::Method::Head;
    auto* stream = new ExecutionStream(query, std::move(params), socket, headOnly, closeRequested(socket, request));
    stream->begin();
}

ExecutionStream::ExecutionStream(Query& query, ExecutionsParams params, QTcpSocket* socket, bool headOnly, bool close)
    : QObject(socket)
    , m_query(query)
    , m_params(std::move(params))
    , m_socket(socket)
    , m_headOnly(headOnly)
    , m_close(close)
{
    const bool json = m_params.format == ExportFormat::Json;
    m_rowsLeft = json ? m_params.limit : std::numeric_limits<qint64>::max();
    if (!m_params.cursor.isEmpty())
        m_next = m_params.cursor;
}

ExecutionStream::~ExecutionStream() = default;

void ExecutionStream::begin()
{
    if (auto status = fetch(); !status) {
        sendReply(m_socket, errorReply(statusFor(status.errorKind()), status.error()), m_headOnly, m_close);
        end();
        return;
    }
    QByteArray body = opening() + formatPage();
    if (finished()) {
        Reply reply { 200, {}, body + closing(), headers() };
        reply.contentType = reply.headers.takeFirst().second;
        sendReply(m_socket, reply, m_headOnly, m_close);
        end();
        return;
    }
    // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
    m_chunked = !isHttp10(m_socket);
    m_close = m_close || !m_chunked;
    HeaderList head = headers();
    head.append(m_chunked ? qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked"))
                          : qMakePair(QByteArray("Connection"), QByteArray("close")));
    m_socket->write(responseHead(200, head));
    if (m_headOnly) {
        end();
        return;
    }
    sendChunk(body);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &ExecutionStream::writeMore);
    writeMore();
}

void ExecutionStream::writeMore()
{
    while (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesToWrite() < LowWater) {
        if (finished()) {
            sendChunk(closing());
            if (m_chunked)
                m_socket->write("0\r\n\r\n");
            end();
            return;
        }
        if (auto status = fetch(); !status) {
            fail(status.failure());
            return;
        }
        sendChunk(formatPage());
    }
    if (auto* guard = ConnectionGuard::of(m_socket))
        guard->touch();
}

Status ExecutionStream::fetch()
{
    const qint64 want = std::min<qint64>(m_rowsLeft, PageRows);
    auto page = m_query.executions(m_params.selector, m_next.value_or(QString()), int(want));
    if (!page)
        return page.failure();
    m_rowsSent += m_page.samples.size();
    m_page = std::move(page).value();
    m_rowsLeft -= m_page.samples.size();
    m_next = m_page.next;
    return Ok {};
}

bool ExecutionStream::finished() const
{
    return !m_next || m_rowsLeft <= 0;
}

QByteArray ExecutionStream::formatPage() const
{
    if (m_params.format == ExportFormat::Csv)
        return Csv::rows(m_params.selector.key, m_page.samples);
    QByteArray out;
    for (qsizetype i = 0; i < m_page.samples.size(); ++i) {
        if (i > 0 || m_rowsSent > 0)
            out += ',';
        out += Json::execution(m_page.samples.at(i));
    }
    return out;
}

QByteArray ExecutionStream::opening() const
{
    return m_params.format == ExportFormat::Csv ? Csv::header() : Json::executionsOpening(m_params.selector);
}

QByteArray ExecutionStream::closing() const
{
    // The limit may end a page while the range holds more: then `next` continues it.
    return m_params.format == ExportFormat::Csv ? QByteArray() : Json::executionsClosing(m_next);
}

HeaderList ExecutionStream::headers() const
{
    if (m_params.format == ExportFormat::Json)
        return { { "Content-Type", "application/json" } };
    const QString name = Csv::fileName(m_params.selector.key, m_params.selector.range);
    return { { "Content-Type", "text/csv; charset=utf-8; header=present" },
        { "Content-Disposition", "attachment; filename=\"" + name.toLatin1() + '"' } };
}

void ExecutionStream::sendChunk(const QByteArray& data)
{
    if (data.isEmpty() || !m_socket)
        return;
    m_socket->write(m_chunked ? chunk(data) : data);
}

void ExecutionStream::fail(const Error& error)
{
    // The status is already out: breaking the connection is the only way left to say the body is incomplete.
    qCWarning(lcHttp).noquote() << "stopped streaming executions of" << m_params.selector.key << ":" << error.message;
    if (m_socket)
        m_socket->abort();
    deleteLater();
}

void ExecutionStream::end()
{
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        if (m_close)
            m_socket->disconnectFromHost();
    }
    deleteLater();
}

} // namespace Kodemon
