// SPDX-License-Identifier: MIT
#pragma once

#include "base/listenerstatus.h"

#include <QByteArray>
#include <QList>

namespace Kodemon::Json {

// /api/status's "listeners": {"statsd": {"state","address","problem","datagrams_received","calls_accepted",
// "kernel_drops","lines":{..},"rejected":{..}}, "otlp": {"state","address","problem","requests_received",
// "calls_accepted","refused":{..},"rejected":{..}}}
QByteArray listeners(const QList<ListenerStatus>& listeners);

} // namespace Kodemon::Json
