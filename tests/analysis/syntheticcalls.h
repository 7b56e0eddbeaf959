// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changedetector.h"

#include <QList>
#include <QMetaType>

namespace Kodemon {

// A function's calls as production traffic makes them, for the change detection's acceptance tests: Poisson
// arrivals at a rate that follows the day (quiet at night, busy in the afternoon), whole-second timestamps as
// the decorator sends them, lognormal execution times whose median rises a little with the load, a slow random
// drift (the machine's state: caches, neighbours), a few outliers, a base failure rate, and known steps.
struct SyntheticSeries
{
    quint64 seed = 1;
    double from = 1700000000; // epoch seconds (a Tuesday, 22:13 UTC)
    double seconds = 86400;
    double callsPerMinute = 20; // the day's average
    double dailySwing = 0.6; // the rate goes from (1 - swing) to (1 + swing) times the average over a day
    double medianMs = 40;
    double logSigma = 0.4; // spread of log(execution time): p95 = median * exp(1.645 * sigma)
    double loadEffect = 0.05; // the median is up to this much higher at the day's peak load, as much lower at night
    double driftSigma = 0.01; // a random walk of log latency, pulled back to 0 (per 5 minutes)
    double outliers = 0.01; // this fraction of calls is 3 to 20 times slower
    double failureRate = 0.01;

    // From `time` on: every call `medianFactor` times slower (a shift of the whole distribution), `slowShare` of
    // the calls `slowFactor` times slower (the tail only), and failures at `failureRate`. A negative failure rate
    // keeps the one before.
    struct Step
    {
        double time = 0;
        double medianFactor = 1;
        double slowShare = 0;
        double slowFactor = 1;
        double failureRate = -1;
    };
    QList<Step> steps;
};

CallHistory generateCalls(const SyntheticSeries& series);

// The true relative change of the median and p95 at step `index` (before it against after it, at that time of
// day, without the drift), from 200,000 draws of each side's distribution.
struct StepEffect
{
    double median = 0;
    double p95 = 0;
};
StepEffect stepEffect(const SyntheticSeries& series, qsizetype index);

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::SyntheticSeries)
