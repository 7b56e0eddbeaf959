// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "store/store.h"

namespace Kodemon {

// Answers the query layer from ClickHouse with the same results as the SQLite store: every query reads with
// FINAL (a resent sample counts once), percentiles are nearest-rank, buckets are cut exactly as Bucketizer cuts.
class ClickHouseReader final : public StoreReader
{
public:
    explicit ClickHouseReader(const ClickHouseConfig& config);
    Q_DISABLE_COPY_MOVE(ClickHouseReader)

    Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) override;
    Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) override;
    Result<KeyStats> stats(const SeriesSelector& selector) override;
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) override;

private:
    // The time span of a key's series (all of them, or one token's); NotFound when it has no samples.
    struct Span
    {
        double first = 0;
        double last = 0;
    };
    Result<Span> span(const QString& key, const std::optional<QString>& token);
    Result<qint64> count(const QByteArray& condition);
    Result<std::optional<KeyStats>> statsFor(const QByteArray& condition, qint64 expectedCount);
    Result<QByteArray> select(const QByteArray& sql);
    QByteArray from() const;
    // The failed calls among those `condition` selects (calltags.h), as (token, key, timestamp).
    struct Failure
    {
        QString token;
        QString key;
        double timestamp = 0;
    };
    Result<QList<Failure>> failures(const QByteArray& condition);

    ClickHouseClient m_client;
};

} // namespace Kodemon
