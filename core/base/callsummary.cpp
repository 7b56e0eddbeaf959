// SPDX-License-Identifier: MIT
#include "base/callsummary.h"

#include <algorithm>
#include <cmath>

namespace Kodemon {

void CallSummary::add(double milliseconds, bool failed)
{
    min = count == 0 ? milliseconds : std::min(min, milliseconds);
    max = count == 0 ? milliseconds : std::max(max, milliseconds);
    ++count;
    sum += milliseconds;
    sumSquares += milliseconds * milliseconds;
    errors += failed ? 1 : 0;
    sketch.add(milliseconds);
}

void CallSummary::merge(const CallSummary& other)
{
    if (other.count == 0)
        return;
    min = count == 0 ? other.min : std::min(min, other.min);
    max = count == 0 ? other.max : std::max(max, other.max);
    count += other.count;
    sum += other.sum;
    sumSquares += other.sumSquares;
    errors += other.errors;
    sketch.merge(other.sketch);
}

void CallSummary::subtract(const CallSummary& other)
{
    count = std::max<qint64>(0, count - other.count);
    sum -= other.sum;
    sumSquares -= other.sumSquares;
    errors = std::max<qint64>(0, errors - other.errors);
    sketch.subtract(other.sketch);
    if (count == 0)
        *this = CallSummary {};
}

double CallSummary::quantile(int permille) const
{
    return count == 0 ? 0 : std::clamp(sketch.quantile(permille), min, max);
}

KeyStats CallSummary::stats() const
{
    KeyStats stats;
    stats.exact = false;
    stats.count = count;
    stats.errors = errors;
    if (count == 0)
        return stats;
    stats.min = min;
    stats.max = max;
    stats.mean = sum / double(count);
    // Population variance from the moments; rounding can make it a hair below zero for constant data.
    stats.stddev = std::sqrt(std::max(0.0, sumSquares / double(count) - stats.mean * stats.mean));
    stats.p50 = quantile(500);
    stats.p90 = quantile(900);
    stats.p95 = quantile(950);
    stats.p99 = quantile(990);
    stats.p999 = quantile(999);
    return stats;
}

} // namespace Kodemon
