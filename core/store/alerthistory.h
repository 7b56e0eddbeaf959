// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"

#include <optional>
#include <QList>
#include <QString>

namespace Kodemon {

// Where an alert stands (core/alerts/alertrule.h describes when it moves; the semantics are Prometheus' alerting
// rules, with Grafana's "recovering" step named Resolving):
//   Ok        the condition does not hold
//   Pending   it holds, but not yet for the rule's `for` duration
//   Firing    it held for `for`: notified once
//   Resolving it stopped holding while firing; still firing until it stays clear for `keep_firing_for`
//   Resolved  it stayed clear that long: notified once; behaves as Ok afterwards
enum class AlertState { Ok, Pending, Firing, Resolving, Resolved };

// "ok", "pending", "firing", "resolving", "resolved"; parseAlertState() reads them back.
QString alertStateName(AlertState state);
std::optional<AlertState> parseAlertState(const QString& name);
// Firing or resolving: the alert counts as firing (the tray turns red, nothing is notified again).
bool isFiring(AlertState state);

// One change of an alert's state, stored so that the history survives restarts.
struct AlertTransition
{
    double time = 0; // epoch seconds of the evaluation that saw it
    QString rule; // the rule's name
    KeyId series; // the function (key) and token the alert is about
    AlertState from = AlertState::Ok;
    AlertState to = AlertState::Ok;
    std::optional<double> value; // the statistic then; none when the window held no call
    std::optional<double> threshold; // what it was compared with (a baseline's threshold moves with it)
    QString condition; // the rule's condition as written then ("p95 > 25 ms"), for a history that outlives edits

    friend bool operator==(const AlertTransition& a, const AlertTransition& b)
    {
        return a.time == b.time && a.rule == b.rule && a.series == b.series && a.from == b.from && a.to == b.to
            && a.value == b.value && a.threshold == b.threshold && a.condition == b.condition;
    }
};

// Which stored transitions to read: the newest `limit` first, optionally of one rule, one function and a range.
struct AlertHistoryRequest
{
    std::optional<QString> rule;
    std::optional<KeyId> series;
    TimeRange range;
    int limit = 100;
};

// The stored history of alert transitions of a store. Used by one thread, like a reader.
class AlertHistory
{
public:
    virtual ~AlertHistory() = default;
    // Stores every transition, in one transaction.
    virtual Status append(const QList<AlertTransition>& transitions) = 0;
    // Newest first.
    virtual Result<QList<AlertTransition>> read(const AlertHistoryRequest& request) = 0;
    // The newest transition of every (rule, series): where each alert stood when Kodemon stopped.
    virtual Result<QList<AlertTransition>> latest() = 0;
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::AlertTransition)
