// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changefinder.h"
#include "remote/remoteapi.h"
#include "store/store.h"

#include <memory>
#include <QJsonObject>

namespace Kodemon {

// Answers the query layer's questions by asking another Kodemon's HTTP API (docs/API.md): listSeries is
// /api/keys, samples /api/executions (the server's cursors pass through untouched), stats /api/stats, buckets
// /api/series, summaries /api/functions, tags /api/tags, changes /api/changes, annotations /api/annotations; tag
// filters and the outcome go along as parameters.
// Blocks the calling thread for each request; use it from one thread at a time.
class RemoteReader final : public StoreReader
{
public:
    explicit RemoteReader(std::shared_ptr<RemoteApi> api);
    ~RemoteReader() override;
    Q_DISABLE_COPY_MOVE(RemoteReader)

    Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) override;
    Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) override;
    Result<KeyStats> stats(const SeriesSelector& selector) override;
    Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) override;
    Result<QList<SeriesSummary>> summaries(const SummaryRequest& request) override;
    Result<QList<GroupedSeries>> groupedBuckets(
        const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups) override;
    Result<QList<TagSummary>> tags(const SeriesSelector& selector, int valuesPerTag) override;
    // GET /api/annotations: the server's deploy markers, for the chart. A server that keeps none (501) or is older
    // than the route (404) answers with an error, as a store without annotations does.
    Result<QList<Annotation>> annotations(const TimeRange& range, int limit) override;
    // The server's own findChanges: GET /api/changes with the request's range, key, token, tag filters, group_by,
    // groups, min_calls, min_effect and (when not the default) fdr; one request, where findChanges through this reader would read every
    // function's calls over HTTP. The server names the markers itself (`request.annotations` is not sent) and lists
    // at most MaxChanges, most impact first.
    static constexpr int MaxChanges = 1000;
    Result<ChangeReport> changes(const ChangeRequest& request);
    static QueryParameters changesParameters(const ChangeRequest& request);

    // The server filters: tag and outcome travel as parameters.
    bool filtersCalls() const override { return true; }

    // The parameters that select `selector`'s samples: key, token when given (even empty), from and to when set,
    // times as plain decimal epoch seconds that parse back to the same double, a tag parameter per filter and
    // the outcome unless it is all.
    static QueryParameters selectorParameters(const SeriesSelector& selector);

private:
    struct Answer
    {
        QJsonObject json;
        QByteArray body;
    };
    Result<Answer> fetch(const QString& path, const QueryParameters& parameters);
    Error malformed(const QString& path) const;

    std::shared_ptr<RemoteApi> m_api;
};

} // namespace Kodemon
