// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousestore.h"

#include "base/logging.h"
#include "clickhouse/clickhousereader.h"
#include "clickhouse/clickhouseschema.h"
#include "clickhouse/clickhousewriter.h"
#include "clickhouse/rowbinary.h"

namespace Kodemon {

ClickHouseStore::ClickHouseStore(ClickHouseConfig config)
    : m_config(std::move(config))
{ }

ClickHouseStore::~ClickHouseStore() = default;

Status ClickHouseStore::open()
{
    ClickHouseClient client(m_config);
    auto version = client.query("SELECT version() FORMAT RowBinary");
    if (!version)
        return Error { QStringLiteral("%1 (is clickhouse-server running there? check --store, --clickhouse-user "
                                      "and the password)")
                           .arg(version.error()) };
    RowBinaryReader reader(*version);
    qCInfo(lcStorage).noquote() << "ClickHouse" << reader.readString() << "at" << m_config.url();
    return ClickHouseSchema::ensure(client);
}

std::unique_ptr<StoreWriter> ClickHouseStore::createWriter()
{
    return std::make_unique<ClickHouseWriter>(m_config);
}

std::unique_ptr<StoreReader> ClickHouseStore::createReader()
{
    return std::make_unique<ClickHouseReader>(m_config);
}

} // namespace Kodemon
