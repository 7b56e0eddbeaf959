// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

class QObject;

namespace Kodemon {

class RemoteFetcher;
class WorkerThread;

// Another Kodemon's HTTP API, as `--remote URL [--api-token SECRET]` names it.
struct RemoteEndpoint
{
    QUrl baseUrl; // http(s)://host:port, maybe with a path prefix (a reverse proxy)
    QString apiToken; // sent as "Authorization: Bearer ..." when not empty

    // "http://host:4000": how messages name the server.
    QString server() const;
};

// One HTTP exchange as it ended: an answer with a status, or a failure before any answer.
struct HttpOutcome
{
    enum class Failure {
        None, // an answer came: see status
        Refused, // nothing listens there
        HostNotFound,
        Timeout, // no byte for too long
        Tls, // the TLS handshake or certificate failed
        Cancelled, // the calling thread is being stopped
        Other,
    };
    Failure failure = Failure::None;
    QString detail; // the network layer's words for the failure
    int status = 0; // HTTP status; 0 with a failure
    QByteArray body;
};

// Query parameters in order; values are percent-encoded exactly (RFC 3986: a space is %20, '+' is %2B).
using QueryParameters = QList<QPair<QString, QString>>;

// A client of one remote Kodemon, shared by every thread that reads from it. The HTTP work happens on a
// private network thread with one QNetworkAccessManager (keep-alive connections, TLS, redirects, proxies);
// callers block on a wait condition, never on an event loop. Why not a QEventLoop on the calling thread: the
// query threads' loops also deliver the next queued query and WorkerThread's deletion of the worker, which
// a nested loop would run in the middle of the current query.
class RemoteApi final
{
public:
    explicit RemoteApi(RemoteEndpoint endpoint, int timeoutMs = 30000);
    ~RemoteApi();
    Q_DISABLE_COPY_MOVE(RemoteApi)

    const RemoteEndpoint& endpoint() const { return m_endpoint; }
    // The request URL: base URL + `path` + the exactly encoded parameters.
    QUrl url(const QString& path, const QueryParameters& parameters = {}) const;

    // Blocks until the answer, a timeout without data, or an interruption request of the calling thread
    // (QThread::requestInterruption(): the caller is being stopped). Not from the network thread.
    HttpOutcome get(const QString& path, const QueryParameters& parameters = {}, int timeoutMs = 0);
    // Without blocking: `done` runs on `context`'s thread, unless `context` is gone by then.
    void getAsync(const QString& path, const QueryParameters& parameters, QObject* context,
        std::function<void(const HttpOutcome&)> done, int timeoutMs = 0);

    // Percent-encodes a query value exactly: every byte of the UTF-8 form but RFC 3986's unreserved ones.
    static QByteArray encodeQuery(const QueryParameters& parameters);

private:
    quint64 start(const QUrl& url, int timeoutMs, std::function<void(const HttpOutcome&)> done);
    void abort(quint64 id);

    RemoteEndpoint m_endpoint;
    int m_timeoutMs;
    std::unique_ptr<WorkerThread> m_thread;
    RemoteFetcher* m_fetcher;
    std::atomic<quint64> m_nextId { 0 };
};

} // namespace Kodemon
