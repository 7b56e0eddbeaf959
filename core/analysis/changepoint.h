// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
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
QList<int> pelt(int count, const std::function<double(int begin, int end)>& cost,
    const std::function<double(int begin, int end)>& segmentWeight, double penalty, double minWeight);

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
