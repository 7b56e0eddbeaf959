// SPDX-License-Identifier: MIT
#include "teststore.h"

#include "clickhouse/clickhousestore.h"
#include "clickhouseserver.h"
#include "sqlite/sqlitestore.h"

#include <QDir>

namespace Kodemon::Test {

TestStores::TestStores() = default;

TestStores::~TestStores() = default;

QString TestStores::kind()
{
    return qEnvironmentVariable("KODEMON_TEST_STORE", QStringLiteral("sqlite"));
}

Result<std::shared_ptr<Store>> TestStores::create(const QString& folder, const QString& name)
{
    std::shared_ptr<Store> store;
    if (kind() == QLatin1String("clickhouse")) {
        if (!m_server) {
            m_server = std::make_unique<ClickHouseServer>();
            if (!m_server->start())
                return Error { m_server->error() };
        }
        store = std::make_shared<ClickHouseStore>(
            m_server->config(QStringLiteral("kodemon_%1_%2").arg(name).arg(++m_databases)));
    } else if (kind() == QLatin1String("sqlite")) {
        store = std::make_shared<SqliteStore>(QDir(folder).filePath(name + QStringLiteral(".sqlite")));
    } else {
        return Error { QStringLiteral("KODEMON_TEST_STORE=%1: expected sqlite or clickhouse").arg(kind()) };
    }
    if (auto status = store->open(); !status)
        return status.failure();
    return store;
}

} // namespace Kodemon::Test
