// SPDX-License-Identifier: MIT
#include "http/changesworker.h"

#include "store/query.h"
#include "store/store.h"

namespace Kodemon {

ChangesWorker::ChangesWorker(std::shared_ptr<Store> store, int maxWaiting)
    : m_store(std::move(store))
    , m_maxWaiting(std::max(maxWaiting, 1))
{
    m_thread.setObjectName(QStringLiteral("kodemon-http-changes"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

ChangesWorker::~ChangesWorker()
{
    // The readers hold database connections of the worker's thread: they are closed there.
    QMetaObject::invokeMethod(m_context, [this] { m_queries.clear(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_context; // the requests still queued go with it
}

bool ChangesWorker::submit(const ReadScope& scope, ChangeRequest request, Done done)
{
    if (++m_waiting > m_maxWaiting) {
        --m_waiting;
        return false;
    }
    QMetaObject::invokeMethod(m_context, [this, scope, request = std::move(request), done = std::move(done)] {
        Query* query = queryFor(scope);
        Result<ChangeReport> report = query ? findChanges(*query, request)
                                            : Result<ChangeReport>(Error { QStringLiteral("no reader for this API token") });
        --m_waiting;
        done(std::move(report));
    }, Qt::QueuedConnection);
    return true;
}

Query* ChangesWorker::queryFor(const ReadScope& scope)
{
    for (const auto& [known, query] : m_queries) {
        if (known == scope)
            return query.get();
    }
    auto reader = scope.isRestricted() ? m_store->createScopedReader(scope) : m_store->createReader();
    if (!reader)
        return nullptr;
    m_queries.emplace_back(scope, std::make_unique<Query>(std::move(reader)));
    return m_queries.back().second.get();
}

} // namespace Kodemon
