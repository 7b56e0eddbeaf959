// SPDX-License-Identifier: MIT
#include "base/sketchindex.h"

#include "base/latencysketch.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace Kodemon {

namespace {

constexpr double Gamma = (1 + LatencySketch::RelativeAccuracy) / (1 - LatencySketch::RelativeAccuracy);
const double LogGamma = std::log(Gamma);

// A cell is the doubles sharing a sign, an exponent and the mantissa's top CellBits bits: 2^-7 = 0.8% wide,
// less than a bucket (γ - 1 = 2.0%), so each cell holds at most one bucket's lower bound and a time's bucket is
// its cell's first bucket or the next one.
constexpr int CellBits = 7;
constexpr int CellShift = 52 - CellBits;

struct Tables
{
    double low = 0; // lowest and past-highest double tabled
    double high = 0;
    uint64_t firstCell = 0;
    std::vector<double> lower; // lower[i - LowestTabled]: the smallest double of bucket i; +inf past MaxIndex
    std::vector<int16_t> cellBucket; // the bucket of each cell's first double
};

uint64_t bitsOf(double value)
{
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

double doubleOf(uint64_t bits)
{
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// The smallest positive double whose formula bucket is at least `index` (positive doubles order as their bits).
double smallestOfBucket(int index)
{
    uint64_t below = bitsOf(std::exp((index - 1.5) * LogGamma));
    uint64_t at = bitsOf(std::exp((index + 0.5) * LogGamma));
    while (SketchIndex::byLog(doubleOf(below)) >= index)
        below /= 2; // never taken for buckets this far from 0 and ∞; kept so that a wrong guess cannot mislead
    while (SketchIndex::byLog(doubleOf(at)) < index)
        at += (at - below);
    while (at - below > 1) {
        const uint64_t middle = below + (at - below) / 2;
        (SketchIndex::byLog(doubleOf(middle)) >= index ? at : below) = middle;
    }
    return doubleOf(at);
}

Tables build()
{
    Tables tables;
    const int buckets = SketchIndex::MaxIndex - SketchIndex::LowestTabled + 1;
    tables.lower.resize(buckets + 1);
    for (int i = 0; i < buckets; ++i)
        tables.lower[i] = smallestOfBucket(SketchIndex::LowestTabled + i);
    tables.lower[buckets] = std::numeric_limits<double>::infinity();
    // Cells from the one holding the lowest bucket's bound to the one holding MaxIndex's (higher times clamp).
    tables.low = tables.lower.front();
    tables.firstCell = bitsOf(tables.low) >> CellShift;
    const uint64_t lastCell = bitsOf(tables.lower[buckets - 1]) >> CellShift;
    tables.high = doubleOf((lastCell + 1) << CellShift);
    tables.cellBucket.resize(lastCell - tables.firstCell + 1);
    int bucket = SketchIndex::LowestTabled;
    for (uint64_t cell = tables.firstCell; cell <= lastCell; ++cell) {
        const double first = std::max(doubleOf(cell << CellShift), tables.low);
        while (first >= tables.lower[bucket + 1 - SketchIndex::LowestTabled])
            ++bucket;
        tables.cellBucket[cell - tables.firstCell] = int16_t(bucket);
    }
    return tables;
}

const Tables& tables()
{
    static const Tables built = build(); // thread-safe, once per process: 2,721 bisections, about 3 ms
    return built;
}

} // namespace

int SketchIndex::byLog(double milliseconds)
{
    return std::clamp(int(std::ceil(std::log(milliseconds) / LogGamma)), -MaxIndex, MaxIndex);
}

int SketchIndex::of(double milliseconds)
{
    const Tables& t = tables();
    if (!(milliseconds >= t.low && milliseconds < t.high)) // NaN too
        return byLog(milliseconds);
    int bucket = t.cellBucket[(bitsOf(milliseconds) >> CellShift) - t.firstCell];
    if (milliseconds >= t.lower[bucket + 1 - LowestTabled])
        ++bucket;
    return bucket;
}

double SketchIndex::lowerBound(int index)
{
    return tables().lower[std::clamp(index, LowestTabled, MaxIndex) - LowestTabled];
}

} // namespace Kodemon
