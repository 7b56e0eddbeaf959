// SPDX-License-Identifier: MIT
#include "syntheticcalls.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace Kodemon {

namespace {

// The day's load, from -1 (04:00 UTC) to 1 (16:00 UTC).
double load(double time)
{
    const double day = std::fmod(time, 86400.0) / 86400.0;
    return std::sin(2 * M_PI * (day - 10.0 / 24));
}

struct State
{
    double medianFactor = 1;
    double slowShare = 0;
    double slowFactor = 1;
    double failureRate = 0;
};

State stateAt(const SyntheticSeries& series, double time)
{
    State state { 1, 0, 1, series.failureRate };
    for (const auto& step : series.steps) {
        if (time < step.time)
            continue;
        state.medianFactor *= step.medianFactor;
        if (step.slowShare > 0) {
            state.slowShare = step.slowShare;
            state.slowFactor = step.slowFactor;
        }
        if (step.failureRate >= 0)
            state.failureRate = step.failureRate;
    }
    return state;
}

double executionTime(const SyntheticSeries& series, const State& state, double time, double drift,
    std::mt19937_64& random)
{
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    double ms = series.medianMs * state.medianFactor
        * std::exp(series.logSigma * normal(random) + drift + std::log1p(series.loadEffect * load(time)));
    if (uniform(random) < state.slowShare)
        ms *= state.slowFactor;
    if (uniform(random) < series.outliers)
        ms *= 3 + 17 * uniform(random);
    return ms;
}

double quantile(std::vector<double>& values, double q)
{
    const auto nth = values.begin() + qsizetype(q * double(values.size()));
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

} // namespace

StepEffect stepEffect(const SyntheticSeries& series, qsizetype index)
{
    const double time = series.steps.at(index).time;
    std::mt19937_64 random(series.seed ^ 0x5EED);
    std::vector<double> before;
    std::vector<double> after;
    for (int i = 0; i < 200000; ++i) {
        before.push_back(executionTime(series, stateAt(series, time - 1), time, 0, random));
        after.push_back(executionTime(series, stateAt(series, time), time, 0, random));
    }
    const double p50 = quantile(before, 0.5);
    const double p95 = quantile(before, 0.95);
    return { quantile(after, 0.5) / p50 - 1, quantile(after, 0.95) / p95 - 1 };
}

CallHistory generateCalls(const SyntheticSeries& series)
{
    std::mt19937_64 random(series.seed);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform;
    CallHistory history;
    double drift = 0;
    for (double minute = series.from; minute < series.from + series.seconds; minute += 60) {
        if (std::fmod(minute - series.from, 300.0) < 60) // the drift moves every 5 minutes
            drift = 0.8 * drift + series.driftSigma * normal(random);
        const double rate = series.callsPerMinute * (1 + series.dailySwing * load(minute));
        std::poisson_distribution<int> arrivals(std::max(rate, 0.0));
        const int count = arrivals(random);
        QList<double> times;
        for (int i = 0; i < count; ++i)
            times.append(std::floor(minute + 60 * uniform(random)));
        std::sort(times.begin(), times.end());
        for (double time : times) {
            if (time >= series.from + series.seconds)
                continue;
            const State state = stateAt(series, time);
            history.calls.append({ time, executionTime(series, state, time, drift, random) });
            if (uniform(random) < state.failureRate)
                history.failures.append(time);
        }
    }
    return history;
}

} // namespace Kodemon
