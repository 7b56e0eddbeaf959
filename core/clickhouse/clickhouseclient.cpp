// SPDX-License-Identifier: MIT
#include "clickhouse/clickhouseclient.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QUrl>

namespace Kodemon {

namespace {

// ClickHouse's error bodies read "Code: 60, e.displayText() = DB::Exception: <message>, e.what() = ...";
// the message is what a user can act on.
QString serverMessage(const QByteArray& body)
{
    QString text = QString::fromUtf8(body).trimmed();
    const QString marker = QStringLiteral("DB::Exception: ");
    if (const auto start = text.indexOf(marker); start >= 0) {
        text = text.mid(start + marker.size());
        if (const auto end = text.lastIndexOf(QLatin1String(", e.what() =")); end >= 0)
            text.truncate(end);
    }
    return text.left(2000);
}

QByteArray percentEncoded(const QByteArray& value)
{
    return value.toPercentEncoding();
}

} // namespace

QString ClickHouseConfig::url() const
{
    return QStringLiteral("clickhouse://%1:%2/%3").arg(host).arg(port).arg(database)
        + (cluster.isEmpty() ? QString() : QStringLiteral(" (cluster %1)").arg(cluster));
}

Result<ClickHouseConfig> parseClickHouseUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    const Error invalid {
        QStringLiteral("\"%1\" is not a ClickHouse address; use clickhouse://host:8123/database").arg(text),
        ErrorKind::Invalid
    };
    if (!url.isValid() || url.scheme() != QLatin1String("clickhouse") || url.host().isEmpty())
        return invalid;
    ClickHouseConfig config;
    config.host = url.host();
    const int port = url.port(8123);
    if (port <= 0)
        return invalid;
    config.port = quint16(port);
    config.database = url.path().mid(1);
    if (config.database.isEmpty())
        config.database = QStringLiteral("kodemon");
    // Database names go into SQL unquoted (as identifiers in backquotes): keep them plain.
    for (const QChar c : config.database) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('_'))
            return Error { QStringLiteral("the ClickHouse database name \"%1\" may hold only letters, digits and _")
                               .arg(config.database),
                ErrorKind::Invalid };
    }
    config.user = url.userName();
    config.password = url.password();
    return config;
}

ClickHouseClient::ClickHouseClient(ClickHouseConfig config)
    : m_config(std::move(config))
{ }

ClickHouseClient::~ClickHouseClient() = default;

QString ClickHouseClient::where() const
{
    return QStringLiteral("ClickHouse at %1:%2").arg(m_config.host).arg(m_config.port);
}

Result<QByteArray> ClickHouseClient::query(const QByteArray& sql, const Parameters& parameters)
{
    return post(parameters, sql);
}

Result<QByteArray> ClickHouseClient::insert(const QByteArray& sql, const QByteArray& data, const Parameters& parameters)
{
    Parameters all = parameters;
    all.append({ QByteArrayLiteral("query"), sql });
    return post(all, data);
}

Result<QByteArray> ClickHouseClient::post(const Parameters& parameters, const QByteArray& body)
{
    const QByteArray request = requestBytes(parameters, body);
    bool fresh = false;
    auto response = exchange(request, fresh);
    // The server closes idle keep-alive connections (after 3 s by default): a reused connection that fails
    // before any answer never reached a query, so sending again on a new one is safe.
    if (!response && !fresh && m_stale) {
        m_socket.reset();
        response = exchange(request, fresh);
    }
    if (!response)
        return response.failure();
    if (response->status != 200)
        return Error { QStringLiteral("%1 refused the request (HTTP %2): %3")
                           .arg(where())
                           .arg(response->status)
                           .arg(serverMessage(response->body)) };
    return std::move(response->body);
}

QByteArray ClickHouseClient::requestBytes(const Parameters& parameters, const QByteArray& body) const
{
    // No database= parameter: the server refuses it while the database does not exist yet, and every
    // statement names its tables in full.
    QByteArray target = "/?";
    for (const auto& [name, value] : parameters)
        target += name + '=' + percentEncoded(value) + '&';
    target.chop(1);
    QByteArray head = "POST " + target + " HTTP/1.1\r\nHost: " + m_config.host.toUtf8() + ':'
        + QByteArray::number(m_config.port) + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: keep-alive\r\n";
    if (!m_config.user.isEmpty() || !m_config.password.isEmpty()) {
        const QString user = m_config.user.isEmpty() ? QStringLiteral("default") : m_config.user;
        head += "Authorization: Basic " + (user + QLatin1Char(':') + m_config.password).toUtf8().toBase64() + "\r\n";
    }
    return head + "\r\n" + body;
}

Status ClickHouseClient::connectIfNeeded(bool& fresh)
{
    fresh = false;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        return Ok {};
    m_socket = std::make_unique<QTcpSocket>();
    m_buffer.clear();
    fresh = true;
    m_socket->connectToHost(m_config.host, m_config.port);
    if (!m_socket->waitForConnected(m_config.timeoutMs)) {
        const QString reason = m_socket->errorString();
        m_socket.reset();
        return Error { QStringLiteral("cannot connect to %1: %2").arg(where(), reason) };
    }
    return Ok {};
}

Result<ClickHouseClient::Response> ClickHouseClient::exchange(const QByteArray& request, bool& fresh)
{
    m_stale = false;
    if (auto status = connectIfNeeded(fresh); !status)
        return status.failure();
    m_buffer.clear();
    qint64 written = 0;
    const QDeadlineTimer deadline(m_config.timeoutMs);
    while (written < request.size()) {
        const qint64 n = m_socket->write(request.constData() + written, request.size() - written);
        if (n < 0 || !m_socket->waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime())))) {
            m_stale = m_socket->error() == QAbstractSocket::RemoteHostClosedError;
            const QString reason = m_socket->errorString();
            m_socket.reset();
            return Error { QStringLiteral("cannot send to %1: %2").arg(where(), reason) };
        }
        written += n;
    }
    auto response = readResponse();
    if (!response) {
        // Closed before a single byte of answer: the server had dropped the idle connection.
        m_stale = m_socket && m_socket->error() == QAbstractSocket::RemoteHostClosedError && !m_answered;
        m_socket.reset();
    }
    return response;
}

bool ClickHouseClient::readLine(QByteArray& line)
{
    const QDeadlineTimer deadline(m_config.timeoutMs);
    for (;;) {
        if (const auto end = m_buffer.indexOf('\n'); end >= 0) {
            line = m_buffer.left(end).trimmed();
            m_buffer.remove(0, end + 1);
            return true;
        }
        if (deadline.hasExpired() || !m_socket->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            return false;
        m_buffer += m_socket->readAll();
    }
}

bool ClickHouseClient::readExactly(qsizetype count, QByteArray& out)
{
    const QDeadlineTimer deadline(m_config.timeoutMs);
    while (m_buffer.size() < count) {
        if (deadline.hasExpired() || !m_socket->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            return false;
        m_buffer += m_socket->readAll();
    }
    out += m_buffer.left(count);
    m_buffer.remove(0, count);
    return true;
}

Result<QByteArray> ClickHouseClient::readChunkedBody()
{
    QByteArray body;
    const Error broken { QStringLiteral("%1 sent a broken chunked answer").arg(where()) };
    for (;;) {
        QByteArray sizeLine;
        if (!readLine(sizeLine))
            return broken;
        bool ok = false;
        const qsizetype size = sizeLine.split(';').constFirst().toLongLong(&ok, 16);
        if (!ok || size < 0)
            return broken;
        if (size == 0) {
            QByteArray trailer;
            do {
                if (!readLine(trailer))
                    return broken;
            } while (!trailer.isEmpty());
            return body;
        }
        QByteArray crlf;
        if (!readExactly(size, body) || !readExactly(2, crlf))
            return broken;
    }
}

Result<ClickHouseClient::Response> ClickHouseClient::readResponse()
{
    const auto noAnswer = [this] {
        return Error { QStringLiteral("%1 did not answer within %2 s (%3)")
                           .arg(where())
                           .arg(m_config.timeoutMs / 1000.0)
                           .arg(m_socket->errorString()) };
    };
    QByteArray line;
    m_answered = false;
    if (!readLine(line) || !line.startsWith("HTTP/1."))
        return noAnswer();
    m_answered = true;
    Response response;
    response.status = line.mid(9, 3).toInt();
    bool chunked = false;
    bool closes = false;
    qsizetype length = -1;
    while (readLine(line) && !line.isEmpty()) {
        const auto colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding")
            chunked = value.toLower().contains("chunked");
        else if (name == "content-length")
            length = value.toLongLong();
        else if (name == "connection")
            closes = value.toLower() == "close";
    }
    if (chunked) {
        auto body = readChunkedBody();
        if (!body)
            return body.failure();
        response.body = std::move(body).value();
    } else if (length >= 0) {
        if (!readExactly(length, response.body))
            return noAnswer();
    } else {
        // Neither length nor chunks: the body ends when the server closes the connection.
        while (m_socket->waitForReadyRead(m_config.timeoutMs))
            m_buffer += m_socket->readAll();
        response.body = std::exchange(m_buffer, {});
        closes = true;
    }
    if (closes)
        m_socket.reset();
    return response;
}

} // namespace Kodemon
