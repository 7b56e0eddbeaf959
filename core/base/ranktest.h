// SPDX-License-Identifier: MIT
#pragma once

#include <QList>

namespace Kodemon {

// The two-sided Mann-Whitney U test (Wilcoxon rank-sum) of two samples: execution times are skewed and
// heavy-tailed, so comparing ranks, not means, tells a real shift from a few slow calls.
struct RankTest
{
    qint64 n1 = 0; // size of the first sample (the current range)
    qint64 n2 = 0; // size of the second (the baseline)
    double u = 0; // U of the first sample: how many (first, second) pairs the first wins, ties counting half
    double z = 0; // the normal approximation's statistic, 0 when the test was exact
    double pValue = 1; // two-sided; 1 when either sample is empty
    bool exact = false; // the p-value comes from the exact permutation distribution
};

// Exact when both samples hold at most ExactLimit values and no value appears twice (the permutation
// distribution is then the textbook one, counted in n1*n2*n1 steps); otherwise the normal approximation with
// the tie correction and a continuity correction, as scipy.stats.mannwhitneyu(method="asymptotic") does.
// The samples are taken by value because they are sorted.
RankTest mannWhitneyU(QList<double> first, QList<double> second);

inline constexpr int RankTestExactLimit = 25;

} // namespace Kodemon
