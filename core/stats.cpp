// SPDX-License-Identifier: MIT
#include "stats.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace Kodemon {

namespace {

    // Index of the nearest-rank percentile in a set of n values, in integers so that p99.9 of 1000 is the 999th.
    qsizetype rankIndex(qsizetype n, int permille)
    {
        const qsizetype rank = (n * permille + 999) / 1000;
        return std::clamp<qsizetype>(rank - 1, 0, n - 1);
    }

    // Selects the values at the given ascending ranks in one pass each over a shrinking tail.
    template<size_t N>
    std::array<double, N> selectRanks(QList<double>& values, const std::array<int, N>& permilles)
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

    SeriesBucket summarize(QList<double>& values, double start)
    {
        SeriesBucket bucket;
        bucket.start = start;
        bucket.count = values.size();
        double sum = 0;
        bucket.min = values.front();
        bucket.max = values.front();
        for (double v : values) {
            sum += v;
            bucket.min = std::min(bucket.min, v);
            bucket.max = std::max(bucket.max, v);
        }
        bucket.mean = sum / double(values.size());
        auto nth = values.begin() + rankIndex(values.size(), 950);
        std::nth_element(values.begin(), nth, values.end());
        bucket.p95 = *nth;
        return bucket;
    }

} // namespace

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

BucketedSeries bucketize(const QList<TimedValue>& points, double from, double to, int bucketCount)
{
    BucketedSeries series;
    bucketCount = std::max(bucketCount, 1);
    const double span = to - from;
    series.step = span > 0 ? span / bucketCount : 1.0;

    QList<double> values;
    qint64 current = -1;
    auto close = [&] {
        if (!values.isEmpty())
            series.buckets.append(summarize(values, from + double(current) * series.step));
        values.clear();
    };
    for (const auto& point : points) {
        if (point.timestamp < from || point.timestamp > to)
            continue;
        const auto index = std::min<qint64>(bucketCount - 1, qint64(std::floor((point.timestamp - from) / series.step)));
        if (index != current) {
            close();
            current = index;
        }
        values.append(point.value);
    }
    close();
    return series;
}

} // namespace Kodemon
