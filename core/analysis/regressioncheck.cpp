// SPDX-License-Identifier: MIT
#include "analysis/regressioncheck.h"

#include "analysis/sidetests.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <QRegularExpression>
#include <vector>

namespace Kodemon {

namespace {

double nearestRank(std::vector<double>& values, int permille)
{
    const auto n = qsizetype(values.size());
    const qsizetype rank = std::clamp<qsizetype>((n * permille + 999) / 1000, 1, n);
    const auto nth = values.begin() + (rank - 1);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

double valueOf(const CheckSide& side, CheckMetric metric)
{
    switch (metric) {
    case CheckMetric::Mean:
        return side.mean;
    case CheckMetric::P50:
        return side.p50;
    case CheckMetric::P95:
        return side.p95;
    case CheckMetric::Errors:
        return side.errorRate();
    }
    return 0;
}

} // namespace

QString checkMetricName(CheckMetric metric)
{
    switch (metric) {
    case CheckMetric::Mean:
        return QStringLiteral("mean");
    case CheckMetric::P50:
        return QStringLiteral("p50");
    case CheckMetric::P95:
        return QStringLiteral("p95");
    case CheckMetric::Errors:
        return QStringLiteral("errors");
    }
    return {};
}

QString formatThreshold(const Threshold& threshold)
{
    return checkMetricName(threshold.metric) + u':' + QString::number(threshold.percent) + u'%';
}

Result<Threshold> parseThreshold(const QString& text)
{
    static const QRegularExpression form(QStringLiteral("^(mean|p50|p95|errors):(\\d+(?:\\.\\d+)?)%?$"));
    const auto match = form.match(text.trimmed());
    if (!match.hasMatch())
        return Error { QStringLiteral("\"%1\" is not METRIC:PERCENT, such as p95:10% (metrics: mean, p50, p95, errors)")
                           .arg(text),
            ErrorKind::Invalid };
    Threshold threshold;
    const QString metric = match.captured(1);
    threshold.metric = metric == u"mean" ? CheckMetric::Mean
        : metric == u"p50"               ? CheckMetric::P50
        : metric == u"p95"               ? CheckMetric::P95
                                         : CheckMetric::Errors;
    threshold.percent = match.captured(2).toDouble();
    if (!(threshold.percent <= 100000))
        return Error { QStringLiteral("\"%1\": the percentage is too large").arg(text), ErrorKind::Invalid };
    return threshold;
}

CheckSide describe(const CheckSample& sample)
{
    CheckSide side;
    side.calls = sample.values.size();
    side.errors = sample.failed;
    if (sample.values.isEmpty())
        return side;
    std::vector<double> values(sample.values.cbegin(), sample.values.cend());
    side.mean = std::accumulate(values.cbegin(), values.cend(), 0.0) / double(values.size());
    side.p50 = nearestRank(values, 500);
    side.p95 = nearestRank(values, 950);
    return side;
}

std::optional<double> CheckRow::changePercent(CheckMetric metric) const
{
    const double before = valueOf(baseline, metric);
    if (!(before > 0))
        return std::nullopt;
    return (valueOf(candidate, metric) / before - 1) * 100;
}

QString verdictName(CheckRow::Verdict verdict)
{
    switch (verdict) {
    case CheckRow::Verdict::Regression:
        return QStringLiteral("regression");
    case CheckRow::Verdict::Slower:
        return QStringLiteral("slower");
    case CheckRow::Verdict::Faster:
        return QStringLiteral("faster");
    case CheckRow::Verdict::NoChange:
        return QStringLiteral("no change");
    case CheckRow::Verdict::TooFewCalls:
        return QStringLiteral("too few calls");
    }
    return {};
}

CheckRow checkFunction(const KeyId& id, const CheckSample& baseline, const CheckSample& candidate,
    const CheckOptions& options)
{
    CheckRow row;
    row.id = id;
    row.baseline = describe(baseline);
    row.candidate = describe(candidate);
    if (row.baseline.calls < options.minCalls || row.candidate.calls < options.minCalls) {
        row.verdict = CheckRow::Verdict::TooFewCalls;
        return row;
    }
    row.test = mannWhitneyU(candidate.values, baseline.values);
    row.errorsPValue = twoProportionPValue(row.candidate.errors, row.candidate.calls, row.baseline.errors,
        row.baseline.calls);
    const bool latencyDiffers = row.test.pValue < options.significance;
    for (const auto& threshold : options.thresholds) {
        const bool errors = threshold.metric == CheckMetric::Errors;
        const bool significant = errors ? row.errorsPValue < options.significance : latencyDiffers;
        const double before = valueOf(row.baseline, threshold.metric);
        const double after = valueOf(row.candidate, threshold.metric);
        // From no failures at all any failure is an infinite rise: it counts when significant.
        const double change = before > 0 ? (after / before - 1) * 100 : (after > 0 ? HUGE_VAL : 0);
        if (significant && change > threshold.percent) {
            row.exceeded.append(QStringLiteral("%1 %2 > %3%")
                                    .arg(checkMetricName(threshold.metric),
                                        std::isfinite(change) ? QStringLiteral("+%1%").arg(change, 0, 'f', 1)
                                                              : QStringLiteral("from 0"),
                                        QString::number(threshold.percent)));
        }
    }
    if (!row.exceeded.isEmpty())
        row.verdict = CheckRow::Verdict::Regression;
    else if (latencyDiffers)
        row.verdict = row.test.u > double(row.test.n1) * double(row.test.n2) / 2 ? CheckRow::Verdict::Slower
                                                                                : CheckRow::Verdict::Faster;
    return row;
}

} // namespace Kodemon
