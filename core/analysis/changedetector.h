// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"

namespace Kodemon {

// One function's calls over a range, as the query layer reads them.
struct CallHistory
{
    QList<TimedValue> calls; // oldest first
    QList<double> failures; // the timestamps of the failed ones among them, ascending
};

// Finds the step changes in one function's latency (median and p95) and error rate over `range` (an open end is
// the first or last call):
// 1. the calls are cut into buckets of a round length (bucketSecondsFor); each bucket gives log median, log p95
//    and its failures;
// 2. PELT (changepoint.h) segments the log medians and the log p95s (a Gaussian change in mean, each bucket
//    weighted by its calls, the noise read from neighbouring buckets) and the failure counts (binomial), with a
//    penalty of penaltyFactor * log(buckets) per change and at least minCallsPerSide calls per segment;
// 3. each candidate is placed between two calls within a bucket of where PELT put it: Pettitt's rank statistic
//    for the median, the largest likelihood ratio of exceedances (p95) or failures (error rate);
// 4. each is confirmed on the calls of the segments on both sides: Mann-Whitney U for the median, exceedances
//    of the pooled p95 for the p95, two proportions for the error rate, each below `significance` with an
//    effect of at least minEffect; the weakest unconfirmed candidate is dropped and its neighbours judged again
//    over their longer sides, until every one left is confirmed.
// Returns the changes oldest first, their statistics exact; id, group, release and annotation are for the caller.
QList<Change> detectChanges(const CallHistory& history, const TimeRange& range, const ChangeOptions& options = {});

// The bucket length for `calls` over `seconds`: the round length (1 s to 1 week) nearest above
// seconds / targetBuckets, doubled up the list while buckets would hold fewer than minCallsPerBucket calls on
// average (never coarser than a quarter of the range).
double bucketSecondsFor(double seconds, qint64 calls, const ChangeOptions& options = {});

// The relative change of an error rate: (after - before) / before, a before rate below 0.1% counting as 0.1%
// (from no failures at all, a rise is otherwise infinite).
double errorRateChange(double before, double after);

} // namespace Kodemon
