// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"
#include "store/readscope.h"

#include <QByteArray>
#include <QJsonObject>

namespace Kodemon {

// The JSON documents of the alerts: the webhook's body and GET /api/alerts (docs/API.md describes both).
namespace AlertJson {

// The webhook's body: {"text" (Slack-compatible, one line and the link), "state", "rule", "description",
// "function", "token", "tags", "outcome", "condition", "statistic", "unit", "value", "threshold", "window_seconds",
// "for_seconds", "keep_firing_for_seconds", "time", "time_iso", "link", "kodemon"}.
QJsonObject event(const AlertEvent& event);
QByteArray webhookBody(const AlertEvent& event);

// What GET /api/alerts asks for.
struct Request
{
    ReadScope scope; // an API token limited to some tokens sees only their alerts
    std::optional<AlertState> state; // only rules (and alerts) in this state
    int history = 10; // transitions per rule, newest first (0 to AlertRuleStatus::RecentTransitions)
};

// {"time","interval_seconds","evaluation_ms","rules_file","rules_error","firing","rules":[{"name","function",
//  "pattern","token","tags","outcome","condition","statistic","unit","baseline","window_seconds","for_seconds",
//  "keep_firing_for_seconds","muted","description","notifies":["webhook","command"],"state","error","alerts":[
//  {"function","token","state","since","value","threshold"}],"history":[{"time","function","token","from","to",
//  "value","threshold","condition"}]}],"notifications":{"delivered","retries","failed","dropped","waiting",
//  "last_error"}}. Webhook URLs and commands are left out: they often hold secrets.
QByteArray alerts(const AlertSnapshot& snapshot, const Request& request);

} // namespace AlertJson

} // namespace Kodemon
