// SPDX-License-Identifier: MIT
#include "alerts/alertevaluator.h"

#include <algorithm>
#include <numeric>

namespace Kodemon {

namespace {

// The nearest-rank percentile of `values` (reordered): the ceil(n * permille / 1000)-th smallest, as
// base/stats.h's nearestRank() reads it from sorted values.
double percentile(QList<double>& values, int permille)
{
    const qsizetype n = values.size();
    const qsizetype index = std::clamp<qsizetype>((n * permille + 999) / 1000 - 1, 0, n - 1);
    std::nth_element(values.begin(), values.begin() + index, values.end());
    return values[index];
}

} // namespace

KeyStats statsOf(AlertStatistic statistic, CallTimes& times)
{
    KeyStats stats;
    stats.count = times.values.size();
    stats.errors = times.failed;
    if (times.values.isEmpty())
        return stats;
    QList<double>& values = times.values;
    switch (statistic) {
    case AlertStatistic::Mean:
        stats.mean = std::accumulate(values.cbegin(), values.cend(), 0.0) / double(values.size());
        break;
    case AlertStatistic::Max:
        stats.max = *std::max_element(values.cbegin(), values.cend());
        break;
    case AlertStatistic::P50:
        stats.p50 = percentile(values, 500);
        break;
    case AlertStatistic::P90:
        stats.p90 = percentile(values, 900);
        break;
    case AlertStatistic::P95:
        stats.p95 = percentile(values, 950);
        break;
    case AlertStatistic::P99:
        stats.p99 = percentile(values, 990);
        break;
    default: // counts and error rates need nothing more
        break;
    }
    return stats;
}

std::optional<double> statisticValue(AlertStatistic statistic, const KeyStats& stats, double window)
{
    switch (statistic) {
    case AlertStatistic::NoCalls:
        return double(stats.count);
    case AlertStatistic::CallsPerMinute:
        return window > 0 ? double(stats.count) * 60.0 / window : 0.0;
    case AlertStatistic::ErrorRate:
        return stats.count > 0 ? std::optional<double>(100.0 * double(stats.errors) / double(stats.count)) : std::nullopt;
    default:
        break;
    }
    if (stats.count <= 0)
        return std::nullopt;
    switch (statistic) {
    case AlertStatistic::Mean:
        return stats.mean;
    case AlertStatistic::P50:
        return stats.p50;
    case AlertStatistic::P90:
        return stats.p90;
    case AlertStatistic::P95:
        return stats.p95;
    case AlertStatistic::P99:
        return stats.p99;
    default:
        return stats.max;
    }
}

AlertMeasurement measure(
    const AlertCondition& condition, const KeyStats& current, double window, const std::optional<KeyStats>& baseline)
{
    AlertMeasurement measurement;
    measurement.value = statisticValue(condition.statistic, current, window);
    if (condition.statistic == AlertStatistic::NoCalls) {
        measurement.holds = current.count == 0;
        return measurement;
    }
    if (!condition.isRelative()) {
        measurement.threshold = condition.threshold;
    } else if (baseline && baseline->count > 0) {
        if (const auto before = statisticValue(condition.statistic, *baseline, window)) {
            const double factor = condition.op == AlertOperator::Above || condition.op == AlertOperator::AtLeast
                ? 1 + condition.percent / 100
                : 1 - condition.percent / 100;
            measurement.threshold = *before * factor;
        }
    }
    measurement.holds = measurement.value && measurement.threshold
        && compareAlertValue(condition.op, *measurement.value, *measurement.threshold);
    return measurement;
}

AlertNotice noticeFor(AlertState from, AlertState to)
{
    if (to == AlertState::Firing && (from == AlertState::Ok || from == AlertState::Pending || from == AlertState::Resolved))
        return AlertNotice::Firing;
    if (to == AlertState::Resolved && isFiring(from))
        return AlertNotice::Resolved;
    return AlertNotice::None;
}

namespace {

AlertState nextState(AlertInstance& instance, const AlertRule& rule, bool holds, double now)
{
    switch (instance.state) {
    case AlertState::Ok:
    case AlertState::Resolved:
        if (!holds)
            return instance.state;
        instance.activeAt = now;
        return rule.forSeconds > 0 ? AlertState::Pending : AlertState::Firing;
    case AlertState::Pending:
        if (!holds)
            return AlertState::Ok;
        return now - instance.activeAt >= rule.forSeconds ? AlertState::Firing : AlertState::Pending;
    case AlertState::Firing:
        if (holds)
            return AlertState::Firing;
        instance.clearAt = now;
        return rule.keepFiringFor > 0 ? AlertState::Resolving : AlertState::Resolved;
    case AlertState::Resolving:
        if (holds)
            return AlertState::Firing;
        return now - instance.clearAt >= rule.keepFiringFor ? AlertState::Resolved : AlertState::Resolving;
    }
    return instance.state;
}

} // namespace

std::optional<AlertTransition> advance(
    AlertInstance& instance, const AlertRule& rule, const AlertMeasurement& measurement, double now)
{
    instance.value = measurement.value;
    instance.threshold = measurement.threshold;
    const AlertState from = instance.state;
    const AlertState to = nextState(instance, rule, measurement.holds, now);
    if (to == from)
        return std::nullopt;
    instance.state = to;
    instance.since = now;
    return AlertTransition { now, rule.name, instance.series, from, to, measurement.value, measurement.threshold,
        conditionText(rule.condition) };
}

AlertInstance resumeInstance(const AlertTransition& last)
{
    AlertInstance instance;
    instance.series = last.series;
    instance.state = last.to;
    instance.since = last.time;
    instance.value = last.value;
    instance.threshold = last.threshold;
    // Pending counts its `for` from the transition; Firing fired then; Resolving clears from then.
    instance.activeAt = last.time;
    instance.clearAt = last.time;
    return instance;
}

} // namespace Kodemon
