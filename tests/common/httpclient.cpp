// SPDX-License-Identifier: MIT
#include "httpclient.h"

#include <QDeadlineTimer>

namespace Kodemon::Test {

QByteArray HttpResponse::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

bool HttpResponse::hasHeader(const QByteArray& name) const
{
    for (const auto& header : headers)
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QJsonDocument HttpResponse::json() const
{
    return QJsonDocument::fromJson(body);
}

HttpClient::HttpClient(quint16 port, QHostAddress address)
    : m_port(port)
    , m_address(std::move(address))
{ }

bool HttpClient::connectToServer(int timeoutMs)
{
    m_buffer.clear();
    m_socket.abort();
    m_socket.connectToHost(m_address, m_port);
    return m_socket.waitForConnected(timeoutMs);
}

bool HttpClient::send(const QByteArray& bytes)
{
    if (m_socket.write(bytes) != bytes.size())
        return false;
    while (m_socket.bytesToWrite() > 0) {
        if (!m_socket.waitForBytesWritten(5000))
            return false;
    }
    return true;
}

bool HttpClient::fill(int timeoutMs)
{
    if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
        return false;
    m_buffer += m_socket.readAll();
    return true;
}

bool HttpClient::readLine(QByteArray& line, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_buffer.contains("\r\n")) {
        if (deadline.hasExpired() || !fill(int(deadline.remainingTime())))
            return false;
    }
    const auto end = m_buffer.indexOf("\r\n");
    line = m_buffer.left(end);
    m_buffer.remove(0, end + 2);
    return true;
}

bool HttpClient::readBytes(QByteArray& out, qsizetype count, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_buffer.size() < count) {
        if (deadline.hasExpired() || !fill(int(deadline.remainingTime())))
            return false;
    }
    out += m_buffer.left(count);
    m_buffer.remove(0, count);
    return true;
}

HttpResponse HttpClient::read(int timeoutMs, bool headRequest)
{
    HttpResponse response;
    QByteArray line;
    if (!readLine(line, timeoutMs) || !line.startsWith("HTTP/1."))
        return {};
    const int status = line.mid(9, 3).toInt();
    while (readLine(line, timeoutMs) && !line.isEmpty()) {
        const auto colon = line.indexOf(':');
        response.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    if (!line.isEmpty())
        return {};
    response.chunked = response.header("Transfer-Encoding").toLower() == "chunked";
    if (headRequest) {
        response.status = status;
        return response;
    }
    if (response.chunked) {
        for (;;) {
            if (!readLine(line, timeoutMs))
                return {};
            bool ok = false;
            const qsizetype size = line.toLongLong(&ok, 16);
            if (!ok)
                return {};
            if (size == 0) {
                readLine(line, timeoutMs);
                break;
            }
            if (!readBytes(response.body, size, timeoutMs) || !readLine(line, timeoutMs) || !line.isEmpty())
                return {};
        }
    } else if (response.hasHeader("Content-Length")) {
        if (!readBytes(response.body, response.header("Content-Length").toLongLong(), timeoutMs))
            return {};
    } else {
        // No length and no chunks: the body ends when the server closes.
        while (fill(timeoutMs))
            ;
        response.body = m_buffer;
        m_buffer.clear();
    }
    response.status = status;
    return response;
}

HttpResponse HttpClient::request(const QByteArray& method, const QByteArray& target, const QByteArray& extraHeaders)
{
    if (m_socket.state() != QAbstractSocket::ConnectedState && !connectToServer())
        return {};
    const QByteArray head = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
        + "\r\n" + extraHeaders + "\r\n";
    if (!send(head))
        return {};
    return read(15000, method == "HEAD");
}

HttpResponse HttpClient::get(const QByteArray& target, const QByteArray& extraHeaders)
{
    return request("GET", target, extraHeaders);
}

bool HttpClient::waitForClose(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        if (m_socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            m_buffer += m_socket.readAll();
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

QByteArray encodeQueryValue(const QString& value)
{
    return value.toUtf8().toPercentEncoding();
}

QList<QStringList> parseCsv(const QByteArray& csv)
{
    QList<QStringList> rows;
    QStringList row;
    QByteArray field;
    bool quoted = false;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < csv.size() && csv.at(i + 1) == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.append(QString::fromUtf8(field));
            field.clear();
        } else if (c == '\r' && i + 1 < csv.size() && csv.at(i + 1) == '\n') {
            row.append(QString::fromUtf8(field));
            rows.append(row);
            row.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row.append(QString::fromUtf8(field));
        rows.append(row);
    }
    return rows;
}

} // namespace Kodemon::Test
