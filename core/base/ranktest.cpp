// SPDX-License-Identifier: MIT
#include "base/ranktest.h"

#include "base/stats.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace Kodemon {

namespace {

struct RankSums
{
    double u1 = 0;
    double tieTerm = 0; // sum over tied groups of t^3 - t
};

// Walks the two sorted samples as one ranked list: a group of equal values shares the mean of its ranks.
RankSums rankSums(const QList<double>& first, const QList<double>& second)
{
    double rankSum = 0;
    double tieTerm = 0;
    qsizetype i = 0;
    qsizetype j = 0;
    double position = 0; // ranks used so far
    while (i < first.size() || j < second.size()) {
        const double value = j >= second.size() || (i < first.size() && first[i] < second[j]) ? first[i] : second[j];
        qsizetype inFirst = 0;
        while (i < first.size() && first[i] == value) {
            ++i;
            ++inFirst;
        }
        qsizetype inSecond = 0;
        while (j < second.size() && second[j] == value) {
            ++j;
            ++inSecond;
        }
        const double tied = double(inFirst + inSecond);
        rankSum += double(inFirst) * (position + (tied + 1) / 2);
        tieTerm += tied * tied * tied - tied;
        position += tied;
    }
    const double n1 = double(first.size());
    return { rankSum - n1 * (n1 + 1) / 2, tieTerm };
}

// P(U >= u) under the null hypothesis without ties: counts(m, n)[k] is the number of orderings of m firsts
// and n seconds in which the firsts win k pairs, built by placing the largest value last
// (counts(m, n)[k] = counts(m - 1, n)[k - n] + counts(m, n - 1)[k]).
double exactUpperTail(int m, int n, double u)
{
    std::vector<std::vector<std::vector<double>>> counts(m + 1, std::vector<std::vector<double>>(n + 1));
    for (int a = 0; a <= m; ++a) {
        for (int b = 0; b <= n; ++b) {
            auto& here = counts[a][b];
            here.assign(size_t(a * b + 1), 0.0);
            if (a == 0 || b == 0) {
                here[0] = 1;
                continue;
            }
            const auto& lastIsFirst = counts[a - 1][b];
            const auto& lastIsSecond = counts[a][b - 1];
            for (size_t k = 0; k < here.size(); ++k) {
                if (k >= size_t(b) && k - size_t(b) < lastIsFirst.size())
                    here[k] += lastIsFirst[k - size_t(b)];
                if (k < lastIsSecond.size())
                    here[k] += lastIsSecond[k];
            }
        }
    }
    const auto& all = counts[m][n];
    double total = 0;
    double tail = 0;
    for (size_t k = 0; k < all.size(); ++k) {
        total += all[k];
        if (double(k) >= u - 1e-9)
            tail += all[k];
    }
    return tail / total;
}

} // namespace

RankTest mannWhitneyU(QList<double> first, QList<double> second)
{
    RankTest test;
    test.n1 = first.size();
    test.n2 = second.size();
    if (first.isEmpty() || second.isEmpty())
        return test;
    sortValues(first);
    sortValues(second);
    const RankSums sums = rankSums(first, second);
    test.u = sums.u1;

    const double n1 = double(test.n1);
    const double n2 = double(test.n2);
    const double pairs = n1 * n2;
    const double larger = std::max(test.u, pairs - test.u); // symmetric: the two-sided tail of the larger U
    if (sums.tieTerm == 0 && test.n1 <= RankTestExactLimit && test.n2 <= RankTestExactLimit) {
        test.exact = true;
        test.pValue = std::min(1.0, 2 * exactUpperTail(int(test.n1), int(test.n2), larger));
        return test;
    }
    const double n = n1 + n2;
    const double variance = pairs / 12 * ((n + 1) - sums.tieTerm / (n * (n - 1)));
    if (variance <= 0) // every value equal: nothing tells the samples apart
        return test;
    const double z = (larger - pairs / 2 - 0.5) / std::sqrt(variance);
    test.z = test.u >= pairs / 2 ? z : -z;
    test.pValue = std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
    return test;
}

} // namespace Kodemon
