// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QTcpSocket>

namespace Kodemon::Test {

// One HTTP response as it came off the wire, chunked bodies already joined.
struct HttpResponse
{
    int status = 0; // 0 when no complete response arrived
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool chunked = false;

    bool isValid() const { return status != 0; }
    QByteArray header(const QByteArray& name) const; // first value, null when absent
    bool hasHeader(const QByteArray& name) const;
    QJsonDocument json() const;
};

// A blocking HTTP/1.1 client over a raw QTcpSocket, so tests see exactly what the server sends
// (status line, headers, chunking, when it closes). Keeps the connection open between requests.
class HttpClient final
{
public:
    explicit HttpClient(quint16 port, QHostAddress address = QHostAddress(QHostAddress::LocalHost));
    Q_DISABLE_COPY_MOVE(HttpClient)

    bool connectToServer(int timeoutMs = 5000);
    // Sends raw bytes (a whole or a partial request).
    bool send(const QByteArray& bytes);
    // Reads one response; `headRequest` says the response has no body whatever its headers say.
    HttpResponse read(int timeoutMs = 15000, bool headRequest = false);
    // GET (or another method) of `target` ("/api/keys?token=a"), connecting first when needed.
    HttpResponse request(const QByteArray& method, const QByteArray& target, const QByteArray& extraHeaders = {});
    HttpResponse get(const QByteArray& target, const QByteArray& extraHeaders = {});
    // True when the server closes the connection within the time.
    bool waitForClose(int timeoutMs);
    QTcpSocket& socket() { return m_socket; }

private:
    bool fill(int timeoutMs); // reads more into m_buffer
    bool readLine(QByteArray& line, int timeoutMs);
    bool readBytes(QByteArray& out, qsizetype count, int timeoutMs);

    quint16 m_port;
    QHostAddress m_address;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters.
QByteArray encodeQueryValue(const QString& value);

// Parses RFC 4180 CSV (CRLF rows, quoted fields with doubled quotes) into rows of fields.
QList<QStringList> parseCsv(const QByteArray& csv);

} // namespace Kodemon::Test
