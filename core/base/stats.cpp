// SPDX-License-Identifier: MIT
#include "base/stats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

namespace Kodemon {

namespace {

// Index of the nearest-rank percentile in a set of n values, in integers so that p99.9 of 1000 is the 999th.
qsizetype rankIndex(qsizetype n, int permille)
{
    const qsizetype rank = (n * permille + 999) / 1000;
    return std::clamp<qsizetype>(rank - 1, 0, n - 1);
}

// Selects the values at the given ascending ranks in one pass each over a shrinking tail.
template<size_t N> std::array<double, N> selectRanks(QList<double>& values, const std::array<int, N>& permilles)
{
    std::array<double, N> out {};
    auto begin = values.begin();
    for (size_t i = 0; i < N; ++i) {
        auto nth = values.begin() + rankIndex(values.size(), permilles[i]);
        if (nth >= begin) {
            std::nth_element(begin, nth, values.end());
            begin = nth;
        }
        out[i] = *nth;
    }
    return out;
}

void fillMoments(const QList<double>& values, KeyStats& stats)
{
    double sum = 0;
    stats.min = values.front();
    stats.max = values.front();
    for (double v : values) {
        sum += v;
        stats.min = std::min(stats.min, v);
        stats.max = std::max(stats.max, v);
    }
    stats.mean = sum / double(values.size());
    double squares = 0;
    for (double v : values)
        squares += (v - stats.mean) * (v - stats.mean);
    stats.stddev = std::sqrt(squares / double(values.size()));
}

SeriesBucket summarize(QList<double>::iterator values, qsizetype count, double start)
{
    SeriesBucket bucket;
    bucket.start = start;
    bucket.count = count;
    double sum = 0;
    bucket.min = *values;
    bucket.max = *values;
    for (auto v = values; v != values + count; ++v) {
        sum += *v;
        bucket.min = std::min(bucket.min, *v);
        bucket.max = std::max(bucket.max, *v);
    }
    bucket.mean = sum / double(count);
    auto nth = values + rankIndex(count, 950);
    std::nth_element(values, nth, values + count);
    bucket.p95 = *nth;
    return bucket;
}

} // namespace

SeriesSummary summarize(const SeriesInfo& info, QList<double>& values)
{
    SeriesSummary summary { info, values.size(), 0, 0 };
    if (values.isEmpty())
        return summary;
    double sum = 0;
    for (double v : std::as_const(values))
        sum += v;
    summary.mean = sum / double(values.size());
    auto nth = values.begin() + rankIndex(values.size(), 950);
    std::nth_element(values.begin(), nth, values.end());
    summary.p95 = *nth;
    return summary;
}

double nearestRank(const QList<double>& sorted, int permille)
{
    return sorted.at(rankIndex(sorted.size(), permille));
}

KeyStats computeStats(QList<double> values)
{
    KeyStats stats;
    stats.count = values.size();
    if (values.isEmpty())
        return stats;
    fillMoments(values, stats);
    const auto ranks = selectRanks(values, std::array<int, 5> { 500, 900, 950, 990, 999 });
    stats.p50 = ranks[0];
    stats.p90 = ranks[1];
    stats.p95 = ranks[2];
    stats.p99 = ranks[3];
    stats.p999 = ranks[4];
    return stats;
}

namespace {

// IEEE doubles as unsigned keys in the same order: flip every bit of negatives, the sign bit of the rest.
quint64 orderedBits(double value)
{
    quint64 bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits >> 63) != 0 ? ~bits : bits | (quint64(1) << 63);
}

double fromOrderedBits(quint64 key)
{
    const quint64 bits = (key >> 63) != 0 ? key & ~(quint64(1) << 63) : ~key;
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

} // namespace

void sortValues(QList<double>& values)
{
    constexpr qsizetype RadixFrom = 1 << 16; // below, std::sort is as fast
    if (values.size() < RadixFrom) {
        std::sort(values.begin(), values.end());
        return;
    }
    const qsizetype n = values.size();
    std::vector<quint64> keys(static_cast<size_t>(n));
    std::vector<quint64> scratch(static_cast<size_t>(n));
    // Least significant digit first, 11 bits a pass; every pass's counts come from one read of the keys.
    constexpr int DigitBits = 11;
    constexpr int Passes = (64 + DigitBits - 1) / DigitBits;
    constexpr size_t Digits = size_t(1) << DigitBits;
    constexpr quint64 DigitMask = Digits - 1;
    std::vector<qsizetype> offsets(Passes * Digits, 0);
    for (qsizetype i = 0; i < n; ++i) {
        const quint64 key = orderedBits(values[i]);
        keys[size_t(i)] = key;
        for (int pass = 0; pass < Passes; ++pass)
            ++offsets[pass * Digits + size_t((key >> (pass * DigitBits)) & DigitMask)];
    }
    for (int pass = 0; pass < Passes; ++pass) {
        qsizetype* counts = offsets.data() + pass * Digits;
        if (*std::max_element(counts, counts + Digits) == n)
            continue; // every key has the same digit here
        qsizetype start = 0;
        for (size_t d = 0; d < Digits; ++d)
            start += std::exchange(counts[d], start);
        const int shift = pass * DigitBits;
        for (const quint64 key : keys)
            scratch[size_t(counts[size_t((key >> shift) & DigitMask)]++)] = key;
        keys.swap(scratch);
    }
    for (qsizetype i = 0; i < n; ++i)
        values[i] = fromOrderedBits(keys[size_t(i)]);
}

Bucketizer::Bucketizer(double from, double to, int bucketCount)
    : m_from(from)
    , m_to(to)
    , m_bucketCount(std::max(bucketCount, 1))
{
    const double span = to - from;
    m_step = span > 0 ? span / m_bucketCount : 1.0;
    m_end = m_bucketCount;
}

void Bucketizer::reserve(qsizetype values)
{
    m_bucketOf.reserve(values);
    m_values.reserve(values);
}

void Bucketizer::add(double timestamp, double value)
{
    if (timestamp < m_from || timestamp > m_to)
        return;
    const auto index = std::clamp<qint64>(qint64((timestamp - m_from) / m_step), m_first, m_end - 1);
    m_bucketOf.append(qint32(index));
    m_values.append(value);
}

void Bucketizer::addFailure(double timestamp)
{
    if (timestamp >= m_from && timestamp <= m_to)
        m_failures.append(timestamp);
}

void Bucketizer::restrictTo(int first, int end)
{
    m_first = std::clamp(first, 0, m_bucketCount - 1);
    m_end = std::clamp(end, m_first + 1, m_bucketCount);
}

BucketedSeries Bucketizer::finish()
{
    // Counting sort: the values of bucket b end up in grouped[offset[b] .. offset[b + 1]).
    QList<qsizetype> offset(m_bucketCount + 1, 0);
    for (const qint32 bucket : std::as_const(m_bucketOf))
        ++offset[bucket + 1];
    for (int b = 0; b < m_bucketCount; ++b)
        offset[b + 1] += offset[b];
    QList<double> grouped(m_values.size());
    QList<qsizetype> next(offset.begin(), offset.end() - 1);
    for (qsizetype i = 0; i < m_values.size(); ++i)
        grouped[next[m_bucketOf.at(i)]++] = m_values.at(i);

    QList<qint64> errors(m_failures.isEmpty() ? 0 : m_bucketCount, 0);
    for (const double timestamp : std::as_const(m_failures))
        ++errors[std::clamp<qint64>(qint64((timestamp - m_from) / m_step), m_first, m_end - 1)];

    BucketedSeries series;
    series.step = m_step;
    series.origin = m_from;
    for (int b = m_first; b < m_end; ++b) {
        const qsizetype begin = offset.at(b);
        const qsizetype count = offset.at(b + 1) - begin;
        if (count == 0)
            continue;
        series.buckets.append(summarize(grouped.begin() + begin, count, m_from + double(b) * m_step));
        series.buckets.last().errors = errors.isEmpty() ? 0 : errors.at(b);
    }
    return series;
}

namespace {

BucketedSeries bucketizePart(Bucketizer bucketizer, const QList<TimedValue>& points, const QList<double>& failures,
    double boundary, bool later)
{
    bucketizer.reserve(points.size() / 2);
    for (const auto& point : points) {
        if ((point.timestamp >= boundary) == later)
            bucketizer.add(point.timestamp, point.value);
    }
    for (const double timestamp : failures) {
        if ((timestamp >= boundary) == later)
            bucketizer.addFailure(timestamp);
    }
    return bucketizer.finish();
}

} // namespace

BucketedSeries bucketize(
    const QList<TimedValue>& points, double from, double to, int bucketCount, const QList<double>& failures)
{
    // Summarizing is most of a long range's answer (a million values: the p95 of each bucket, the counting sort):
    // two halves of the buckets on two threads take half the time on a machine with a core to spare.
    constexpr qsizetype ParallelFrom = 200000;
    Bucketizer whole(from, to, bucketCount);
    if (points.size() < ParallelFrom || std::thread::hardware_concurrency() < 2 || whole.bucketCount() < 2) {
        whole.reserve(points.size());
        for (const auto& point : points)
            whole.add(point.timestamp, point.value);
        for (const double timestamp : failures)
            whole.addFailure(timestamp);
        return whole.finish();
    }
    const int split = whole.bucketCount() / 2;
    const double boundary = whole.bucketStart(split);
    Bucketizer earlier = whole;
    Bucketizer later = whole;
    earlier.restrictTo(0, split);
    later.restrictTo(split, whole.bucketCount());
    BucketedSeries laterPart;
    std::thread worker([&] { laterPart = bucketizePart(later, points, failures, boundary, true); });
    BucketedSeries series = bucketizePart(earlier, points, failures, boundary, false);
    worker.join();
    series.buckets.append(std::move(laterPart.buckets));
    return series;
}

} // namespace Kodemon
