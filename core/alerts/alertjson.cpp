// SPDX-License-Identifier: MIT
#include "alerts/alertjson.h"

#include "base/tagfilter.h"

#include <cmath>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace Kodemon::AlertJson {

namespace {

QJsonValue number(const std::optional<double>& value)
{
    return value && std::isfinite(*value) ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonArray tagList(const QList<TagFilter>& tags)
{
    QJsonArray list;
    for (const auto& tag : tags)
        list.append(formatTagFilter(tag));
    return list;
}

QString isoTime(double time)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(time * 1000)), Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject ruleObject(const AlertRule& rule)
{
    QJsonObject object;
    object.insert(QLatin1String("name"), rule.name);
    object.insert(QLatin1String("function"), rule.function);
    object.insert(QLatin1String("pattern"), rule.pattern);
    object.insert(QLatin1String("token"), rule.token ? QJsonValue(*rule.token) : QJsonValue(QJsonValue::Null));
    object.insert(QLatin1String("tags"), tagList(rule.tags));
    object.insert(QLatin1String("outcome"), outcomeName(rule.outcome));
    object.insert(QLatin1String("condition"), conditionText(rule.condition));
    object.insert(QLatin1String("statistic"), statisticName(rule.condition.statistic));
    object.insert(QLatin1String("unit"), statisticUnit(rule.condition.statistic));
    object.insert(QLatin1String("baseline"),
        rule.condition.baseline ? QJsonValue(baselineText(*rule.condition.baseline)) : QJsonValue(QJsonValue::Null));
    object.insert(QLatin1String("window_seconds"), rule.window);
    object.insert(QLatin1String("for_seconds"), rule.forSeconds);
    object.insert(QLatin1String("keep_firing_for_seconds"), rule.keepFiringFor);
    object.insert(QLatin1String("muted"), rule.muted);
    object.insert(QLatin1String("description"), rule.description);
    return object;
}

QJsonObject instanceObject(const AlertInstance& instance)
{
    return QJsonObject { { QLatin1String("function"), instance.series.key },
        { QLatin1String("token"), instance.series.token }, { QLatin1String("state"), alertStateName(instance.state) },
        { QLatin1String("since"), instance.since > 0 ? QJsonValue(instance.since) : QJsonValue(QJsonValue::Null) },
        { QLatin1String("value"), number(instance.value) }, { QLatin1String("threshold"), number(instance.threshold) } };
}

QJsonObject transitionObject(const AlertTransition& transition)
{
    return QJsonObject { { QLatin1String("time"), transition.time },
        { QLatin1String("function"), transition.series.key }, { QLatin1String("token"), transition.series.token },
        { QLatin1String("from"), alertStateName(transition.from) }, { QLatin1String("to"), alertStateName(transition.to) },
        { QLatin1String("value"), number(transition.value) }, { QLatin1String("threshold"), number(transition.threshold) },
        { QLatin1String("condition"), transition.condition } };
}

// The rule as `request` may see it: its alerts and history in scope and in the state asked for; nothing when the
// scope sees none of it.
std::optional<QJsonObject> visibleRule(
    const AlertRuleStatus& status, const Request& request, const AlertSettings& settings)
{
    const ReadScope& scope = request.scope;
    if (scope.isRestricted() && status.rule.token && !scope.allows(*status.rule.token))
        return std::nullopt;
    QJsonArray alerts;
    AlertState state = AlertState::Ok;
    for (const auto& instance : status.instances) {
        if (!scope.allows(instance.series.token) || (request.state && instance.state != *request.state))
            continue;
        alerts.append(instanceObject(instance));
        if (stateUrgency(instance.state) > stateUrgency(state))
            state = instance.state;
    }
    // A rule for every token that watches none of this scope's functions (yet) says nothing about them.
    if (scope.isRestricted() && !status.rule.token && alerts.isEmpty())
        return std::nullopt;
    if (request.state && alerts.isEmpty() && !(*request.state == AlertState::Ok && status.instances.isEmpty()))
        return std::nullopt;
    QJsonArray history;
    for (const auto& transition : status.recent) {
        if (history.size() >= request.history)
            break;
        if (scope.allows(transition.series.token))
            history.append(transitionObject(transition));
    }
    QJsonObject object = ruleObject(status.rule);
    QJsonArray notifies;
    if (!status.rule.webhook.isEmpty() || !settings.webhook.isEmpty())
        notifies.append(QLatin1String("webhook"));
    if (!status.rule.command.isEmpty() || !settings.command.isEmpty())
        notifies.append(QLatin1String("command"));
    object.insert(QLatin1String("notifies"), notifies);
    object.insert(QLatin1String("state"), alertStateName(state));
    object.insert(QLatin1String("error"), status.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(status.error));
    object.insert(QLatin1String("alerts"), alerts);
    object.insert(QLatin1String("history"), history);
    return object;
}

} // namespace

QJsonObject event(const AlertEvent& event)
{
    const AlertRule& rule = event.rule;
    const AlertTransition& transition = event.transition;
    QJsonObject body;
    body.insert(QLatin1String("text"), QString(eventSummary(event) + u' ' + event.link));
    body.insert(QLatin1String("state"), event.notice == AlertNotice::Firing ? QLatin1String("firing") : QLatin1String("resolved"));
    body.insert(QLatin1String("rule"), rule.name);
    body.insert(QLatin1String("description"), rule.description);
    body.insert(QLatin1String("function"), transition.series.key);
    body.insert(QLatin1String("token"), transition.series.token);
    body.insert(QLatin1String("tags"), tagList(rule.tags));
    body.insert(QLatin1String("outcome"), outcomeName(rule.outcome));
    body.insert(QLatin1String("condition"), transition.condition);
    body.insert(QLatin1String("statistic"), statisticName(rule.condition.statistic));
    body.insert(QLatin1String("unit"), statisticUnit(rule.condition.statistic));
    body.insert(QLatin1String("value"), number(transition.value));
    body.insert(QLatin1String("threshold"), number(transition.threshold));
    body.insert(QLatin1String("window_seconds"), rule.window);
    body.insert(QLatin1String("for_seconds"), rule.forSeconds);
    body.insert(QLatin1String("keep_firing_for_seconds"), rule.keepFiringFor);
    body.insert(QLatin1String("time"), transition.time);
    body.insert(QLatin1String("time_iso"), isoTime(transition.time));
    body.insert(QLatin1String("link"), event.link);
    body.insert(QLatin1String("kodemon"), QLatin1String(KODEMON_VERSION));
    return body;
}

QByteArray webhookBody(const AlertEvent& alert)
{
    return QJsonDocument(event(alert)).toJson(QJsonDocument::Compact);
}

QByteArray alerts(const AlertSnapshot& snapshot, const Request& request)
{
    QJsonArray rules;
    int firing = 0;
    for (const auto& status : snapshot.rules) {
        const auto object = visibleRule(status, request, snapshot.settings);
        if (!object)
            continue;
        for (const auto& alert : object->value(QLatin1String("alerts")).toArray())
            firing += isFiring(*parseAlertState(alert.toObject().value(QLatin1String("state")).toString())) ? 1 : 0;
        rules.append(*object);
    }
    QJsonObject root;
    root.insert(QLatin1String("time"), snapshot.time > 0 ? QJsonValue(snapshot.time) : QJsonValue(QJsonValue::Null));
    root.insert(QLatin1String("interval_seconds"), snapshot.settings.interval);
    root.insert(QLatin1String("evaluation_ms"), snapshot.evaluationMs);
    const bool everything = !request.scope.isRestricted();
    root.insert(QLatin1String("rules_file"), everything ? QJsonValue(snapshot.rulesPath) : QJsonValue(QJsonValue::Null));
    root.insert(QLatin1String("rules_error"),
        everything && !snapshot.rulesError.isEmpty() ? QJsonValue(snapshot.rulesError) : QJsonValue(QJsonValue::Null));
    root.insert(QLatin1String("firing"), firing);
    root.insert(QLatin1String("rules"), rules);
    if (everything) {
        const auto& deliveries = snapshot.deliveries;
        root.insert(QLatin1String("notifications"),
            QJsonObject { { QLatin1String("delivered"), deliveries.delivered },
                { QLatin1String("retries"), deliveries.retries }, { QLatin1String("failed"), deliveries.failed },
                { QLatin1String("dropped"), deliveries.dropped }, { QLatin1String("waiting"), deliveries.waiting },
                { QLatin1String("last_error"),
                    deliveries.lastError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(deliveries.lastError) } });
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

} // namespace Kodemon::AlertJson
