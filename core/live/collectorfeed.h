// SPDX-License-Identifier: MIT
#pragma once

#include "live/samplefeed.h"

namespace Kodemon {

class Collector;

// The local feed: every call the collector commits, as it commits it.
class CollectorFeed final : public SampleFeed
{
    Q_OBJECT
public:
    explicit CollectorFeed(Collector* collector, QObject* parent = nullptr);
    ~CollectorFeed() override;
    Q_DISABLE_COPY_MOVE(CollectorFeed)
};

} // namespace Kodemon
