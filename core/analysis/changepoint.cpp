// SPDX-License-Identifier: MIT
#include "analysis/changepoint.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Kodemon {

namespace {

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    const auto middle = values.begin() + values.size() / 2;
    std::nth_element(values.begin(), middle, values.end());
    if (values.size() % 2 == 1)
        return *middle;
    return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

double robustNoise(const QList<double>& values, const QList<double>& weights)
{
    QList<double> steps;
    steps.reserve(values.size());
    for (qsizetype i = 0; i + 1 < values.size(); ++i)
        steps.append((values[i + 1] - values[i]) / std::sqrt(1 / weights[i] + 1 / weights[i + 1]));
    if (steps.size() < 2)
        return 1;
    const double center = median(steps);
    for (auto& step : steps)
        step = std::abs(step - center);
    // Differences have twice a point's variance.
    const double deviation = 1.4826 * median(steps) / std::sqrt(2.0);
    return deviation * deviation;
}

} // namespace

WeightedLevels::WeightedLevels(const QList<double>& values, const QList<double>& weights)
{
    double totalWeight = 0;
    double total = 0;
    for (qsizetype i = 0; i < values.size(); ++i) {
        totalWeight += weights[i];
        total += weights[i] * values[i];
    }
    // Centered, so that the sums of squares keep their precision over long sequences.
    m_center = totalWeight > 0 ? total / totalWeight : 0;
    m_weight.reserve(values.size() + 1);
    m_sum.reserve(values.size() + 1);
    m_squares.reserve(values.size() + 1);
    m_weight.append(0);
    m_sum.append(0);
    m_squares.append(0);
    for (qsizetype i = 0; i < values.size(); ++i) {
        const double y = values[i] - m_center;
        m_weight.append(m_weight.last() + weights[i]);
        m_sum.append(m_sum.last() + weights[i] * y);
        m_squares.append(m_squares.last() + weights[i] * y * y);
    }
    m_noise = std::max(robustNoise(values, weights), 1e-12);
}

double WeightedLevels::cost(int begin, int end) const
{
    const double weight = m_weight[end] - m_weight[begin];
    if (weight <= 0)
        return 0;
    const double sum = m_sum[end] - m_sum[begin];
    const double squares = m_squares[end] - m_squares[begin];
    return std::max(squares - sum * sum / weight, 0.0) / m_noise;
}

double WeightedLevels::mean(int begin, int end) const
{
    const double weight = m_weight[end] - m_weight[begin];
    return weight > 0 ? m_center + (m_sum[end] - m_sum[begin]) / weight : m_center;
}

double binomialDeviance(double failures, double calls)
{
    if (calls <= 0 || failures <= 0 || failures >= calls)
        return 0;
    const double rest = calls - failures;
    return -2 * (failures * std::log(failures / calls) + rest * std::log(rest / calls));
}

FailureCounts::FailureCounts(const QList<qint64>& failures, const QList<qint64>& calls)
{
    m_failures.reserve(failures.size() + 1);
    m_calls.reserve(calls.size() + 1);
    m_failures.append(0);
    m_calls.append(0);
    for (qsizetype i = 0; i < calls.size(); ++i) {
        m_failures.append(m_failures.last() + failures[i]);
        m_calls.append(m_calls.last() + calls[i]);
    }
}

double FailureCounts::cost(int begin, int end) const
{
    return binomialDeviance(double(m_failures[end] - m_failures[begin]), double(m_calls[end] - m_calls[begin]));
}

} // namespace Kodemon
