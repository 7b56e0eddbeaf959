// SPDX-License-Identifier: MIT
#include "http/httpreply.h"

#include "http/connectionguard.h"
#include "http/httpjson.h"

#include <QHttpServerRequest>
#include <QTcpSocket>

namespace Kodemon {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 507:
        return QByteArrayLiteral("Insufficient Storage");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

QByteArray errorJson(const QString& error, const QString& detail, const QString& parameter)
{
    QByteArray json = "{\"error\":" + Json::string(error) + ",\"detail\":" + Json::string(detail);
    if (!parameter.isEmpty())
        json += ",\"parameter\":" + Json::string(parameter);
    return json + '}';
}

Reply jsonReply(const QByteArray& json, int status)
{
    return Reply { status, QByteArrayLiteral("application/json"), json, {} };
}

Reply errorReply(int status, const QString& detail, const QString& parameter)
{
    const QString error = QString::fromLatin1(reasonPhrase(status)).toLower();
    return jsonReply(errorJson(error, detail, parameter), status);
}

QByteArray responseHead(int status, const HeaderList& headers)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    return head + "\r\n";
}

QByteArray rawResponse(int status, const QByteArray& json)
{
    return responseHead(status,
               { { "Content-Type", "application/json" }, { "Content-Length", QByteArray::number(json.size()) },
                   { "Connection", "close" } })
        + json;
}

bool isHttp10(const QTcpSocket* socket)
{
    const auto* guard = ConnectionGuard::of(socket);
    return guard && guard->lastHead().http10;
}

bool closeRequested(const QTcpSocket* socket, const QHttpServerRequest& request)
{
    if (const auto* guard = ConnectionGuard::of(socket))
        return guard->lastHead().closeRequested;
    return request.value(QByteArrayLiteral("Connection")).toLower().contains("close");
}

void sendReply(QTcpSocket* socket, const QHttpServerRequest& request, const Reply& reply)
{
    sendReply(socket, reply, request.method() == QHttpServerRequest::Method::Head, closeRequested(socket, request));
}

void sendReply(QTcpSocket* socket, const Reply& reply, bool headOnly, bool close)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    HeaderList headers { { "Content-Type", reply.contentType },
        { "Content-Length", QByteArray::number(reply.body.size()) } };
    headers += reply.headers;
    if (close)
        headers.emplaceBack("Connection", "close");
    // One write: the head and the body leave in one segment when they fit.
    QByteArray message = responseHead(reply.status, headers);
    if (!headOnly)
        message += reply.body;
    socket->write(message);
    if (close)
        socket->disconnectFromHost();
}

int statusFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Invalid:
        return 400;
    case ErrorKind::NotFound:
        return 404;
    case ErrorKind::StorageFull:
        // RFC 4918's 507: the request was fine, the server has no room to keep its answer or its writes.
        return 507;
    case ErrorKind::Failed:
        break;
    }
    return 500;
}

} // namespace Kodemon
