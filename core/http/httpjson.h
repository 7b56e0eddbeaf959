// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "store/comparison.h"
#include "store/store.h"
#include "http/serverstatus.h"

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>

namespace Kodemon {

// The functions table as /api/functions answers it: each row, and the same row over the baseline range when one
// was asked for (matched by key, token and group).
struct FunctionsTable
{
    struct Row
    {
        SeriesSummary current;
        std::optional<SeriesSummary> baseline;
    };
    SummaryRequest request;
    std::optional<TimeRange> baseline;
    QList<Row> rows;
};

// The JSON documents of the HTTP API, written directly as UTF-8 text: pages of executions are streamed
// row by row, and numbers keep their shortest exact form (as in CSV).
namespace Json {

QByteArray string(const QString& text);
QByteArray optionalString(const std::optional<QString>& text); // null when absent
QByteArray number(double value); // null when not finite
QByteArray optionalNumber(const std::optional<double>& value);
// A stored extra object as it was received, {} when there is none or it is not a JSON object.
QByteArray extraObject(const QByteArray& extra);

QByteArray keys(const QList<SeriesInfo>& series);
QByteArray execution(const StoredSample& sample);
// {"key":..,"token":..,"from":..,"to":..,"executions":[  ...  ],"next":..}: the parts around the rows.
QByteArray executionsOpening(const SeriesSelector& selector);
QByteArray executionsClosing(const std::optional<QString>& next);
QByteArray stats(const SeriesSelector& selector, const KeyStats& stats);
QByteArray series(const SeriesSelector& selector, const BucketedSeries& series);
// {..selector, "group_by", "step", "groups":[{"group":{"kind","value"},"count","buckets":[..]}]}
QByteArray groupedSeries(const SeriesSelector& selector, const QString& groupBy, const QList<GroupedSeries>& lines);
// {..selector, "tags":[{"name","calls","values":[{"value","calls"}],"other_values","overflowed"}]}
QByteArray tags(const SeriesSelector& selector, const QList<TagSummary>& tags);
// {"token","from","to","tags","outcome","group_by","baseline","functions":[{"key","token","group"?,"count","mean",
//  "p95","errors","error_rate","first","last","total_count","baseline"?,"change"?}]}
QByteArray functions(const FunctionsTable& table);
// {"key","token","from","to","baseline":{"from","to"},"current":{stats},"previous":{stats},"change":{..%},
//  "median_shift_pct","test":{..},"min_effect_pct","significance","verdict"}
QByteArray comparison(const SeriesSelector& selector, const Comparison& comparison, const ComparisonOptions& options);
QByteArray status(const ServerStatus& status);
// {"deleted": calls, "key", "token", "from", "to"}
QByteArray deleted(const DeleteRequest& request, qint64 calls);
// What an API token limited to `tokens` sees of the status: no counters, addresses or paths, which are
// about every token. {"version","started","uptime_seconds","scope":{"tokens":[..]}}
QByteArray scopedStatus(const ServerStatus& status, const QStringList& tokens);

} // namespace Json

} // namespace Kodemon
