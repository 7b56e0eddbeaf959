// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changefinder.h"
#include "base/types.h"
#include "store/alerthistory.h"
#include "store/query.h"

#include <optional>
#include <QByteArrayView>
#include <QStringList>

class QUrlQuery;

namespace Kodemon {

// Which query parameter was wrong and why, for a 400 answer.
struct ParamError
{
    QString parameter;
    QString detail;
};

// The parameters of one route, or what was wrong with them.
template<typename T> struct Parsed
{
    Parsed(T v)
        : value(std::move(v))
    { }
    Parsed(ParamError e)
        : error(std::move(e))
    { }
    bool ok() const { return value.has_value(); }

    std::optional<T> value;
    ParamError error;
};

enum class ExportFormat { Json, Csv };

struct KeysParams
{
    std::optional<QString> token;
};

struct ExecutionsParams
{
    SeriesSelector selector;
    int limit = Query::DefaultPageSize;
    QString cursor;
    ExportFormat format = ExportFormat::Json;
};

struct StatsParams
{
    SeriesSelector selector;
};

struct SeriesParams
{
    SeriesSelector selector;
    int points = Query::DefaultBucketCount;
    QString groupBy = {}; // one line per value of this tag when set
    int groups = Query::DefaultTopGroups;
};

struct CompareParams
{
    SeriesSelector selector; // closed: `to` defaults to now, `from` is required
    BaselineSpec baseline; // Previous unless baseline= or baseline_from/baseline_to say otherwise
    ComparisonOptions options;
};

struct TagsParams
{
    SeriesSelector selector;
    int valuesPerTag = Query::DefaultValuesPerTag;
};

struct FunctionsParams
{
    SummaryRequest request;
    std::optional<BaselineSpec> baseline; // the same table over a baseline range, for the changes in %
};

struct ChangesParams
{
    ChangeRequest request; // range closed: from defaults to 24 hours before to, to to now
    int limit = 100; // changes listed, most impact first
};

struct AnnotationsParams
{
    TimeRange range; // open ends: every annotation
    int limit = 1000;
};

struct DeleteParams
{
    DeleteRequest request; // a key, a token, or both
};

struct AlertsParams
{
    std::optional<AlertState> state; // only rules and alerts in this state
    int history = 10; // transitions per rule, newest first
};

// Pure parsing of the HTTP API's query parameters: no I/O, `now` (epoch seconds) is passed in.
// Routes that read calls also take `tag` (repeatable: every filter must hold; tagfilter.h gives the syntax) and
// `outcome` (all, succeeded, failed).
// Values are decoded as forms encode them (application/x-www-form-urlencoded, what Python's urlencode and
// requests, HTML forms and URLSearchParams send): "+" is a space and a plus sign is %2B. Only a time given by
// hand ("from=now+1h") that fails with its "+" as a space is read again with the plus kept. A parameter that is
// unknown to the route or given twice is an error, so that a typo never silently widens a query.
// `accept` is the request's Accept header: "text/csv" there asks for CSV when no format is given.
Parsed<KeysParams> parseKeysParams(const QUrlQuery& query);
Parsed<ExecutionsParams> parseExecutionsParams(const QUrlQuery& query, double now, QByteArrayView accept = {});
Parsed<StatsParams> parseStatsParams(const QUrlQuery& query, double now);
Parsed<SeriesParams> parseSeriesParams(const QUrlQuery& query, double now);
// baseline=previous (the default) | -1d | -1w | -<n><s|m|h|d|w>, or baseline_from and baseline_to;
// min_effect is the smallest median shift in percent that counts as a change (default 5).
Parsed<CompareParams> parseCompareParams(const QUrlQuery& query, double now);
// GET /api/tags: key, token, from, to, tag, outcome, values (most frequent values per tag, default 10).
Parsed<TagsParams> parseTagsParams(const QUrlQuery& query, double now);
// GET /api/functions: token, from, to, tag, outcome, group_by, groups, and baseline or baseline_from/baseline_to.
Parsed<FunctionsParams> parseFunctionsParams(const QUrlQuery& query, double now);
// GET /api/changes: from (default 24 h before to), to (default now), key, token, tag (repeatable), min_calls (calls
// a side, default 30), min_effect (percent, default 10), limit (changes listed, 1 to 1000, default 100).
Parsed<ChangesParams> parseChangesParams(const QUrlQuery& query, double now);
// GET /api/annotations: from, to (both optional), limit (1 to 10000, default 1000).
Parsed<AnnotationsParams> parseAnnotationsParams(const QUrlQuery& query, double now);
// DELETE /api/series: key and/or token (one is required), from, to.
Parsed<DeleteParams> parseDeleteParams(const QUrlQuery& query, double now);
// GET /api/alerts: state (ok, pending, firing, resolving, resolved), history (transitions per rule, 0 to 50).
Parsed<AlertsParams> parseAlertsParams(const QUrlQuery& query);
// For routes without parameters: any parameter is an error.
std::optional<ParamError> checkNoParams(const QUrlQuery& query);

} // namespace Kodemon
