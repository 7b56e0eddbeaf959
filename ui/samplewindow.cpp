// SPDX-License-Identifier: MIT
#include "samplewindow.h"

#include "base/stats.h"

#include <algorithm>
#include <cmath>

namespace Kodemon {

namespace {

bool earlier(const TimedValue& a, const TimedValue& b)
{
    return a.timestamp < b.timestamp;
}

QList<double> valuesOf(const QList<TimedValue>& values)
{
    QList<double> out;
    out.reserve(values.size());
    for (const auto& value : values)
        out.append(value.value);
    return out;
}

// Removes `gone` (sorted, each present in `sorted`) from `sorted` in one pass.
void removeSorted(QList<double>& sorted, const QList<double>& gone)
{
    QList<double> kept;
    kept.reserve(sorted.size() - gone.size());
    auto next = gone.begin();
    for (double value : sorted) {
        while (next != gone.end() && *next < value)
            ++next; // cannot happen while `gone` came from `sorted`; keeps the loop safe if it did
        if (next != gone.end() && *next == value)
            ++next;
        else
            kept.append(value);
    }
    sorted = std::move(kept);
}

} // namespace

SampleWindow::SampleWindow(QList<TimedValue> values, QList<double> failed)
    : m_byTime(std::move(values))
    , m_failed(std::move(failed))
{
    std::sort(m_failed.begin(), m_failed.end());
    // The store answers in time order already; checking costs one pass, sorting a million costs many.
    if (!std::is_sorted(m_byTime.begin(), m_byTime.end(), earlier))
        std::stable_sort(m_byTime.begin(), m_byTime.end(), earlier);
    m_sorted = valuesOf(m_byTime);
    sortValues(m_sorted);
}

void SampleWindow::add(const QList<TimedValue>& values, const QList<double>& failed)
{
    if (!failed.isEmpty()) {
        QList<double> times = failed;
        std::sort(times.begin(), times.end());
        const qsizetype old = m_failed.size();
        m_failed.append(times);
        std::inplace_merge(m_failed.begin(), m_failed.begin() + old, m_failed.end());
    }
    if (values.isEmpty())
        return;
    QList<TimedValue> byTime = values;
    std::stable_sort(byTime.begin(), byTime.end(), earlier);
    const qsizetype middle = m_byTime.size();
    m_byTime.append(byTime);
    std::inplace_merge(m_byTime.begin(), m_byTime.begin() + middle, m_byTime.end(), earlier);

    QList<double> sorted = valuesOf(values);
    std::sort(sorted.begin(), sorted.end());
    const qsizetype old = m_sorted.size();
    m_sorted.append(sorted);
    std::inplace_merge(m_sorted.begin(), m_sorted.begin() + old, m_sorted.end());
}

void SampleWindow::dropBefore(double from)
{
    m_failed.erase(m_failed.begin(), std::lower_bound(m_failed.begin(), m_failed.end(), from));
    const auto end = std::lower_bound(m_byTime.begin(), m_byTime.end(), TimedValue { from, 0 }, earlier);
    if (end == m_byTime.begin())
        return;
    QList<double> gone;
    gone.reserve(end - m_byTime.begin());
    for (auto it = m_byTime.begin(); it != end; ++it)
        gone.append(it->value);
    std::sort(gone.begin(), gone.end());
    m_byTime.erase(m_byTime.begin(), end);
    removeSorted(m_sorted, gone);
}

KeyStats SampleWindow::stats() const
{
    KeyStats stats;
    stats.count = m_sorted.size();
    stats.errors = m_failed.size();
    if (m_sorted.isEmpty())
        return stats;
    double sum = 0;
    for (double value : m_sorted)
        sum += value;
    stats.min = m_sorted.front();
    stats.max = m_sorted.back();
    stats.mean = sum / double(stats.count);
    double squares = 0;
    for (double value : m_sorted)
        squares += (value - stats.mean) * (value - stats.mean);
    stats.stddev = std::sqrt(squares / double(stats.count));
    stats.p50 = nearestRank(m_sorted, 500);
    stats.p90 = nearestRank(m_sorted, 900);
    stats.p95 = nearestRank(m_sorted, 950);
    stats.p99 = nearestRank(m_sorted, 990);
    stats.p999 = nearestRank(m_sorted, 999);
    return stats;
}

namespace {

// Log-spaced edges from below `low` to above `high`, on quarter decades, 4 to 120 bins.
QList<double> logEdges(double low, double high, int binsPerDecade)
{
    double lo = std::pow(10.0, std::floor(std::log10(low) * 4) / 4);
    double hi = std::pow(10.0, std::ceil(std::log10(std::max(high, low)) * 4) / 4);
    if (hi <= lo * 1.0001)
        hi = lo * std::pow(10.0, 0.5);
    const int binCount = std::clamp(int(std::ceil(std::log10(hi / lo) * binsPerDecade)), 4, 120);
    const double ratio = std::log10(hi / lo) / binCount;
    QList<double> edges;
    for (int i = 0; i <= binCount; ++i)
        edges.append(lo * std::pow(10.0, ratio * i));
    return edges;
}

} // namespace

Histogram SampleWindow::histogram(int binsPerDecade) const
{
    Histogram histogram;
    if (m_sorted.isEmpty() || binsPerDecade < 1)
        return histogram;
    // A log axis needs a positive start: zero-length calls go into the first bin.
    const auto firstPositive = std::upper_bound(m_sorted.begin(), m_sorted.end(), 0.0);
    const double low = firstPositive == m_sorted.end() ? 0.001 : *firstPositive;
    histogram.edges = logEdges(low, m_sorted.back(), binsPerDecade);
    const qsizetype binCount = histogram.edges.size() - 1;
    auto from = m_sorted.begin();
    for (qsizetype i = 0; i < binCount; ++i) {
        const auto to
            = i + 1 == binCount ? m_sorted.end() : std::lower_bound(from, m_sorted.end(), histogram.edges[i + 1]);
        histogram.counts.append(qint64(to - from));
        from = to;
    }
    return histogram;
}

Histogram histogramOf(const LatencySketch& sketch, double min, double max, int binsPerDecade)
{
    Histogram histogram;
    if (binsPerDecade < 1 || max < 0)
        return histogram;
    // As for calls, the axis starts at the fastest positive time: here the first non-zero bucket's lower bound.
    double low = min > 0 ? min : 0.0;
    if (low <= 0) {
        sketch.forEachBucket([&low](double lower, double, qint64) {
            if (low <= 0 && lower > 0)
                low = lower;
        });
    }
    histogram.edges = logEdges(low > 0 ? low : 0.001, max, binsPerDecade);
    histogram.counts.fill(0, histogram.edges.size() - 1);
    sketch.forEachBucket([&](double lower, double upper, qint64 count) {
        const double middle = lower > 0 ? std::sqrt(lower * upper) : 0.0;
        const auto bin = std::upper_bound(histogram.edges.cbegin() + 1, histogram.edges.cend() - 1, middle);
        histogram.counts[qsizetype(bin - histogram.edges.cbegin()) - 1] += count;
    });
    return histogram;
}

} // namespace Kodemon
