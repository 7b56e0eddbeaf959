// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <QObject>

namespace Kodemon {

class Query;
class Store;

// Lives on a query thread and owns that thread's Query (and so its own database connection).
class QueryWorker final : public QObject
{
    Q_OBJECT
public:
    explicit QueryWorker(std::shared_ptr<Store> store);
    ~QueryWorker() override;
    Q_DISABLE_COPY_MOVE(QueryWorker)

    // Runs on the worker's thread; the Query is made there on first use.
    void run(const std::function<void(Query&)>& work);

private:
    std::shared_ptr<Store> m_store;
    std::unique_ptr<Query> m_query;
};

} // namespace Kodemon
