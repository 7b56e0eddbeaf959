// SPDX-License-Identifier: MIT
#include "alerts/alertrule.h"

#include <array>
#include <cmath>
#include <QLocale>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcAlerts, "kodemon.alerts")

namespace Kodemon {

namespace {

constexpr std::array<std::pair<AlertStatistic, const char16_t*>, 9> StatisticNames { {
    { AlertStatistic::Mean, u"mean" },
    { AlertStatistic::P50, u"p50" },
    { AlertStatistic::P90, u"p90" },
    { AlertStatistic::P95, u"p95" },
    { AlertStatistic::P99, u"p99" },
    { AlertStatistic::Max, u"max" },
    { AlertStatistic::CallsPerMinute, u"calls per minute" },
    { AlertStatistic::ErrorRate, u"error rate" },
    { AlertStatistic::NoCalls, u"no calls" },
} };

// Glob matching with '*' (any text, '/' included: keys are paths) and '?' (one character), iterative with one
// backtracking point, so that no pattern can take more than |key| x |pattern| steps.
bool globMatches(QStringView pattern, QStringView text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starAt = -1;
    qsizetype starText = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == u'?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == u'*') {
            starAt = p++;
            starText = t;
        } else if (starAt >= 0) {
            p = starAt + 1;
            t = ++starText;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

struct Unit
{
    const char16_t* suffix;
    double seconds;
};

// Longest suffixes first, so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 6> DurationUnits { {
    { u"ms", 0.001 },
    { u"s", 1 },
    { u"m", 60 },
    { u"h", 3600 },
    { u"d", 86400 },
    { u"w", 604800 },
} };

// Fixed notation with the fewest digits that read back to the same double: 'g' wrote 4e52 as "4e+52", which the
// rules file's numbers (digits and one point) do not read, and cut values past 12 digits (fuzz_rulesfile).
QString formatNumber(double value)
{
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
}

} // namespace

bool AlertRule::matchesKey(const QString& key) const
{
    return pattern ? globMatches(function, key) : key == function;
}

const AlertRule* AlertRules::find(const QString& name) const
{
    for (const auto& rule : rules) {
        if (rule.name == name)
            return &rule;
    }
    return nullptr;
}

QString statisticName(AlertStatistic statistic)
{
    for (const auto& [known, name] : StatisticNames) {
        if (known == statistic)
            return QString::fromUtf16(name);
    }
    return {};
}

std::optional<AlertStatistic> parseStatistic(const QString& text)
{
    const QString simplified = text.simplified().toLower();
    for (const auto& [statistic, name] : StatisticNames) {
        if (simplified == QStringView(name))
            return statistic;
    }
    if (simplified == u"average" || simplified == u"avg")
        return AlertStatistic::Mean;
    if (simplified == u"median")
        return AlertStatistic::P50;
    if (simplified == u"calls/min" || simplified == u"calls per min" || simplified == u"rate")
        return AlertStatistic::CallsPerMinute;
    return std::nullopt;
}

QString operatorSymbol(AlertOperator op)
{
    switch (op) {
    case AlertOperator::Above:
        return QStringLiteral(">");
    case AlertOperator::AtLeast:
        return QStringLiteral(">=");
    case AlertOperator::Below:
        return QStringLiteral("<");
    case AlertOperator::AtMost:
        return QStringLiteral("<=");
    }
    return {};
}

QString statisticUnit(AlertStatistic statistic)
{
    switch (statistic) {
    case AlertStatistic::CallsPerMinute:
    case AlertStatistic::NoCalls:
        return {};
    case AlertStatistic::ErrorRate:
        return QStringLiteral("%");
    default:
        return QStringLiteral("ms");
    }
}

QString formatAlertValue(AlertStatistic statistic, double value)
{
    const QString unit = statisticUnit(statistic);
    // Notifications are read by people: three significant figures past the thousands are noise.
    const QString number = std::abs(value) >= 1000 ? QString::number(value, 'f', 0) : QString::number(value, 'g', 3);
    if (unit.isEmpty())
        return number;
    return unit == u"%" ? QString(number + unit) : QString(number + u' ' + unit);
}

QString conditionText(const AlertCondition& condition)
{
    if (condition.statistic == AlertStatistic::NoCalls)
        return statisticName(AlertStatistic::NoCalls);
    const QString statistic = statisticName(condition.statistic);
    if (condition.isRelative()) {
        const bool above = condition.op == AlertOperator::Above || condition.op == AlertOperator::AtLeast;
        return QStringLiteral("%1 %2% %3 baseline")
            .arg(statistic, formatNumber(condition.percent), above ? QStringLiteral("above") : QStringLiteral("below"));
    }
    const QString unit = statisticUnit(condition.statistic);
    QString threshold = formatNumber(condition.threshold);
    if (!unit.isEmpty())
        threshold += unit == u"%" ? unit : QString(u' ' + unit);
    return QStringLiteral("%1 %2 %3").arg(statistic, operatorSymbol(condition.op), threshold);
}

QString baselineText(const BaselineSpec& spec)
{
    if (spec.kind == BaselineSpec::Kind::Previous)
        return QStringLiteral("previous");
    return u'-' + formatDuration(spec.offset);
}

bool compareAlertValue(AlertOperator op, double value, double threshold)
{
    switch (op) {
    case AlertOperator::Above:
        return value > threshold;
    case AlertOperator::AtLeast:
        return value >= threshold;
    case AlertOperator::Below:
        return value < threshold;
    case AlertOperator::AtMost:
        return value <= threshold;
    }
    return false;
}

std::optional<double> parseRuleDuration(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    static const QRegularExpression form(QStringLiteral(R"(^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$)"));
    const auto match = form.match(trimmed);
    if (!match.hasMatch())
        return std::nullopt;
    double seconds = match.capturedView(1).toDouble();
    const QStringView unit = match.capturedView(2);
    for (const auto& [suffix, factor] : DurationUnits) {
        if (unit == QStringView(suffix))
            seconds *= factor;
    }
    if (!std::isfinite(seconds) || seconds > 100.0 * 366 * 86400) // a century: far past any window of data
        return std::nullopt;
    return seconds;
}

QString formatDuration(double seconds)
{
    for (auto it = DurationUnits.rbegin(); it != DurationUnits.rend(); ++it) {
        const double amount = seconds / it->seconds;
        if (seconds > 0 && amount >= 1 && std::abs(amount - std::round(amount)) < 1e-9)
            return QString::number(qint64(std::round(amount))) + QString::fromUtf16(it->suffix);
    }
    if (seconds == 0)
        return QStringLiteral("0s");
    return formatNumber(seconds) + u's';
}

} // namespace Kodemon
