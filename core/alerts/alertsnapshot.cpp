// SPDX-License-Identifier: MIT
#include "alerts/alertsnapshot.h"

#include <QUrlQuery>

namespace Kodemon {

int stateUrgency(AlertState state)
{
    switch (state) {
    case AlertState::Firing:
        return 4;
    case AlertState::Resolving:
        return 3;
    case AlertState::Pending:
        return 2;
    case AlertState::Resolved:
        return 1;
    case AlertState::Ok:
        return 0;
    }
    return 0;
}

const AlertInstance* AlertRuleStatus::worst() const
{
    const AlertInstance* worst = nullptr;
    for (const auto& instance : instances) {
        if (!worst || stateUrgency(instance.state) > stateUrgency(worst->state))
            worst = &instance;
    }
    return worst;
}

AlertState AlertRuleStatus::state() const
{
    const AlertInstance* instance = worst();
    return instance ? instance->state : AlertState::Ok;
}

int AlertSnapshot::firingCount() const
{
    int firing = 0;
    for (const auto& status : rules) {
        for (const auto& instance : status.instances)
            firing += isFiring(instance.state) ? 1 : 0;
    }
    return firing;
}

const AlertRuleStatus* AlertSnapshot::find(const QString& rule) const
{
    for (const auto& status : rules) {
        if (status.rule.name == rule)
            return &status;
    }
    return nullptr;
}

QString alertLink(const QString& base, const KeyId& series, double time)
{
    // The web page reads its hash with URLSearchParams: form encoding, a space as "+".
    const auto encode = [](const QString& text) {
        return QString::fromLatin1(QUrl::toPercentEncoding(text, " ")).replace(u' ', u'+');
    };
    constexpr double Before = 30 * 60; // enough of the calls before it fired to see the change
    constexpr double After = 10 * 60;
    QString link = base.isEmpty() ? QStringLiteral("http://127.0.0.1:4000/") : base;
    const qsizetype hash = link.indexOf(u'#');
    if (hash >= 0)
        link.truncate(hash);
    // Concatenated, not arg(): an encoded key holds "%2F", which a later arg() would take for a place marker.
    return link + QStringLiteral("#key=") + encode(series.key) + QStringLiteral("&token=") + encode(series.token)
        + QStringLiteral("&from=") + QString::number(qint64(time - Before)) + QStringLiteral("&to=")
        + QString::number(qint64(time + After));
}

QString eventSummary(const AlertEvent& event)
{
    const auto& transition = event.transition;
    const auto statistic = event.rule.condition.statistic;
    const QString state = event.notice == AlertNotice::Firing ? QStringLiteral("FIRING") : QStringLiteral("RESOLVED");
    QString measured;
    if (statistic == AlertStatistic::NoCalls) {
        measured = transition.value && *transition.value > 0
            ? QStringLiteral("%1 calls in the last %2").arg(*transition.value).arg(formatDuration(event.rule.window))
            : QStringLiteral("no calls in the last %1").arg(formatDuration(event.rule.window));
    } else if (transition.value) {
        measured = statisticName(statistic) + u' ' + formatAlertValue(statistic, *transition.value);
        if (transition.threshold)
            measured += QStringLiteral(" (threshold %1)").arg(formatAlertValue(statistic, *transition.threshold));
    } else {
        measured = QStringLiteral("no calls in the last %1").arg(formatDuration(event.rule.window));
    }
    QString where = transition.series.key;
    if (!transition.series.token.isEmpty())
        where += QStringLiteral(" (token %1)").arg(transition.series.token);
    return QStringLiteral("%1: %2: %3 on %4; condition %5")
        .arg(state, event.rule.name, measured, where, transition.condition);
}

} // namespace Kodemon
