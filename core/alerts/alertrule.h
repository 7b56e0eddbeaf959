// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "store/comparison.h"

#include <optional>
#include <QList>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcAlerts)

namespace Kodemon {

// What a rule measures over its window of calls.
enum class AlertStatistic {
    Mean,
    P50,
    P90,
    P95,
    P99,
    Max,
    CallsPerMinute,
    ErrorRate, // percent of the calls that failed
    NoCalls, // the window holds no call at all
};

// How the statistic is held against the threshold.
enum class AlertOperator { Above, AtLeast, Below, AtMost }; // > >= < <=

// When an alert's condition holds: the statistic against a fixed threshold (`p95 > 25 ms`), against the same
// statistic over a baseline range (`p95 30% above baseline`, baseline -1w: the same window a week earlier), or
// `no calls`.
struct AlertCondition
{
    AlertStatistic statistic = AlertStatistic::P95;
    AlertOperator op = AlertOperator::Above;
    double threshold = 0; // milliseconds, calls per minute or percent; unused with a baseline
    // With a baseline: how far from the baseline's value, in percent (30 means 30% above or below).
    std::optional<BaselineSpec> baseline;
    double percent = 0;

    bool isRelative() const { return baseline.has_value(); }
};

// One alerting rule, as the rules file (rulesfile.h) writes it.
struct AlertRule
{
    QString name; // unique in the file
    QString function; // a key, or with `pattern` a pattern over keys (* any text, ? one character)
    bool pattern = false;
    std::optional<QString> token; // only the calls of this token; every token's alerts apart otherwise
    QList<TagFilter> tags; // only calls whose tags pass every filter
    CallOutcome outcome = CallOutcome::All;
    AlertCondition condition;
    double window = 300; // seconds of calls each evaluation reads, ending now
    double forSeconds = 0; // the condition must hold this long before the alert fires
    double keepFiringFor = 0; // and stay clear this long before it resolves
    QString webhook; // URL; empty: the global one
    QString command; // program and arguments; empty: the global one
    QString description; // free text carried into notifications
    bool muted = false; // evaluated and recorded, but never notified
    int line = 0; // where the rule starts in its file (1-based), 0 when it was not read from one

    // Whether the rule reads the calls of `key`.
    bool matchesKey(const QString& key) const;
};

// What applies to every rule of a file.
struct AlertSettings
{
    double interval = 5; // seconds between evaluations
    QString webhook; // URL used by rules without their own
    QString command; // program run by rules without their own
    QString link; // the web page's address for links in notifications; empty: Kodemon's own HTTP address
    double webhookTimeout = 10; // seconds a webhook request may take before it counts as failed and is retried
};

struct AlertRules
{
    AlertSettings settings;
    QList<AlertRule> rules;

    const AlertRule* find(const QString& name) const;
};

// The names the rules file uses: "p95", "calls per minute", "error rate", "no calls"...
QString statisticName(AlertStatistic statistic);
std::optional<AlertStatistic> parseStatistic(const QString& text);
QString operatorSymbol(AlertOperator op); // ">", ">=", "<", "<="
// The unit a statistic's values and thresholds are written in: "ms", "%" or "" (calls per minute, no calls).
QString statisticUnit(AlertStatistic statistic);
// A value with its unit, as the rules file and notifications write it: "25 ms", "10%", "120".
QString formatAlertValue(AlertStatistic statistic, double value);
// The condition as the rules file writes it after `when =`.
QString conditionText(const AlertCondition& condition);
// "-1w", "-1d", "previous", "-90m" as the `baseline =` line writes it.
QString baselineText(const BaselineSpec& spec);

// Whether `value` passes the condition against `threshold`.
bool compareAlertValue(AlertOperator op, double value, double threshold);

// Durations as rules write them: "500ms", "30s", "5m", "1h", "1d", "1w" (also fractions, "1.5m"); a plain
// number is seconds. formatDuration() writes the shortest exact form.
std::optional<double> parseRuleDuration(QStringView text);
QString formatDuration(double seconds);

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::AlertRule)
