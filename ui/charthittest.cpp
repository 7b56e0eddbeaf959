// SPDX-License-Identifier: MIT
#include "charthittest.h"

#include "displayformat.h"

#include <algorithm>
#include <cmath>
#include <QDateTime>
#include <QLineF>

namespace Kodemon {

namespace {

QString timeOf(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000)).toString(QStringLiteral("HH:mm:ss"));
}

// Whether the raw call at `point` failed (the failed calls are ordered by time, as the points are).
bool isFailed(const ChartSeries& series, const QPointF& point)
{
    const auto [first, last] = std::equal_range(series.failed.begin(), series.failed.end(), point,
        [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    return std::find(first, last, point) != last;
}

void nearestCall(const ChartSeries& series, const QString& name, int index, const PlotMapping& mapping,
    const QPointF& position, HoverHit& best)
{
    const double reach = HoverHit::Reach / mapping.plot.width() * (mapping.to - mapping.from);
    const double t = mapping.timeAt(position.x());
    auto it = std::lower_bound(series.points.begin(), series.points.end(), t - reach,
        [](const QPointF& p, double value) { return p.x() < value; });
    for (; it != series.points.end() && it->x() <= t + reach; ++it) {
        const QPointF pixel = mapping.toPixel(it->x(), it->y());
        const qreal distance = QLineF(pixel, position).length();
        if (distance < best.distance)
            best = { distance, pixel,
                QStringLiteral("%1\n%2 · %3%4")
                    .arg(name, timeOf(it->x()), DisplayFormat::duration(it->y()),
                        isFailed(series, *it) ? QStringLiteral(" · failed") : QString()),
                index };
    }
}

void nearestBucket(const ChartSeries& series, const QString& name, int index, const PlotMapping& mapping,
    const QPointF& position, HoverHit& best)
{
    const double t = mapping.timeAt(position.x());
    const auto it = std::lower_bound(series.buckets.begin(), series.buckets.end(), t - series.step,
        [](const SeriesBucket& bucket, double value) { return bucket.start <= value; });
    if (it == series.buckets.end() || t < it->start || t >= it->start + series.step)
        return;
    const QPointF pixel = mapping.toPixel(it->start + series.step / 2, it->mean);
    const qreal distance = std::abs(pixel.y() - position.y()) / 4; // the whole column is the target
    if (distance < best.distance)
        best = { distance, pixel,
            QStringLiteral("%1\n%2–%3 · %4 calls%8\nmin %5 · mean %6 · max %7")
                .arg(name, timeOf(it->start), timeOf(it->start + series.step), DisplayFormat::count(it->count),
                    DisplayFormat::duration(it->min), DisplayFormat::duration(it->mean),
                    DisplayFormat::duration(it->max),
                    it->errors > 0 ? QStringLiteral(" · %1 failed").arg(DisplayFormat::count(it->errors)) : QString()),
            index };
}

} // namespace

double PlotMapping::timeAt(double x) const
{
    return from + (x - plot.left()) / plot.width() * (to - from);
}

QPointF PlotMapping::toPixel(double seconds, double milliseconds) const
{
    const double x = plot.left() + (seconds - from) / std::max(1e-9, to - from) * plot.width();
    double share = 0;
    if (logarithmic) {
        const double low = std::log10(yMin);
        share = (std::log10(std::max(milliseconds, floor)) - low) / std::max(1e-12, std::log10(yMax) - low);
    } else {
        share = (milliseconds - yMin) / std::max(1e-12, yMax - yMin);
    }
    return QPointF(x, plot.bottom() - share * plot.height());
}

HoverHit hitTest(const ChartData& data, const PlotMapping& mapping, const QPointF& position)
{
    HoverHit best;
    if (mapping.plot.width() <= 0)
        return best;
    for (int i = 0; i < data.series.size(); ++i) {
        const QString name = seriesLabel(data, i);
        if (data.series[i].bucketed)
            nearestBucket(data.series[i], name, i, mapping, position, best);
        else
            nearestCall(data.series[i], name, i, mapping, position, best);
    }
    return best;
}

} // namespace Kodemon
