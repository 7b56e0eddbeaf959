// SPDX-License-Identifier: MIT
#include "analysis/sidetests.h"

#include "analysis/changepoint.h"
#include "base/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace Kodemon {

namespace {

// log of the hypergeometric probability of `k` failures among the first `n1` calls, with `failures` in `n` calls.
double logHypergeometric(qint64 k, qint64 n1, qint64 failures, qint64 n)
{
    const auto logChoose = [](double a, double b) {
        return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1);
    };
    return logChoose(double(failures), double(k)) + logChoose(double(n - failures), double(n1 - k))
        - logChoose(double(n), double(n1));
}

// Pettitt's statistic is divided by (t (n - t))^SplitExponent: unstandardised (0), noise pulls the split towards
// the window's middle in calls (a step at night, before the day's busy hours, was placed 3.7 h late); fully
// standardised (0.5), towards its ends. Over the 150 acceptance series, 0 missed 6 steps by more than a bucket,
// 0.5 missed 6 and 0.25 missed 3.
constexpr double SplitExponent = 0.25;

double normalTail(double z)
{
    return std::erfc(std::abs(z) / std::sqrt(2.0));
}

} // namespace

double fisherExactPValue(qint64 failures1, qint64 calls1, qint64 failures2, qint64 calls2)
{
    const qint64 n = calls1 + calls2;
    const qint64 failures = failures1 + failures2;
    const qint64 lowest = std::max<qint64>(0, calls1 - (n - failures));
    const qint64 highest = std::min(failures, calls1);
    const double observed = logHypergeometric(failures1, calls1, failures, n);
    double total = 0;
    for (qint64 k = lowest; k <= highest; ++k) {
        const double p = logHypergeometric(k, calls1, failures, n);
        // As R does: tables within a relative 1e-7 of the observed one's probability count as equally likely.
        if (p <= observed + 1e-7)
            total += std::exp(p);
    }
    return std::min(1.0, total);
}

double twoProportionPValue(qint64 failures1, qint64 calls1, qint64 failures2, qint64 calls2)
{
    if (calls1 <= 0 || calls2 <= 0)
        return 1;
    const double n1 = double(calls1);
    const double n2 = double(calls2);
    const double pooled = double(failures1 + failures2) / (n1 + n2);
    const double smallestExpected = std::min({ n1 * pooled, n2 * pooled, n1 * (1 - pooled), n2 * (1 - pooled) });
    if (smallestExpected < 5)
        return fisherExactPValue(failures1, calls1, failures2, calls2);
    const double deviation = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    return normalTail((double(failures1) / n1 - double(failures2) / n2) / deviation);
}

ExceedanceTest exceedanceTest(const QList<double>& first, const QList<double>& second)
{
    ExceedanceTest test;
    if (first.isEmpty() || second.isEmpty())
        return test;
    QList<double> pooled = first + second;
    const auto rank = pooled.begin() + qsizetype(std::ceil(double(pooled.size()) * 0.95)) - 1;
    std::nth_element(pooled.begin(), rank, pooled.end());
    test.threshold = *rank;
    const auto above = [&](const QList<double>& values) {
        return qint64(std::count_if(values.cbegin(), values.cend(), [&](double v) { return v > test.threshold; }));
    };
    test.above1 = above(first);
    test.above2 = above(second);
    test.pValue = twoProportionPValue(test.above1, first.size(), test.above2, second.size());
    return test;
}

int rankSplit(const QList<double>& values, const QList<bool>& allowed)
{
    const qsizetype n = values.size();
    std::vector<qsizetype> order(size_t(n), 0);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return values[a] < values[b]; });
    std::vector<double> ranks(size_t(n), 0);
    for (qsizetype i = 0; i < n;) {
        qsizetype j = i;
        while (j < n && values[order[size_t(j)]] == values[order[size_t(i)]])
            ++j;
        const double shared = double(i + j + 1) / 2; // ties share the mean of their ranks
        for (qsizetype k = i; k < j; ++k)
            ranks[size_t(order[size_t(k)])] = shared;
        i = j;
    }
    int best = -1;
    double bestScore = -1;
    double rankSum = 0;
    const double size = double(n);
    for (qsizetype t = 1; t < n; ++t) {
        rankSum += ranks[size_t(t - 1)];
        if (t >= allowed.size() || !allowed[t])
            continue;
        const double score = std::abs(2 * rankSum - double(t) * (size + 1)) / std::pow(double(t) * (size - double(t)), SplitExponent);
        if (score > bestScore) {
            bestScore = score;
            best = int(t);
        }
    }
    return best;
}

int proportionSplit(const QList<bool>& outcomes, const QList<bool>& allowed)
{
    const qsizetype n = outcomes.size();
    const double total = double(std::count(outcomes.cbegin(), outcomes.cend(), true));
    const double whole = binomialDeviance(total, double(n));
    int best = -1;
    double bestGain = -1;
    double before = 0;
    for (qsizetype t = 1; t < n; ++t) {
        before += outcomes[t - 1] ? 1 : 0;
        if (t >= allowed.size() || !allowed[t])
            continue;
        const double gain
            = whole - binomialDeviance(before, double(t)) - binomialDeviance(total - before, double(n - t));
        if (gain > bestGain) {
            bestGain = gain;
            best = int(t);
        }
    }
    return best;
}

} // namespace Kodemon
