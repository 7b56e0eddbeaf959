// SPDX-License-Identifier: MIT
// libFuzzer target: the HTTP API's query-string parsing (every route) and its Accept header, the round trip of
// any key and any tag value through form encoding, and the whole input as the JSON body of POST /api/annotations.
#include "http/annotationbody.h"
#include "http/httpparams.h"

#include <cstdint>
#include <cstdlib>
#include <QUrlQuery>

using namespace Kodemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto split = raw.indexOf('\n');
    const QByteArray queryText = split < 0 ? raw : raw.left(split);
    const QByteArray accept = split < 0 ? QByteArray() : raw.mid(split + 1);
    const QUrlQuery query(QString::fromUtf8(queryText));
    const double now = 1795608118;
    const auto executions = parseExecutionsParams(query, now, accept);
    if (executions.ok() && (executions.value->limit < 1 || executions.value->limit > Query::MaxPageSize))
        std::abort();
    const auto series = parseSeriesParams(query, now);
    if (series.ok() && (series.value->points < 1 || series.value->points > Query::MaxBucketCount))
        std::abort();
    const auto stats = parseStatsParams(query, now);
    if (stats.ok() && stats.value->selector.range.isReversed())
        std::abort();
    parseKeysParams(query);
    checkNoParams(query);
    // Filters, groups, tag lists, the functions table and comparisons: whatever parses is within its bounds.
    for (const auto* selector : { stats.ok() ? &stats.value->selector : nullptr,
             series.ok() ? &series.value->selector : nullptr }) {
        for (const auto& filter : selector ? selector->tags : QList<TagFilter>()) {
            if (filter.name.isEmpty())
                std::abort();
        }
    }
    if (series.ok() && (series.value->groups < 1 || series.value->groups > Query::MaxTopGroups))
        std::abort();
    const auto tags = parseTagsParams(query, now);
    if (tags.ok() && (tags.value->valuesPerTag < 1 || tags.value->valuesPerTag > Query::MaxValuesPerTag))
        std::abort();
    const auto functions = parseFunctionsParams(query, now);
    if (functions.ok() && functions.value->baseline && (!functions.value->request.range.from || !functions.value->request.range.to))
        std::abort();
    const auto compare = parseCompareParams(query, now);
    if (compare.ok() && (!compare.value->selector.range.from || !compare.value->selector.range.to))
        std::abort();
    // POST /api/annotations: any body gives an annotation with text, a period that does not end before it starts,
    // and bounded tags, or a 400 that names what was wrong.
    const auto annotation = parseAnnotationBody(raw, now);
    if (annotation.ok()) {
        const Annotation& a = *annotation.value;
        if (a.text.trimmed().isEmpty() || a.text.size() > MaxAnnotationText || (a.end && *a.end < a.time)
            || a.tags.size() > MaxAnnotationTags)
            std::abort();
    } else if (annotation.error.parameter.isEmpty() || annotation.error.detail.isEmpty()) {
        std::abort();
    }
    const auto annotationsList = parseAnnotationsParams(query, now);
    if (annotationsList.ok() && annotationsList.value->range.isReversed())
        std::abort();
    // GET /api/changes: always a closed range, not reversed, and settings within their bounds.
    const auto changes = parseChangesParams(query, now);
    if (changes.ok()) {
        const auto& request = changes.value->request;
        if (!request.range.from || !request.range.to || request.range.isReversed()
            || request.options.minCallsPerSide < 1 || !(request.options.minEffect >= 0) || changes.value->limit < 1
            || changes.value->limit > 1000)
            std::abort();
    }
    // Any UTF-8 key, form-encoded as URLSearchParams and urlencode write it (a space as '+'), reads back exactly.
    const QString key = QString::fromUtf8(queryText);
    if (!key.isEmpty() && key.toUtf8() == queryText) {
        QByteArray encoded = queryText.toPercentEncoding(" ");
        encoded.replace(' ', '+');
        const auto roundTrip = parseStatsParams(QUrlQuery(QString::fromLatin1("key=" + encoded)), now);
        if (!roundTrip.ok() || roundTrip.value->selector.key != key)
            std::abort();
        // The same text as a tag value, form-encoded, reads back exactly.
        const auto filtered = parseStatsParams(QUrlQuery(QString::fromLatin1("key=k&tag=t%3A" + encoded)), now);
        if (!filtered.ok() || filtered.value->selector.tags.size() != 1 || filtered.value->selector.tags[0].value != key)
            std::abort();
    }
    return 0;
}
