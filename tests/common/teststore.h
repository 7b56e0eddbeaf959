// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "store/store.h"

#include <memory>
#include <QString>

namespace Kodemon::Test {

class ClickHouseServer;

// The store a parameterized test runs against: an SQLite file by default, or with KODEMON_TEST_STORE=clickhouse
// a fresh database on a clickhouse-server that this object starts on loopback (and stops when destroyed).
// The same test code then checks both stores (CTest registers such tests twice).
class TestStores final
{
public:
    TestStores();
    ~TestStores();
    Q_DISABLE_COPY_MOVE(TestStores)

    // "sqlite" or "clickhouse"
    static QString kind();
    // A new, empty, opened store; `folder` holds the SQLite file.
    Result<std::shared_ptr<Store>> create(const QString& folder, const QString& name);

private:
    std::unique_ptr<ClickHouseServer> m_server;
    int m_databases = 0;
};

} // namespace Kodemon::Test
