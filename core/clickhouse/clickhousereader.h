// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousewindows.h"
#include "store/store.h"

#include <functional>
#include <optional>
#include <QDeadlineTimer>
#include <QHash>

namespace Kodemon {

class RowBinaryReader;

// Answers the query layer from ClickHouse with the same results as the SQLite store. The key list reads the
// series ledger (one row per series and writer); every other query reads the samples directly and sees each
// sample once: pages and value lists drop the copies a resend left (they come side by side in id order),
// aggregates merge copies (FINAL) only in the resent windows, which they read after their answer. In a cluster
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
    Result<QList<SeriesSummary>> summaries(const SummaryRequest& request) override;
    // Pages of the calls that may pass the selector's tag filters and outcome (ClickHouseSql::callsThatMayPass).
    Status scanCalls(const SeriesSelector& selector, const std::function<void(const StoredSample&)>& visit) override;

private:
    using Windows = ClickHouseWindows::Windows;
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
    // The resent windows of the series `series` (SQL on the resent table's token and key) that overlap `range`.
    Result<Windows> windowsOf(const QByteArray& series, const TimeRange& range);
    // Asks `ask` with the windows known so far until the windows read after its answer are no others.
    template<typename T>
    Result<T> settled(Windows known, const std::function<Result<T>(const Windows&)>& ask,
        const std::function<Result<Windows>()>& check);

    // samples() of the rows that also match `only` (" AND ...", or empty).
    Result<SamplePage> samplesWhere(
        const SeriesSelector& selector, const QString& cursor, int limit, const QByteArray& only);
    Result<SamplePage> readPage(const QByteArray& table, const QByteArray& condition, int limit, bool merged);
    Result<KeyStats> statsWith(const SeriesSelector& selector, const Windows& windows);
    Result<KeyStats> statsOfHugeRange(const SeriesSelector& selector, const Windows& windows);
    Result<std::optional<KeyStats>> statsFor(
        const QByteArray& from, const QByteArray& levels, qint64 expectedCount, bool onShards = false);
    // Empty when the answer had groups from more than one shard (then the caller asks again, merged).
    Result<std::optional<BucketedSeries>> readBuckets(const QByteArray& sql, double first, double step, bool onShards);
    Result<std::optional<QHash<KeyId, SeriesSummary>>> readSummaries(const QByteArray& sql, bool onShards);
    Result<QHash<KeyId, SeriesSummary>> summariesWith(
        const TimeRange& range, const std::optional<QString>& token, const Windows& windows);
    // `onShards`: an aggregate over one key or grouped by series, which each shard may finish by itself when every
    // sample of a key lives on one shard (see seriesOnOneShard()).
    Result<QByteArray> select(const QByteArray& sql, bool onShards = false, bool oneThread = false);
    bool seriesOnOneShard();
    QByteArray from(
        const QByteArray& columns, const QByteArray& condition, const Windows& windows, const QByteArray& table) const;
    // Failed calls in an aggregate (clickhousereader.cpp, failureColumns()): reads them from an answer's row.
    qint64 readFailed(RowBinaryReader& reader);
    // Asks again, collecting the extra fields of the rows of an older Kodemon, when the answer had such rows.
    template<typename T> Result<T> judging(const std::function<Result<T>()>& ask);
    // The columns an aggregate over samples needs to count failed calls.
    QByteArray failureInputs() const;
    // The table expression that holds every sample of `key`: in a cluster sharded by sipHash64(key), the key's
    // shard (its table on this server, or remote() to its replicas), else the samples table (Distributed or not).
    QByteArray samplesOf(const QString& key);
    // Reads the cluster's layout into m_shards (empty: keys are read through the Distributed table); false when
    // a server of the cluster did not answer (asked again 30 s later).
    bool loadShards();
    void remember(const QString& key, const std::optional<QString>& token, const Context& context);

    ClickHouseClient m_client;
    std::optional<bool> m_seriesOnOneShard;
    // Whether rows of an older Kodemon (`failed` = 2) were met: then aggregates collect their extra fields.
    bool m_judgeHere = false;
    bool m_unjudgedSeen = false;
    // The cluster's shards in sharding order (ClickHouse's slots: each shard `weight` times), as table expressions;
    // empty when the keys' shards are not known (then the Distributed table is asked).
    struct Shard
    {
        quint64 weight = 1;
        QByteArray table; // this server's local table, or remote() to the shard's replicas
    };
    std::optional<QList<Shard>> m_shards;
    std::optional<QDeadlineTimer> m_shardsRetry; // when the layout may be read again after a server did not answer
    QHash<QString, quint64> m_keyHashes;
    // The ledger's totals last seen per (key, token or all tokens): only to size a page's read (a stale rate
    // costs time, never an answer).
    QHash<QString, Context> m_rates;
};

// " FROM ... " reading the samples that match `condition` with the windows merged (ClickHouseWindows::samplesFrom).
// Exposed for tests.
QByteArray clickHouseSamplesFrom(const QByteArray& table, const QByteArray& columns, const QByteArray& condition,
    ClickHouseWindows::Windows windows);

} // namespace Kodemon
