// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "store/store.h"

namespace Kodemon {

// Samples kept on a ClickHouse server (or a cluster of them) through its HTTP interface, selected with
// `--store clickhouse://host:8123/database`. Every thread's reader and writer has its own connection.
class ClickHouseStore final : public Store
{
public:
    explicit ClickHouseStore(ClickHouseConfig config);
    ~ClickHouseStore() override;
    Q_DISABLE_COPY_MOVE(ClickHouseStore)

    // Reaches the server and creates the database and tables when missing.
    Status open() override;
    std::unique_ptr<StoreWriter> createWriter() override;
    std::unique_ptr<StoreReader> createReader() override;
    QString location() const override { return m_config.url(); }
    // The bytes are on the server, possibly on many: not known here.
    qint64 sizeOnDisk() const override { return -1; }

    const ClickHouseConfig& config() const { return m_config; }

private:
    ClickHouseConfig m_config;
};

} // namespace Kodemon
