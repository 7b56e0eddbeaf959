// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QHttpServerRequest;
class QTcpSocket;

namespace Kodemon {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One complete HTTP answer. Every answer goes out through sendReply(), so Content-Type, Content-Length,
// HEAD and "Connection: close" are handled in one place.
struct Reply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderList headers; // beyond Content-Type and Content-Length
};

QByteArray reasonPhrase(int status);

// {"error": error, "detail": detail[, "parameter": parameter]}
QByteArray errorJson(const QString& error, const QString& detail, const QString& parameter = {});
Reply jsonReply(const QByteArray& json, int status = 200);
Reply errorReply(int status, const QString& detail, const QString& parameter = {});

// The status line and headers, up to and including the empty line.
QByteArray responseHead(int status, const HeaderList& headers);
// A complete response that closes the connection, for answers given outside QHttpServer (refusals).
QByteArray rawResponse(int status, const QByteArray& json);

// Whether the client asked to close the connection after this request (or speaks HTTP/1.0).
bool closeRequested(const QTcpSocket* socket, const QHttpServerRequest& request);
bool isHttp10(const QTcpSocket* socket);

// Writes `reply` to the request's connection; only the head for HEAD requests; closes when asked to.
void sendReply(QTcpSocket* socket, const QHttpServerRequest& request, const Reply& reply);
void sendReply(QTcpSocket* socket, const Reply& reply, bool headOnly, bool close);

// The status for a failed query: Invalid 400, NotFound 404, StorageFull 507, Failed 500.
int statusFor(ErrorKind kind);

} // namespace Kodemon
