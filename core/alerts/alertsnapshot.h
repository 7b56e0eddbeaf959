// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertevaluator.h"
#include "alerts/alertrule.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace Kodemon {

// One rule with its alerts (one per function and token it watches) and its last transitions.
struct AlertRuleStatus
{
    AlertRule rule;
    QList<AlertInstance> instances; // by key, then token
    QList<AlertTransition> recent; // newest first, at most RecentTransitions
    QString error; // the last evaluation could not read its calls: why (the alerts keep their states)

    static constexpr int RecentTransitions = 50;

    // The most urgent state of its alerts: firing, resolving, pending, resolved, ok.
    AlertState state() const;
    // The alert in that state (the first of them); null when the rule watches no function yet.
    const AlertInstance* worst() const;
};

// What the notifier did (alertnotifier.h): webhooks and commands sent, retried and given up.
struct DeliveryCounters
{
    qint64 delivered = 0; // webhooks answered 2xx, commands that exited 0
    qint64 retries = 0; // attempts after a failure
    qint64 failed = 0; // given up after every retry
    qint64 dropped = 0; // refused because too many were waiting
    qint64 waiting = 0; // queued or waiting for their next attempt now
    QString lastError; // the newest failure, in words
};

// Everything the Alerts panel, the tray and GET /api/alerts show, as of one evaluation.
struct AlertSnapshot
{
    double time = 0; // the evaluation's (epoch seconds); 0 before the first
    double evaluationMs = 0; // how long it took
    QString rulesPath;
    QString rulesError; // the file as changed on disk could not be read: the rules before stay in force
    AlertSettings settings;
    QList<AlertRuleStatus> rules; // in the file's order
    DeliveryCounters deliveries;

    int firingCount() const; // alerts firing or resolving, muted rules included
    const AlertRuleStatus* find(const QString& rule) const;
};

// One notification to send: a rule's alert fired or resolved.
struct AlertEvent
{
    AlertNotice notice = AlertNotice::None;
    AlertRule rule;
    AlertTransition transition;
    QString link; // the web page's view of the function at that time
    QString webhook; // where to post it (the rule's or the global one); empty: no webhook
    QString command; // what to run; empty: nothing
    double webhookTimeout = 10;
};

// Which rules matter most first: firing, resolving, pending, resolved, ok.
int stateUrgency(AlertState state);

// The web page's address for a function around `time` (epoch seconds): `base` + #key=..&token=..&from=..&to=..
QString alertLink(const QString& base, const KeyId& series, double time);

// The one-line summary notifications start with:
// "FIRING: checkout is slow: p95 42.1 ms > 25 ms on /srv/shop/views.py-checkout (token shop)".
QString eventSummary(const AlertEvent& event);

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::AlertSnapshot)
Q_DECLARE_METATYPE(Kodemon::AlertEvent)
