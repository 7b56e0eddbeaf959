// SPDX-License-Identifier: MIT
#include "remote/remoteapi.h"

#include "base/logging.h"
#include "base/workerthread.h"
#include "remote/remotefetcher.h"

#include <optional>
#include <QCoreApplication>
#include <QMutex>
#include <QNetworkRequest>
#include <QPointer>
#include <QThread>
#include <QWaitCondition>

namespace Kodemon {

namespace {

// How often a blocked caller looks whether its thread is being stopped.
constexpr unsigned long InterruptCheckMs = 100;

struct Waiter
{
    QMutex mutex;
    QWaitCondition condition;
    std::optional<HttpOutcome> outcome;
};

// The base URL without a trailing slash, so that "http://h:4000/" and "http://h:4000" name the same server.
QByteArray baseOf(const QUrl& url, QUrl::FormattingOptions options)
{
    QByteArray base = url.toEncoded(options | QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (base.endsWith('/'))
        base.chop(1);
    return base;
}

HttpOutcome cancelled()
{
    HttpOutcome outcome;
    outcome.failure = HttpOutcome::Failure::Cancelled;
    outcome.detail = QStringLiteral("cancelled");
    return outcome;
}

} // namespace

QString RemoteEndpoint::server() const
{
    return QString::fromUtf8(baseOf(baseUrl, QUrl::RemoveUserInfo));
}

RemoteApi::RemoteApi(RemoteEndpoint endpoint, int timeoutMs)
    : m_endpoint(std::move(endpoint))
    , m_timeoutMs(timeoutMs)
    , m_thread(std::make_unique<WorkerThread>(QStringLiteral("kodemon-remote")))
    , m_fetcher(m_thread->adopt(new RemoteFetcher))
{ }

RemoteApi::~RemoteApi() = default;

QByteArray RemoteApi::encodeQuery(const QueryParameters& parameters)
{
    QByteArray query;
    for (const auto& [name, value] : parameters) {
        if (!query.isEmpty())
            query += '&';
        query += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return query;
}

QUrl RemoteApi::url(const QString& path, const QueryParameters& parameters) const
{
    QByteArray encoded = baseOf(m_endpoint.baseUrl, QUrl::None) + QUrl::toPercentEncoding(path, "/");
    if (!parameters.isEmpty())
        encoded += '?' + encodeQuery(parameters);
    // Strict: QUrl keeps every escape as it is, so '+' stays %2B on the wire.
    return QUrl::fromEncoded(encoded, QUrl::StrictMode);
}

quint64 RemoteApi::start(const QUrl& url, int timeoutMs, std::function<void(const HttpOutcome&)> done)
{
    const quint64 id = ++m_nextId;
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    if (!m_endpoint.apiToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_endpoint.apiToken.toUtf8());
    const int timeout = timeoutMs > 0 ? timeoutMs : m_timeoutMs;
    QMetaObject::invokeMethod(
        m_fetcher,
        [fetcher = m_fetcher, id, request, timeout, done = std::move(done)] {
            fetcher->start(id, request, timeout, done);
        },
        Qt::QueuedConnection);
    return id;
}

void RemoteApi::abort(quint64 id)
{
    QMetaObject::invokeMethod(
        m_fetcher, [fetcher = m_fetcher, id] { fetcher->abort(id); }, Qt::QueuedConnection);
}

HttpOutcome RemoteApi::get(const QString& path, const QueryParameters& parameters, int timeoutMs)
{
    Q_ASSERT(QThread::currentThread() != m_thread->thread());
    if (QThread::currentThread()->isInterruptionRequested())
        return cancelled();
    auto waiter = std::make_shared<Waiter>();
    const quint64 id = start(url(path, parameters), timeoutMs, [waiter](const HttpOutcome& outcome) {
        const QMutexLocker lock(&waiter->mutex);
        waiter->outcome = outcome;
        waiter->condition.wakeAll();
    });
    QMutexLocker lock(&waiter->mutex);
    while (!waiter->outcome) {
        waiter->condition.wait(&waiter->mutex, InterruptCheckMs);
        if (!waiter->outcome && QThread::currentThread()->isInterruptionRequested()) {
            lock.unlock();
            abort(id);
            return cancelled();
        }
    }
    return *waiter->outcome;
}

void RemoteApi::getAsync(const QString& path, const QueryParameters& parameters, QObject* context,
    std::function<void(const HttpOutcome&)> done, int timeoutMs)
{
    // Delivered through the application object (the main thread), where `context` lives and may be deleted:
    // the QPointer is only read there.
    Q_ASSERT(context->thread() == QCoreApplication::instance()->thread());
    QPointer<QObject> target(context);
    start(url(path, parameters), timeoutMs, [target, done = std::move(done)](const HttpOutcome& outcome) {
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [target, done, outcome] {
                if (target)
                    done(outcome);
            },
            Qt::QueuedConnection);
    });
}

} // namespace Kodemon
