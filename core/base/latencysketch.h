// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Kodemon {

// A mergeable histogram of execution times whose quantiles are within 1% of the true value: the logarithmic
// buckets of DDSketch (Masson, Rim and Lee, VLDB 2019). A time x > 0 lands in bucket i = ceil(log_γ x) with
// γ = (1 + α) / (1 − α), α = 0.01, and a quantile read from bucket i is 2γ^i / (γ + 1), at most α away from any
// value of the bucket. Chosen over HDR histograms because its error is relative at every scale (execution times
// span microseconds to minutes) with no range to configure, and because merging two is adding counts, which
// is also how a summary of deleted calls is taken back out (subtract). Times at or below 1 ns (0 included) are
// counted apart and read as 0. Buckets are kept dense between the lowest and highest used: a lognormal
// function's 1,024 calls use about 300.
class LatencySketch final
{
public:
    static constexpr double RelativeAccuracy = 0.01;

    void add(double milliseconds, qint64 count = 1);
    void merge(const LatencySketch& other);
    // Takes back calls that were added (deleted or expired ones); counts never go below zero.
    void subtract(const LatencySketch& other);
    qint64 count() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    // The nearest-rank quantile (the ceil(n * permille / 1000)-th smallest), estimated within RelativeAccuracy;
    // 0 when empty.
    double quantile(int permille) const;
    // Every non-empty bucket from the fastest: its bounds (milliseconds; the bucket of zero times is [0, 0]) and
    // count, for histograms drawn from a sketch.
    void forEachBucket(const std::function<void(double lower, double upper, qint64 count)>& visit) const;

    // A compact binary form (varints; about a byte per bucket used) and back; nothing from damaged bytes.
    QByteArray encode() const;
    static std::optional<LatencySketch> decode(QByteArrayView bytes);
    // merge(*decode(bytes)) without the decoded copy, when the bytes hold a sketch of `count` calls; false, and
    // nothing merged, otherwise. Readers merge thousands of stored sketches per answer: decoding each into a list
    // of its own was a third of 1,000 buckets over a summarized year (kodemon-querybench --history, perf).
    bool mergeEncoded(QByteArrayView bytes, qint64 count);

    friend bool operator==(const LatencySketch& a, const LatencySketch& b);

private:
    static int indexOf(double milliseconds);
    static double valueOf(int index);
    void cover(int index);
    void trim();

    qint64 m_count = 0;
    qint64 m_zero = 0; // times <= 1 ns
    int m_first = 0; // index of m_counts[0]
    QList<qint64> m_counts;
};

} // namespace Kodemon
