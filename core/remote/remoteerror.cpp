// SPDX-License-Identifier: MIT
#include "remote/remoteerror.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Kodemon {

namespace {

// A Kodemon error body: {"error": "bad request", "detail": "...", "parameter": "from"}.
std::optional<QJsonObject> kodemonError(const QByteArray& body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (!object.value(QStringLiteral("error")).isString() || !object.value(QStringLiteral("detail")).isString())
        return std::nullopt;
    return object;
}

QString detailOf(const QJsonObject& error)
{
    const QString detail = error.value(QStringLiteral("detail")).toString();
    const QString parameter = error.value(QStringLiteral("parameter")).toString();
    return parameter.isEmpty() ? detail : QStringLiteral("%1 (parameter \"%2\")").arg(detail, parameter);
}

Error networkError(const HttpOutcome& outcome, const QString& server)
{
    using Failure = HttpOutcome::Failure;
    switch (outcome.failure) {
    case Failure::Refused:
        return { QStringLiteral("cannot reach %1: connection refused (is Kodemon running there?)").arg(server) };
    case Failure::HostNotFound:
        return { QStringLiteral("cannot reach %1: host not found").arg(server) };
    case Failure::Timeout:
        return { QStringLiteral("%1 did not answer in time").arg(server) };
    case Failure::Tls:
        return { QStringLiteral("cannot reach %1: the TLS connection failed: %2").arg(server, outcome.detail) };
    case Failure::Cancelled:
        return { QStringLiteral("the request to %1 was cancelled").arg(server) };
    case Failure::Other:
    case Failure::None:
        break;
    }
    return { QStringLiteral("cannot reach %1: %2").arg(server, outcome.detail) };
}

Error statusError(const HttpOutcome& outcome, const QString& server, bool tokenSent)
{
    const auto error = kodemonError(outcome.body);
    const QString detail = error ? detailOf(*error) : QStringLiteral("HTTP %1").arg(outcome.status);
    switch (outcome.status) {
    case 400:
        return { detail, ErrorKind::Invalid };
    case 401:
        return { tokenSent ? QStringLiteral("%1 refused the API token: check --api-token").arg(server)
                           : QStringLiteral("%1 wants an API token: pass --api-token").arg(server) };
    case 403:
        return { QStringLiteral("%1 does not let this API token read that: %2").arg(server, detail) };
    case 404:
        // A Kodemon says why; anything else at that address is not a Kodemon (or an older one).
        if (error)
            return { detail, ErrorKind::NotFound };
        return { QStringLiteral("%1 answered 404 Not Found: is it a Kodemon?").arg(server) };
    case 503:
        return { QStringLiteral("%1 is busy: %2").arg(server, detail) };
    default:
        break;
    }
    if (outcome.status >= 500)
        return { QStringLiteral("%1 failed: %2").arg(server, detail) };
    return { QStringLiteral("%1 answered %2").arg(server, detail) };
}

} // namespace

std::optional<Error> remoteError(const HttpOutcome& outcome, const QString& server, bool tokenSent)
{
    if (outcome.failure != HttpOutcome::Failure::None)
        return networkError(outcome, server);
    if (outcome.status == 200)
        return std::nullopt;
    return statusError(outcome, server, tokenSent);
}

} // namespace Kodemon
