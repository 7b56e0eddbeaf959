// SPDX-License-Identifier: MIT
#pragma once

#include <QList>

namespace Kodemon {

// The tests that confirm a change on the calls of both sides, and the splits that place it between two calls.

// Two-sided test that two proportions (failures1 of calls1, failures2 of calls2) are equal: Fisher's exact test
// when an expected count is below 5 (the normal approximation is poor there), else the pooled z-test. 1 when
// a side is empty.
double twoProportionPValue(qint64 failures1, qint64 calls1, qint64 failures2, qint64 calls2);

// Fisher's exact test, two-sided (the probability of every table at most as likely as the observed one, as
// R's fisher.test and scipy.stats.fisher_exact compute it).
double fisherExactPValue(qint64 failures1, qint64 calls1, qint64 failures2, qint64 calls2);

// Whether the upper tails of two samples differ: how many calls of each exceed the pooled sample's 95th
// percentile, compared as two proportions (a test of the p95 that does not assume a distribution: under no
// change both sides exceed it 5% of the time).
struct ExceedanceTest
{
    double threshold = 0; // the pooled p95
    qint64 above1 = 0;
    qint64 above2 = 0;
    double pValue = 1;
};
ExceedanceTest exceedanceTest(const QList<double>& first, const QList<double>& second);

// Where one sample in time order most likely changed level: Pettitt's rank statistic (A. N. Pettitt, "A
// non-parametric approach to the change-point problem", Applied Statistics 28(2), 1979), U_t = 2 * (sum of the
// first t ranks) - t(n + 1), whose expectation is a tent peaking at the change, divided by (t(n - t))^0.25: half
// way to standardising it by its null deviation, which favours splits near the ends, from the raw statistic,
// which noise pulls towards the middle (measured on the acceptance series in sidetests.cpp). Only splits
// s with allowed[s] true (between calls of distinct timestamps, in the window searched) are tried: returns the
// number of values before the best one, or -1 when none is allowed.
int rankSplit(const QList<double>& values, const QList<bool>& allowed);

// The same for yes/no outcomes (a call failed, a call exceeded a threshold): the split with the largest binomial
// likelihood ratio.
int proportionSplit(const QList<bool>& outcomes, const QList<bool>& allowed);

} // namespace Kodemon
