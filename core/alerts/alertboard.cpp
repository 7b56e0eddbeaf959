// SPDX-License-Identifier: MIT
#include "alerts/alertboard.h"

namespace Kodemon {

void AlertBoard::publish(const AlertSnapshot& snapshot)
{
    QMutexLocker lock(&m_mutex);
    m_snapshot = snapshot;
}

void AlertBoard::publishDeliveries(const DeliveryCounters& counters)
{
    QMutexLocker lock(&m_mutex);
    m_deliveries = counters;
}

AlertSnapshot AlertBoard::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    AlertSnapshot snapshot = m_snapshot;
    snapshot.deliveries = m_deliveries;
    return snapshot;
}

} // namespace Kodemon
