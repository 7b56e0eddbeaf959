// SPDX-License-Identifier: MIT
#include "remote/remotereader.h"

#include "base/logging.h"
#include "remote/remoteerror.h"
#include "remote/remotejson.h"
#include "base/tagfilter.h"

#include <QElapsedTimer>
#include <QLocale>

namespace Kodemon {

namespace {

QString epochSeconds(double seconds)
{
    // The shortest digits that give the same double back, never an exponent (the API's time parser takes
    // plain decimals only).
    return QString::number(seconds, 'f', QLocale::FloatingPointShortest);
}

void appendRange(QueryParameters& parameters, const TimeRange& range)
{
    if (range.from)
        parameters.append({ QStringLiteral("from"), epochSeconds(*range.from) });
    if (range.to)
        parameters.append({ QStringLiteral("to"), epochSeconds(*range.to) });
}

void appendFilters(QueryParameters& parameters, const QList<TagFilter>& tags, CallOutcome outcome)
{
    for (const auto& filter : tags)
        parameters.append({ QStringLiteral("tag"), formatTagFilter(filter) });
    if (outcome != CallOutcome::All)
        parameters.append({ QStringLiteral("outcome"), outcomeName(outcome) });
}

} // namespace

RemoteReader::RemoteReader(std::shared_ptr<RemoteApi> api)
    : m_api(std::move(api))
{ }

RemoteReader::~RemoteReader() = default;

QueryParameters RemoteReader::selectorParameters(const SeriesSelector& selector)
{
    QueryParameters parameters { { QStringLiteral("key"), selector.key } };
    if (selector.token)
        parameters.append({ QStringLiteral("token"), *selector.token });
    appendRange(parameters, selector.range);
    appendFilters(parameters, selector.tags, selector.outcome);
    return parameters;
}

Error RemoteReader::malformed(const QString& path) const
{
    return Error { QStringLiteral("%1 answered %2 with something that is not Kodemon's JSON: is it a Kodemon?")
                       .arg(m_api->endpoint().server(), path) };
}

Result<RemoteReader::Answer> RemoteReader::fetch(const QString& path, const QueryParameters& parameters)
{
    QElapsedTimer timer;
    timer.start();
    HttpOutcome outcome = m_api->get(path, parameters);
    qCDebug(lcRemote) << path << outcome.status << outcome.body.size() << "bytes in" << timer.elapsed() << "ms";
    if (auto error = remoteError(outcome, m_api->endpoint().server(), !m_api->endpoint().apiToken.isEmpty()))
        return *error;
    auto json = RemoteJson::object(outcome.body);
    if (!json)
        return malformed(path);
    return Answer { std::move(*json), std::move(outcome.body) };
}

Result<QList<SeriesInfo>> RemoteReader::listSeries(const std::optional<QString>& token)
{
    QueryParameters parameters;
    if (token)
        parameters.append({ QStringLiteral("token"), *token });
    const QString path = QStringLiteral("/api/keys");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto series = RemoteJson::keys(answer->json);
    return series ? Result<QList<SeriesInfo>>(std::move(*series)) : malformed(path);
}

Result<SamplePage> RemoteReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    QueryParameters parameters = selectorParameters(selector);
    parameters.append({ QStringLiteral("limit"), QString::number(limit) });
    if (!cursor.isEmpty())
        parameters.append({ QStringLiteral("cursor"), cursor });
    const QString path = QStringLiteral("/api/executions");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto page = RemoteJson::executions(answer->json, answer->body);
    return page ? Result<SamplePage>(std::move(*page)) : malformed(path);
}

Result<KeyStats> RemoteReader::stats(const SeriesSelector& selector)
{
    const QString path = QStringLiteral("/api/stats");
    QueryParameters parameters = selectorParameters(selector);
    if (selector.exact)
        parameters.append({ QStringLiteral("exact"), QStringLiteral("true") });
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    const auto stats = RemoteJson::stats(answer->json);
    return stats ? Result<KeyStats>(*stats) : malformed(path);
}

Result<BucketedSeries> RemoteReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    QueryParameters parameters = selectorParameters(selector);
    parameters.append({ QStringLiteral("points"), QString::number(bucketCount) });
    if (selector.exact)
        parameters.append({ QStringLiteral("exact"), QStringLiteral("true") });
    const QString path = QStringLiteral("/api/series");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto series = RemoteJson::series(answer->json);
    return series ? Result<BucketedSeries>(std::move(*series)) : malformed(path);
}

Result<QList<SeriesSummary>> RemoteReader::summaries(const SummaryRequest& request)
{
    QueryParameters parameters;
    if (request.token)
        parameters.append({ QStringLiteral("token"), *request.token });
    appendRange(parameters, request.range);
    appendFilters(parameters, request.tags, request.outcome);
    if (request.exact)
        parameters.append({ QStringLiteral("exact"), QStringLiteral("true") });
    if (!request.groupBy.isEmpty()) {
        parameters.append({ QStringLiteral("group_by"), request.groupBy });
        parameters.append({ QStringLiteral("groups"), QString::number(request.topGroups) });
    }
    const QString path = QStringLiteral("/api/functions");
    const auto answer = fetch(path, parameters);
    // A server older than /api/functions: one /api/stats per series, as before it existed.
    if (!answer && answer.errorKind() == ErrorKind::NotFound && request.tags.isEmpty()
        && request.outcome == CallOutcome::All && request.groupBy.isEmpty())
        return StoreReader::summaries(request);
    if (!answer)
        return answer.failure();
    auto rows = RemoteJson::functions(answer->json);
    if (!rows)
        return malformed(path);
    // The table needs each series' all-time totals, which only /api/keys gives.
    auto keys = listSeries(request.token);
    if (!keys)
        return keys.failure();
    QHash<KeyId, SeriesInfo> totals;
    for (const auto& info : std::as_const(*keys))
        totals.insert(info.id, info);
    for (auto& row : *rows)
        row.info = totals.value(row.info.id, row.info);
    return std::move(*rows);
}

Result<QList<GroupedSeries>> RemoteReader::groupedBuckets(
    const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups)
{
    QueryParameters parameters = selectorParameters(selector);
    parameters.append({ QStringLiteral("points"), QString::number(bucketCount) });
    parameters.append({ QStringLiteral("group_by"), groupBy });
    parameters.append({ QStringLiteral("groups"), QString::number(topGroups) });
    const QString path = QStringLiteral("/api/series");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto lines = RemoteJson::groupedSeries(answer->json);
    return lines ? Result<QList<GroupedSeries>>(std::move(*lines)) : malformed(path);
}

Result<QList<TagSummary>> RemoteReader::tags(const SeriesSelector& selector, int valuesPerTag)
{
    QueryParameters parameters = selectorParameters(selector);
    parameters.append({ QStringLiteral("values"), QString::number(valuesPerTag) });
    const QString path = QStringLiteral("/api/tags");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto tags = RemoteJson::tags(answer->json);
    return tags ? Result<QList<TagSummary>>(std::move(*tags)) : malformed(path);
}

Result<QList<Annotation>> RemoteReader::annotations(const TimeRange& range, int limit)
{
    QueryParameters parameters;
    appendRange(parameters, range);
    parameters.append({ QStringLiteral("limit"), QString::number(limit) });
    const QString path = QStringLiteral("/api/annotations");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto list = RemoteJson::annotations(answer->json);
    return list ? Result<QList<Annotation>>(std::move(*list)) : malformed(path);
}

QueryParameters RemoteReader::changesParameters(const ChangeRequest& request)
{
    QueryParameters parameters;
    if (request.key)
        parameters.append({ QStringLiteral("key"), *request.key });
    if (request.token)
        parameters.append({ QStringLiteral("token"), *request.token });
    appendRange(parameters, request.range);
    appendFilters(parameters, request.tags, CallOutcome::All);
    if (!request.groupBy.isEmpty()) {
        parameters.append({ QStringLiteral("group_by"), request.groupBy });
        parameters.append({ QStringLiteral("groups"), QString::number(request.groups) });
    }
    parameters.append({ QStringLiteral("min_calls"), QString::number(request.options.minCallsPerSide) });
    parameters.append({ QStringLiteral("min_effect"),
        QString::number(request.options.minEffect * 100, 'f', QLocale::FloatingPointShortest) });
    // Only when asked for: a server from before `fdr` refuses parameters it does not know.
    if (request.options.falseDiscoveryRate != ChangeOptions {}.falseDiscoveryRate) {
        parameters.append({ QStringLiteral("fdr"),
            QString::number(request.options.falseDiscoveryRate * 100, 'f', QLocale::FloatingPointShortest) });
    }
    parameters.append({ QStringLiteral("limit"), QString::number(MaxChanges) });
    return parameters;
}

Result<ChangeReport> RemoteReader::changes(const ChangeRequest& request)
{
    const QString path = QStringLiteral("/api/changes");
    const auto answer = fetch(path, changesParameters(request));
    if (!answer)
        return answer.failure();
    auto report = RemoteJson::changes(answer->json);
    return report ? Result<ChangeReport>(std::move(*report)) : malformed(path);
}

} // namespace Kodemon
