// SPDX-License-Identifier: MIT
#include "queryworker.h"

#include "store/query.h"

namespace Kodemon {

QueryWorker::QueryWorker(std::shared_ptr<Store> store)
    : m_store(std::move(store))
{ }

QueryWorker::~QueryWorker() = default;

void QueryWorker::run(const std::function<void(Query&)>& work)
{
    if (!m_query)
        m_query = std::make_unique<Query>(m_store->createReader());
    work(*m_query);
}

} // namespace Kodemon
