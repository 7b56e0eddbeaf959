// SPDX-License-Identifier: MIT
#pragma once

namespace Kodemon {

// Maps an execution time to its LatencySketch bucket, i = ceil(ln x / ln γ) clamped to ±MaxIndex, exactly as
// that formula computes it in doubles but with two table reads instead of a `log`: cutting raw chunks into 1,000
// buckets over a year adds every call of the cut chunks to a sketch, and `indexOf` with its `log` was 15.6% of
// the answer (kodemon-querybench --history, perf, 2026-12-06). The tables are built once, on first use, from the
// formula itself (the smallest double of each bucket, found by bisection), so the two cannot disagree.
class SketchIndex final
{
public:
    static constexpr int MaxIndex = 2000; // γ^2000 ms is far beyond any duration a double of milliseconds holds

    // The bucket of `milliseconds` (> 0; NaN and times outside the tables are answered by byLog()).
    static int of(double milliseconds);
    // The formula, with its `log`: what of() must equal for every double.
    static int byLog(double milliseconds);
    // The smallest double whose bucket is `index`, for the tests (only between LowestTabled and MaxIndex).
    static double lowerBound(int index);

    static constexpr int LowestTabled = -720; // γ^-720 ≈ 6e-7 ms: below the 1 ns under which times count as zero
};

} // namespace Kodemon
