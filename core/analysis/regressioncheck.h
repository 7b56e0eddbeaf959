// SPDX-License-Identifier: MIT
#pragma once

#include "base/ranktest.h"
#include "base/result.h"
#include "base/types.h"

#include <optional>
#include <QList>
#include <QString>

namespace Kodemon {

// The regression check of `kodemon compare`: each function's calls in a baseline and a candidate (two ranges, or
// two values of a tag such as release=1.4.1 and release=1.4.2), judged against thresholds such as "p95 may not
// grow by more than 10%". Pure: the command reads the calls, this judges them.

enum class CheckMetric { Mean, P50, P95, Errors };

// "p95:10%" (also "p95:10"): fail when the candidate's p95 is more than 10% above the baseline's and the
// difference is significant. Metrics: mean, p50, p95, errors (the error rate).
struct Threshold
{
    CheckMetric metric = CheckMetric::P95;
    double percent = 10;
};
Result<Threshold> parseThreshold(const QString& text);
QString checkMetricName(CheckMetric metric); // "mean", "p50", "p95", "errors"
QString formatThreshold(const Threshold& threshold); // "p95:10%"

// One side's calls of one function: execution times (milliseconds) and how many of them failed.
struct CheckSample
{
    QList<double> values;
    qint64 failed = 0;
};

// What one side's calls show.
struct CheckSide
{
    qint64 calls = 0;
    qint64 errors = 0;
    double mean = 0;
    double p50 = 0; // nearest rank
    double p95 = 0;
    double errorRate() const { return calls > 0 ? double(errors) / double(calls) : 0.0; }
};
CheckSide describe(const CheckSample& sample);

struct CheckOptions
{
    QList<Threshold> thresholds; // none: every function passes (the table is still printed)
    qint64 minCalls = 30; // fewer calls on a side: the function is not judged
    double significance = 0.01; // the rank test's (latency) or two proportions' (errors) p-value must be below it
};

// How one function compares.
struct CheckRow
{
    enum class Verdict { Regression, Slower, Faster, NoChange, TooFewCalls };

    KeyId id;
    CheckSide baseline;
    CheckSide candidate;
    RankTest test; // candidate against baseline
    double errorsPValue = 1; // two proportions
    Verdict verdict = Verdict::NoChange;
    QStringList exceeded; // the thresholds it exceeds, as "p95 +15.2% > 10%"

    // (candidate - baseline) / baseline in %, nothing when the baseline's value is 0.
    std::optional<double> changePercent(CheckMetric metric) const;
};
QString verdictName(CheckRow::Verdict verdict); // "regression", "slower", "faster", "no change", "too few calls"

CheckRow checkFunction(const KeyId& id, const CheckSample& baseline, const CheckSample& candidate,
    const CheckOptions& options);

} // namespace Kodemon
