// SPDX-License-Identifier: MIT
#include "axisticks.h"

#include <cmath>
#include <QDateTime>

namespace Kodemon::AxisTicks {

namespace {

constexpr double Minute = 60;
constexpr double Hour = 3600;
constexpr double Day = 86400;

const double TimeSteps[]
    = { 1, 2, 5, 10, 15, 30, Minute, 2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute, 30 * Minute, Hour, 2 * Hour,
          3 * Hour, 6 * Hour, 12 * Hour, Day, 2 * Day, 7 * Day, 14 * Day, 28 * Day, 91 * Day, 182 * Day, 364 * Day };

double stepFor(double span, int maxTicks)
{
    for (double step : TimeSteps) {
        if (span / step <= maxTicks)
            return step;
    }
    return std::ceil(span / maxTicks / (364 * Day)) * 364 * Day;
}

QString labelFor(const QDateTime& moment, double step, double span)
{
    const bool midnight = moment.time() == QTime(0, 0);
    if (step >= Day || (midnight && step >= Minute))
        return moment.toString(span > 300 * Day ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("MMM d"));
    if (step < Minute)
        return moment.toString(QStringLiteral("HH:mm:ss"));
    return moment.toString(QStringLiteral("HH:mm"));
}

} // namespace

QList<TimeTick> timeTicks(double from, double to, int maxTicks)
{
    QList<TimeTick> ticks;
    if (!(to > from) || maxTicks < 1)
        return ticks;
    const double step = stepFor(to - from, maxTicks);
    // Round in local time, so that hours and days start where the clock on the wall says.
    const double offset = QDateTime::fromSecsSinceEpoch(qint64(from)).offsetFromUtc();
    double t = std::ceil((from + offset) / step) * step - offset;
    for (; t <= to + 1e-6; t += step) {
        const QDateTime moment = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(t * 1000)));
        ticks.append(TimeTick { t, labelFor(moment, step, to - from) });
    }
    return ticks;
}

Scale niceScale(double peak, int maxTicks, bool integers)
{
    maxTicks = std::max(maxTicks, 2);
    if (!(peak > 0))
        return Scale { integers ? 5.0 : 1.0, 6 };
    const double rough = peak / (maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = 10 * magnitude;
    for (double factor : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (factor * magnitude >= rough) {
            step = factor * magnitude;
            break;
        }
    }
    if (integers)
        step = std::max(1.0, std::ceil(step));
    const int steps = int(std::ceil(peak * 1.02 / step));
    return Scale { steps * step, steps + 1 };
}

} // namespace Kodemon::AxisTicks
