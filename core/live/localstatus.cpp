// SPDX-License-Identifier: MIT
#include "live/localstatus.h"

#include "base/hostport.h"
#include "ingest/collector.h"
#include "ingest/ingestcounters.h"
#include "live/samplefeed.h"
#include "store/store.h"

namespace Kodemon {

LocalStatus::LocalStatus(Collector* collector, std::shared_ptr<Store> store, QObject* parent)
    : StatusSource(parent)
    , m_collector(collector)
    , m_store(std::move(store))
{ }

LocalStatus::~LocalStatus() = default;

CollectorStatus LocalStatus::current() const
{
    CollectorStatus status;
    status.sampledAtMs = SampleFeed::clockMs();
    if (m_store) {
        status.databaseBytes = m_store->sizeOnDisk();
        status.databaseLocation = m_store->location();
    }
    if (!m_collector)
        return status;
    status.counters = m_collector->counters()->snapshot();
    status.udpEndpoint = hostPort(m_collector->udpAddress(), m_collector->udpPort());
    status.problem = status.counters.storeError;
    status.state = !m_collector->isRunning() ? CollectorStatus::State::Stopped
        : status.problem.isEmpty()           ? CollectorStatus::State::Listening
                                             : CollectorStatus::State::StoreFailing;
    return status;
}

} // namespace Kodemon
