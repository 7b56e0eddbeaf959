// SPDX-License-Identifier: MIT
#include "live/collectorfeed.h"

#include "ingest/collector.h"

namespace Kodemon {

CollectorFeed::CollectorFeed(Collector* collector, QObject* parent)
    : SampleFeed(parent)
{
    // The calls were committed just before this runs; a view that is still loading skips them anyway.
    connect(collector, &Collector::stored, this,
        [this](const QList<Sample>& samples) { Q_EMIT samplesArrived(samples, clockMs()); });
}

CollectorFeed::~CollectorFeed() = default;

} // namespace Kodemon
