// SPDX-License-Identifier: MIT
#pragma once

#include "base/annotation.h"
#include "base/types.h"

#include <optional>
#include <QList>
#include <QString>

namespace Kodemon {

// How sure and how large a change must be to be reported, and how finely a range is cut to look for one.
struct ChangeOptions
{
    qint64 minCallsPerSide = 30; // fewer calls before or after: not judged (yet)
    double minEffect = 0.10; // |relative change| of the median, p95 or error rate below this is not reported
    double significance = 0.001; // the side test's p-value must be below this
    // The range is cut into buckets of a round length (1 min ... 1 day) of about range / targetBuckets, coarser
    // for sparse functions (at least minCallsPerBucket calls per bucket on average). 0 picks the length itself.
    // A change's time is known to within its bucket, and a sparse function's calls cannot place a step closer
    // than a few tens of calls: a +50% step at 3 calls a minute was placed 34 calls (11 min) early by every
    // estimator tried, the Gaussian likelihood's included (the 34 calls before it happened to average 3.6
    // standard errors high), past its 10-minute bucket of 30 calls; at 8 calls, 40 now (15-minute buckets there).
    int targetBuckets = 150;
    double bucketSeconds = 0;
    double minCallsPerBucket = 40;
    // PELT's penalty per change, as a multiple of log(number of buckets); candidates are then confirmed on the
    // calls, so it only needs to keep noise from splitting every bucket.
    double penaltyFactor = 3;
    // A change is judged on the calls just around it: this many on each side (or 3 buckets, if they hold more),
    // never past the changes before and after it.
    qsizetype localCalls = 1000;
    // Over many functions, the expected share of false changes among those listed (Benjamini and Hochberg, "Controlling
    // the false discovery rate", JRSS B 57(1), 1995; findChanges): each function's changes pass `significance`
    // alone, but 1,000 step-free functions of the benchmark database still gave 7 false changes (p 3e-4 to 9e-4)
    // at 0.001. 0 turns it off.
    double falseDiscoveryRate = 0.05;
    // The side tests read at most this many calls of a side (evenly spaced in time); statistics reported for a
    // change are exact.
    qsizetype maxTestSample = 20000;
};

// What changed.
enum class ChangeMetric { Median, P95, ErrorRate };

// The calls on one side of a change.
struct ChangeSide
{
    double from = 0; // first call's time
    double to = 0; // last call's time
    qint64 calls = 0;
    qint64 errors = 0;
    double p50 = 0; // milliseconds, nearest rank
    double p95 = 0;

    double errorRate() const { return calls > 0 ? double(errors) / double(calls) : 0.0; }
};

// A step change in one function's latency or error rate.
struct Change
{
    KeyId id;
    double time = 0; // when it started: the first call after it (epoch seconds)
    double bucketSeconds = 0; // the resolution it was found at
    ChangeMetric metric = ChangeMetric::Median; // the confirmed metric with the largest relative change
    bool medianChanged = false; // each confirmed on the calls (latency changes may confirm both)
    bool p95Changed = false;
    ChangeSide before;
    ChangeSide after;
    double relativeChange = 0; // of `metric`: (after - before) / before, e.g. 0.38 for +38%
    double pValue = 1; // of `metric`'s side test
    bool improvement = false; // faster, or fewer failures
    qint64 callsAffected = 0; // calls after it, until the next change or the end of the range
    double impact = 0; // |relativeChange| * callsAffected: the ranking
    QString releaseTag; // "release" or "version" when the calls after it carry one
    QString release; // the first value of that tag seen after the change
    std::optional<Annotation> annotation; // the marker just before it (or during it, for a period)
    QString groupTag; // looked for per value of a tag (ChangeRequest::groupBy): the tag's name,
    QString groupValue; // and the value whose calls changed; both empty for the function's calls as a whole
};

// The changes of many functions over one range, most impact first.
struct ChangeReport
{
    TimeRange range;
    ChangeOptions options;
    qint64 functions = 0; // functions (or function and tag value) analysed
    qint64 calls = 0; // calls read
    qint64 withheld = 0; // changes each significant alone, not listed under the false discovery rate
    QList<Change> changes;
};

QString metricName(ChangeMetric metric); // "p50", "p95", "error_rate"

} // namespace Kodemon
