// SPDX-License-Identifier: MIT
#pragma once

#include <limits>
#include <QList>

namespace Kodemon {

// Optimal segmentation of a sequence into pieces of constant level with a penalty per change: PELT (Killick,
// Fearnhead and Eckley, "Optimal detection of changepoints with a linear computational cost", JASA 107(500),
// 2012). It minimises sum(cost of each segment) + penalty * (number of changes) exactly, pruning every split
// that can no longer be the last one, so a sequence of n points costs O(n) cost evaluations when changes keep
// coming and O(n^2) at worst. The costs below are additive (cost(a..c) >= cost(a..b) + cost(b..c)), which is
// what the pruning needs.
//
// `cost(begin, end)` is the cost of points [begin, end); `segmentWeight(begin, end)` what a segment holds (calls),
// and a segment must hold at least `minWeight`. Returns where each new segment starts (indexes, ascending,
// never 0).
// (Templated on the two functions: called O(n^2) times on a flat series, through std::function they cost a tenth
// of the detection over 1,000 functions.)
template<typename Cost, typename Weight>
QList<int> pelt(int count, const Cost& cost, const Weight& segmentWeight, double penalty, double minWeight)
{
    constexpr double Infinity = std::numeric_limits<double>::infinity();
    QList<double> best(count + 1, Infinity); // best[t]: the least penalised cost of points [0, t)
    QList<int> last(count + 1, 0); // where the last segment of that best split starts
    best[0] = -penalty;
    QList<int> candidates; // splits that may still start the last segment
    QList<double> totals;
    int waiting = 0; // splits [waiting, end) are too close to the end to be tried yet
    for (int end = 1; end <= count; ++end) {
        for (; waiting < end && segmentWeight(waiting, end) >= minWeight; ++waiting) {
            if (best[waiting] < Infinity)
                candidates.append(waiting);
        }
        totals.resize(candidates.size());
        for (qsizetype i = 0; i < candidates.size(); ++i) {
            totals[i] = best[candidates[i]] + cost(candidates[i], end) + penalty;
            if (totals[i] < best[end]) {
                best[end] = totals[i];
                last[end] = candidates[i];
            }
        }
        // PELT's pruning: a split whose cost without the penalty already exceeds the best can never be the last
        // change of a longer sequence either.
        qsizetype kept = 0;
        for (qsizetype i = 0; i < candidates.size(); ++i) {
            if (totals[i] - penalty <= best[end])
                candidates[kept++] = candidates[i];
        }
        candidates.resize(kept);
    }
    QList<int> changes;
    if (best[count] == Infinity)
        return changes; // no segment holds enough
    for (int end = count; last[end] > 0; end = last[end])
        changes.prepend(last[end]);
    return changes;
}

// A level per point with a weight (a bucket's calls): the cost of a segment is the weighted sum of squares
// around its weighted mean, divided by `noise` (the variance of a point of weight 1), i.e. the Gaussian
// likelihood of a change in mean with known variance.
class WeightedLevels final
{
public:
    WeightedLevels(const QList<double>& values, const QList<double>& weights);

    double cost(int begin, int end) const;
    double weight(int begin, int end) const { return m_weight.at(end) - m_weight.at(begin); }
    double mean(int begin, int end) const;
    int size() const { return int(m_weight.size()) - 1; }
    // The noise of one point of weight 1, read from neighbours' differences (robust to the changes themselves):
    // (y[i+1] - y[i]) / sqrt(1/w[i] + 1/w[i+1]) has that variance where the level holds; 1.4826 * its median
    // absolute deviation estimates the standard deviation (as Fryzlewicz's wild binary segmentation does).
    double noise() const { return m_noise; }

private:
    double m_center = 0;
    double m_noise = 1;
    QList<double> m_weight; // prefix sums, m_weight[0] = 0
    QList<double> m_sum;
    QList<double> m_squares;
};

// Failures among calls per point: the cost of a segment is -2 log-likelihood of one failure rate over it
// (binomial), so the penalty is in the same units as a likelihood-ratio statistic.
class FailureCounts final
{
public:
    FailureCounts(const QList<qint64>& failures, const QList<qint64>& calls);

    double cost(int begin, int end) const;
    double calls(int begin, int end) const { return double(m_calls.at(end) - m_calls.at(begin)); }
    int size() const { return int(m_calls.size()) - 1; }

private:
    QList<qint64> m_failures; // prefix sums
    QList<qint64> m_calls;
};

// -2 log-likelihood of `failures` among `calls` at their own rate (0 when the rate is 0 or 1).
double binomialDeviance(double failures, double calls);

} // namespace Kodemon
