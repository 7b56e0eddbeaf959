// SPDX-License-Identifier: MIT
#include "remote/remotereader.h"

#include "base/logging.h"
#include "remote/remoteerror.h"
#include "remote/remotejson.h"

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
    if (selector.range.from)
        parameters.append({ QStringLiteral("from"), epochSeconds(*selector.range.from) });
    if (selector.range.to)
        parameters.append({ QStringLiteral("to"), epochSeconds(*selector.range.to) });
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
    const auto answer = fetch(path, selectorParameters(selector));
    if (!answer)
        return answer.failure();
    const auto stats = RemoteJson::stats(answer->json);
    return stats ? Result<KeyStats>(*stats) : malformed(path);
}

Result<BucketedSeries> RemoteReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    QueryParameters parameters = selectorParameters(selector);
    parameters.append({ QStringLiteral("points"), QString::number(bucketCount) });
    const QString path = QStringLiteral("/api/series");
    const auto answer = fetch(path, parameters);
    if (!answer)
        return answer.failure();
    auto series = RemoteJson::series(answer->json);
    return series ? Result<BucketedSeries>(std::move(*series)) : malformed(path);
}

} // namespace Kodemon
