// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <QMutex>

namespace Kodemon {

// The alerts' latest state for readers on other threads (the HTTP server): the engine publishes each evaluation,
// the notifier its counters; readers take a copy. Thread-safe.
class AlertBoard final
{
public:
    void publish(const AlertSnapshot& snapshot);
    void publishDeliveries(const DeliveryCounters& counters);
    // The last evaluation with the notifier's current counters.
    AlertSnapshot snapshot() const;

private:
    mutable QMutex m_mutex;
    AlertSnapshot m_snapshot;
    DeliveryCounters m_deliveries;
};

} // namespace Kodemon
