// SPDX-License-Identifier: MIT
#include "store/comparison.h"

#include "base/stats.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace Kodemon {

namespace {

QList<double> executionTimes(const QList<TimedValue>& points)
{
    QList<double> values;
    values.reserve(points.size());
    for (const auto& point : points)
        values.append(point.value);
    return values;
}

// A uniform sample without replacement (a partial Fisher-Yates shuffle). Seeded with the size, so that asking
// the same question twice gives the same answer.
QList<double> uniformSample(QList<double> values, qsizetype size, bool& sampled)
{
    if (values.size() <= size)
        return values;
    sampled = true;
    std::mt19937_64 random(quint64(values.size()) * 0x9E3779B97F4A7C15ull);
    for (qsizetype i = 0; i < size; ++i) {
        std::uniform_int_distribution<qsizetype> pick(i, values.size() - 1);
        std::swap(values[i], values[pick(random)]);
    }
    values.resize(size);
    return values;
}

} // namespace

Result<TimeRange> baselineRange(const TimeRange& current, const BaselineSpec& spec)
{
    if (!current.from || !current.to || current.isReversed())
        return Error { QStringLiteral("a comparison needs a closed range: from and to"), ErrorKind::Invalid };
    const double length = *current.to - *current.from;
    switch (spec.kind) {
    case BaselineSpec::Kind::Previous:
        // Ranges include both ends: the baseline stops just before the current range, so that a call at `from`
        // (timestamps are often whole seconds) is counted once.
        return TimeRange { *current.from - length, std::nextafter(*current.from, -HUGE_VAL) };
    case BaselineSpec::Kind::Offset:
        if (!(spec.offset > 0))
            return Error { QStringLiteral("a baseline offset must point to the past"), ErrorKind::Invalid };
        return TimeRange { *current.from - spec.offset, *current.to - spec.offset };
    case BaselineSpec::Kind::Custom:
        if (!spec.custom.from || !spec.custom.to || spec.custom.isReversed())
            return Error { QStringLiteral("a custom baseline needs baseline_from before baseline_to"),
                ErrorKind::Invalid };
        return spec.custom;
    }
    return Error { QStringLiteral("unknown baseline"), ErrorKind::Invalid };
}

Comparison compareValues(
    const QList<TimedValue>& current, const QList<TimedValue>& baseline, const ComparisonOptions& options)
{
    Comparison comparison;
    QList<double> currentTimes = executionTimes(current);
    QList<double> baselineTimes = executionTimes(baseline);
    comparison.currentStats = computeStats(currentTimes);
    comparison.baselineStats = computeStats(baselineTimes);
    if (currentTimes.isEmpty() || baselineTimes.isEmpty()) {
        comparison.test.n1 = currentTimes.size();
        comparison.test.n2 = baselineTimes.size();
        return comparison;
    }
    if (comparison.baselineStats.p50 > 0)
        comparison.medianShift = comparison.currentStats.p50 / comparison.baselineStats.p50 - 1;
    comparison.test = mannWhitneyU(uniformSample(std::move(currentTimes), options.maxTestSample, comparison.sampled),
        uniformSample(std::move(baselineTimes), options.maxTestSample, comparison.sampled));
    const bool clear = comparison.test.pValue < options.significance
        && std::abs(comparison.medianShift) >= options.minimumEffect;
    comparison.verdict = !clear ? Verdict::NoClearChange
        : comparison.medianShift > 0 ? Verdict::Slower
                                     : Verdict::Faster;
    return comparison;
}

std::optional<double> percentChange(double current, double baseline)
{
    if (baseline == 0)
        return std::nullopt;
    return (current / baseline - 1) * 100;
}

double callRate(qint64 calls, const TimeRange& range)
{
    const double length = range.from && range.to ? *range.to - *range.from : 0;
    return double(calls) / std::max(length, 1.0);
}

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::NoData:
        return QStringLiteral("no data");
    case Verdict::NoClearChange:
        return QStringLiteral("no clear change");
    case Verdict::Slower:
        return QStringLiteral("slower");
    case Verdict::Faster:
        return QStringLiteral("faster");
    }
    return {};
}

} // namespace Kodemon
