// SPDX-License-Identifier: MIT
#include "remote/remotefetcher.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace Kodemon {

namespace {

const char TimedOutProperty[] = "kodemonTimedOut";

HttpOutcome::Failure failureOf(QNetworkReply::NetworkError error, bool timedOut)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return HttpOutcome::Failure::Refused;
    case QNetworkReply::HostNotFoundError:
        return HttpOutcome::Failure::HostNotFound;
    case QNetworkReply::TimeoutError:
        return HttpOutcome::Failure::Timeout;
    case QNetworkReply::SslHandshakeFailedError:
        return HttpOutcome::Failure::Tls;
    case QNetworkReply::OperationCanceledError:
        return timedOut ? HttpOutcome::Failure::Timeout : HttpOutcome::Failure::Cancelled;
    default:
        return HttpOutcome::Failure::Other;
    }
}

} // namespace

HttpOutcome outcomeOf(QNetworkReply& reply, bool timedOut)
{
    HttpOutcome outcome;
    const QVariant status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid() && !timedOut) {
        // An HTTP error status is an answer too: its body says what was wrong.
        outcome.status = status.toInt();
        outcome.body = reply.readAll();
        return outcome;
    }
    outcome.failure = failureOf(reply.error(), timedOut);
    outcome.detail = reply.errorString();
    return outcome;
}

RemoteFetcher::RemoteFetcher() = default;

RemoteFetcher::~RemoteFetcher() = default;

void RemoteFetcher::start(quint64 id, const QNetworkRequest& request, int timeoutMs, Done done)
{
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkReply* reply = m_network->get(request);
    m_replies.insert(id, reply);
    // Silence, not total time, is what times out: a large page that keeps arriving is fine.
    auto* silence = new QTimer(reply);
    silence->setSingleShot(true);
    silence->start(timeoutMs);
    connect(reply, &QNetworkReply::downloadProgress, silence, [silence] { silence->start(); });
    connect(silence, &QTimer::timeout, reply, [reply] {
        reply->setProperty(TimedOutProperty, true);
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, id, reply, done = std::move(done)] {
        finish(id, reply, done, reply->property(TimedOutProperty).toBool());
    });
}

void RemoteFetcher::abort(quint64 id)
{
    if (QNetworkReply* reply = m_replies.value(id))
        reply->abort();
}

void RemoteFetcher::finish(quint64 id, QNetworkReply* reply, Done done, bool timedOut)
{
    m_replies.remove(id);
    reply->deleteLater();
    done(outcomeOf(*reply, timedOut));
}

} // namespace Kodemon
