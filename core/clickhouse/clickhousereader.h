// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "store/store.h"

#include <optional>
#include <QHash>
#include <QPair>

namespace Kodemon {

// Answers the query layer from ClickHouse with the same results as the SQLite store. The key list reads the
// series ledger (one row per series and writer); every other query reads the samples directly, merging copies
// (FINAL) only in the time windows where the `resent` table says a resent batch may have left them. In a cluster
// sharded by key, aggregates of one key are finished on the shard that holds the key.
// Percentiles are nearest-rank, buckets are cut exactly as Bucketizer cuts.
class ClickHouseReader final : public StoreReader
{
public:
    explicit ClickHouseReader(const ClickHouseConfig& config);
    Q_DISABLE_COPY_MOVE(ClickHouseReader)

    Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) override;
    Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) override;
    Result<KeyStats> stats(const SeriesSelector& selector) override;
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) override;
    Result<QList<TimedValue>> values(const SeriesSelector& selector) override;
    Result<QList<SeriesSummary>> summaries(const TimeRange& range, const std::optional<QString>& token) override;

    using Windows = QList<QPair<double, double>>;

private:
    // What the ledger knows of a key's series (all of them, or one token's), and where copies may be.
    struct Context
    {
        qint64 calls = 0;
        double first = 0;
        double last = 0;
        Windows windows;
    };
    Result<Context> context(const SeriesSelector& selector);
    Result<Windows> windows(const TimeRange& range, const std::optional<QString>& token);
    Result<SamplePage> readPage(const QByteArray& condition, const Windows& windows, int limit);
    // Empty when the answer had groups from more than one shard (then the caller asks again, merged).
    Result<std::optional<BucketedSeries>> readBuckets(const QByteArray& sql, double first, double step, bool onShards);
    Result<std::optional<QHash<KeyId, SeriesSummary>>> readSummaries(const QByteArray& sql, bool onShards);
    Result<std::optional<KeyStats>> statsFor(
        const QByteArray& from, const QByteArray& levels, qint64 expectedCount, bool onShards = false);
    Result<KeyStats> statsOfHugeRange(const SeriesSelector& selector, const Windows& windows);
    // `onShards`: an aggregate over one key or grouped by series, which each shard may finish by itself when every
    // sample of a key lives on one shard (see seriesOnOneShard()).
    Result<QByteArray> select(const QByteArray& sql, bool onShards = false);
    bool seriesOnOneShard();
    QByteArray from(const QByteArray& columns, const QByteArray& condition, const Windows& windows) const;

    ClickHouseClient m_client;
    std::optional<bool> m_seriesOnOneShard;
};

// " FROM ... " reading the samples that match `condition`, each once: straight from the table outside the
// windows, merged (FINAL) inside them; `columns` are the ones the query needs from a subquery. Too many windows
// make one merged read. Exposed for tests.
QByteArray clickHouseSamplesFrom(
    const QByteArray& table, const QByteArray& columns, const QByteArray& condition, ClickHouseReader::Windows windows);

} // namespace Kodemon
