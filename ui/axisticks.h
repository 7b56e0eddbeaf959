// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace Kodemon::AxisTicks {

// A labelled tick of the time axis.
struct TimeTick
{
    double seconds = 0; // epoch seconds
    QString label;
};

// Ticks on round local times (every 10 s, 5 min, 1 h, 1 day, …) between `from` and `to`, at most `maxTicks` of
// them. Labels carry only what changes between ticks: seconds for short spans, dates where a day begins.
QList<TimeTick> timeTicks(double from, double to, int maxTicks);

// A value axis from 0 with round steps (1, 2, 2.5, 5 × 10^n) reaching above `peak`.
struct Scale
{
    double max = 1;
    int tickCount = 2; // including 0 and max
};
Scale niceScale(double peak, int maxTicks, bool integers = false);

} // namespace Kodemon::AxisTicks
