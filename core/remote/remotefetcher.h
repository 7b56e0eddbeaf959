// SPDX-License-Identifier: MIT
#pragma once

#include "remote/remoteapi.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace Kodemon {

// Lives on RemoteApi's network thread and owns its QNetworkAccessManager: starts requests, aborts those that
// stay silent too long, and hands every outcome to the callback it came with (on the network thread).
class RemoteFetcher final : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const HttpOutcome&)>;

    RemoteFetcher();
    ~RemoteFetcher() override;
    Q_DISABLE_COPY_MOVE(RemoteFetcher)

    void start(quint64 id, const QNetworkRequest& request, int timeoutMs, Done done);
    void abort(quint64 id);

private:
    void finish(quint64 id, QNetworkReply* reply, Done done, bool timedOut);

    QNetworkAccessManager* m_network = nullptr; // made on the network thread, on first use
    QHash<quint64, QPointer<QNetworkReply>> m_replies;
};

// The outcome of a finished reply; `timedOut` when it was aborted for staying silent. Pure.
HttpOutcome outcomeOf(QNetworkReply& reply, bool timedOut);

} // namespace Kodemon
