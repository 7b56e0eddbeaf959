// SPDX-License-Identifier: MIT
#include "analysis/changefinder.h"

#include "analysis/changedetector.h"
#include "base/calltags.h"
#include "store/query.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Kodemon {

namespace {

// Calls read after a change to find the release it came with.
constexpr int ReleaseCalls = 200;

Result<CallHistory> historyOf(Query& query, const SeriesSelector& selector, bool mayHaveFailed)
{
    auto calls = query.values(selector);
    if (!calls)
        return calls.failure();
    CallHistory history;
    history.calls = std::move(*calls);
    if (mayHaveFailed && !history.calls.isEmpty()) {
        SeriesSelector failed = selector;
        failed.outcome = CallOutcome::Failed;
        auto failures = query.values(failed);
        if (!failures)
            return failures.failure();
        history.failures.reserve(failures->size());
        for (const auto& call : std::as_const(*failures))
            history.failures.append(call.timestamp);
    }
    return history;
}

QList<QByteArray> extrasOf(Query& query, const SeriesSelector& series, const TimeRange& range)
{
    SeriesSelector selector = series;
    selector.range = range;
    const auto page = query.executions(selector, {}, ReleaseCalls);
    QList<QByteArray> extras;
    if (page) {
        for (const auto& sample : page->samples)
            extras.append(sample.extra);
    }
    return extras;
}

// The release the change came with: the first one seen after it that the calls of the two buckets before it did
// not carry (a change is placed within a bucket of where it started, so the calls just after it may still be the
// old release's), else the first one seen after it.
void nameRelease(Query& query, const SeriesSelector& series, Change& change)
{
    const auto after = extrasOf(query, series, TimeRange { change.time, series.range.to });
    if (after.isEmpty())
        return;
    const double earlier = std::nextafter(change.time, -std::numeric_limits<double>::infinity());
    const auto before = extrasOf(query, series, TimeRange { change.time - 2 * change.bucketSeconds, earlier });
    QStringList seen;
    for (const auto& extra : before) {
        if (const auto release = firstRelease({ extra }))
            seen.append(release->second);
    }
    std::optional<std::pair<QString, QString>> found;
    for (const auto& extra : after) {
        const auto release = firstRelease({ extra });
        if (release && !seen.contains(release->second)) {
            found = release;
            break;
        }
    }
    if (!found)
        found = firstRelease(after);
    if (found) {
        change.releaseTag = found->first;
        change.release = found->second;
    }
}

// The changes of the calls `selector` picks, named with their function, group, release and marker.
Status analyse(Query& query, const ChangeRequest& request, const SeriesInfo& info, const SeriesSelector& selector,
    const TagValueCount* group, ChangeReport& report)
{
    auto history = historyOf(query, selector, info.errors > 0);
    if (!history)
        return history.failure();
    ++report.functions;
    report.calls += history->calls.size();
    for (auto& change : detectChanges(*history, request.range, request.options)) {
        change.id = info.id;
        if (group) {
            change.groupTag = request.groupBy;
            change.groupValue = group->value;
        }
        nameRelease(query, selector, change);
        change.annotation = annotationFor(change, request.annotations);
        report.changes.append(change);
    }
    return Ok {};
}

// Each of the function's most frequent values of the request's group-by tag on its own (its calls in the range
// that pass the request's filters and carry that value); a function none of whose calls carry the tag, as a
// whole (grouping the list by `endpoint` must not hide the functions that have no endpoint).
Status analyseGroups(Query& query, const ChangeRequest& request, const SeriesInfo& info, const SeriesSelector& selector,
    ChangeReport& report)
{
    const auto tags = query.tags(selector, request.groups);
    if (!tags)
        return tags.failure();
    const auto tag = std::find_if(tags->cbegin(), tags->cend(), [&](const TagSummary& t) { return t.name == request.groupBy; });
    if (tag == tags->cend() || tag->values.isEmpty())
        return analyse(query, request, info, selector, nullptr, report);
    for (const auto& value : tag->values.mid(0, request.groups)) {
        SeriesSelector one = selector;
        one.tags.append(TagFilter { TagFilter::Op::Equals, request.groupBy, value.value });
        if (auto status = analyse(query, request, info, one, &value, report); !status)
            return status;
    }
    return Ok {};
}

} // namespace

std::optional<std::pair<QString, QString>> firstRelease(const QList<QByteArray>& extras)
{
    std::optional<std::pair<QString, QString>> version;
    for (const auto& extra : extras) {
        if (extra.isEmpty())
            continue;
        for (const auto& tag : readCallTags(extra).tags) {
            if (tag.name == u"release")
                return std::pair { tag.name, tag.value };
            if (tag.name == u"version" && !version)
                version = std::pair { tag.name, tag.value };
        }
    }
    return version;
}

void controlFalseDiscoveries(ChangeReport& report)
{
    const double rate = report.options.falseDiscoveryRate;
    if (rate <= 0 || report.changes.isEmpty())
        return;
    QList<double> pValues;
    for (const auto& change : std::as_const(report.changes))
        pValues.append(change.pValue);
    std::sort(pValues.begin(), pValues.end());
    const double tested = double(std::max<qint64>(report.functions, pValues.size()));
    double cutoff = -1;
    for (qsizetype i = pValues.size() - 1; i >= 0; --i) {
        if (pValues[i] <= rate * double(i + 1) / tested) {
            cutoff = pValues[i];
            break;
        }
    }
    const auto before = report.changes.size();
    report.changes.removeIf([&](const Change& change) { return change.pValue > cutoff; });
    report.withheld += before - report.changes.size();
}

std::optional<Annotation> annotationFor(const Change& change, const QList<Annotation>& annotations, double before)
{
    std::optional<Annotation> found;
    for (const auto& annotation : annotations) {
        if (!annotation.concerns(change.id.token))
            continue;
        const bool justBefore = annotation.time <= change.time && annotation.time >= change.time - before;
        const bool during = annotation.end && annotation.time <= change.time && *annotation.end >= change.time;
        if ((justBefore || during) && (!found || annotation.time > found->time))
            found = annotation;
    }
    return found;
}

Result<ChangeReport> findChanges(Query& query, const ChangeRequest& request)
{
    if (!request.range.from || !request.range.to || request.range.isReversed())
        return Error { QStringLiteral("changes are looked for over a closed range (from and to)"), ErrorKind::Invalid };
    const auto keys = query.keys(request.token);
    if (!keys)
        return keys.failure();
    ChangeReport report;
    report.range = request.range;
    report.options = request.options;
    for (const auto& info : *keys) {
        if (request.key && info.id.key != *request.key)
            continue;
        if (info.last < *request.range.from || info.first > *request.range.to)
            continue;
        const SeriesSelector selector(info.id.key, info.id.token, request.range, request.tags);
        const Status status = request.groupBy.isEmpty() ? analyse(query, request, info, selector, nullptr, report)
                                                        : analyseGroups(query, request, info, selector, report);
        if (!status)
            return status.failure();
    }
    controlFalseDiscoveries(report);
    std::stable_sort(report.changes.begin(), report.changes.end(),
        [](const Change& a, const Change& b) { return a.impact > b.impact; });
    return report;
}

} // namespace Kodemon
