// SPDX-License-Identifier: MIT
#include "base/ingestsnapshot.h"

#include <numeric>

namespace Kodemon {

qint64 IngestSnapshot::rejectedTotal() const
{
    return std::accumulate(rejected.begin(), rejected.end(), qint64(0));
}

} // namespace Kodemon
