// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"
#include "base/result.h"
#include "base/tagfilter.h"

#include <optional>

namespace Kodemon {

class Query;

// Which functions to look for changes in, over which range, and how.
struct ChangeRequest
{
    TimeRange range; // both ends are needed: an open end is refused
    std::optional<QString> token; // one project's functions only
    std::optional<QString> key; // one function only
    QList<TagFilter> tags; // only the calls that pass these
    QString groupBy; // set: the calls of each of a function's most frequent values of this tag on their own
    int groups = 10; // that many values per function (those with most calls in the range)
    ChangeOptions options;
    QList<Annotation> annotations; // markers to name beside the changes (the caller reads those it may show)
};

// The step changes of every selected function (or of each of its top values of a tag) over the range
// (detectChanges on each one's calls, read through `query`), those that pass the false discovery rate over all of
// them (ChangeOptions::falseDiscoveryRate), ranked by impact, most first; each named with the release it came with
// (the first `release` or `version` tag value seen after it that the calls just before it did not carry, else the
// first seen after it) and the marker just before it. Runs on the caller's thread: the HTTP thread or a query
// thread, never the UI thread.
Result<ChangeReport> findChanges(Query& query, const ChangeRequest& request);

// Drops the report's changes that the false discovery rate (report.options.falseDiscoveryRate) does not let
// through and counts them in `withheld`: Benjamini-Hochberg's step-up, with the p-values sorted,
// p(1) <= ... <= p(k), keeps the changes up to the largest i with p(i) <= rate * i / m, m being the hypotheses
// tested (report.functions, or the changes found if more). A handful of functions keep every change (each
// passed significance = 0.001 alone, below 0.05 / m up to m = 50).
void controlFalseDiscoveries(ChangeReport& report);

// The marker a change is listed beside: the latest one that started at most `before` seconds ahead of the
// change (a period: that is still running when it starts), for the change's project.
std::optional<Annotation> annotationFor(const Change& change, const QList<Annotation>& annotations,
    double before = 3600);

// The first `release` (else `version`) tag value among extra fields in time order; the tag's name and value.
std::optional<std::pair<QString, QString>> firstRelease(const QList<QByteArray>& extras);

} // namespace Kodemon
