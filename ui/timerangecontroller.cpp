// SPDX-License-Identifier: MIT
#include "timerangecontroller.h"

#include <algorithm>
#include <QDateTime>
#include <QTimer>

namespace Kodemon {

namespace {

constexpr int DefaultLiveIntervalMs = 500; // twice a second: the spec asks for at least once
constexpr qsizetype MaxHistory = 50;

double systemNow()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

} // namespace

TimeRangeController::TimeRangeController(QObject* parent)
    : QObject(parent)
    , m_clock(&systemNow)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(DefaultLiveIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &TimeRangeController::advance);
    m_range = followNow();
}

TimeRangeController::~TimeRangeController() = default;

QList<TimeRangeController::Preset> TimeRangeController::presets()
{
    return { Preset::Last5Minutes, Preset::Last15Minutes, Preset::LastHour, Preset::Last6Hours, Preset::Last24Hours,
        Preset::Last7Days, Preset::All };
}

QString TimeRangeController::presetLabel(Preset preset)
{
    switch (preset) {
    case Preset::Last5Minutes:
        return QStringLiteral("5m");
    case Preset::Last15Minutes:
        return QStringLiteral("15m");
    case Preset::LastHour:
        return QStringLiteral("1h");
    case Preset::Last6Hours:
        return QStringLiteral("6h");
    case Preset::Last24Hours:
        return QStringLiteral("24h");
    case Preset::Last7Days:
        return QStringLiteral("7d");
    case Preset::All:
        return QStringLiteral("All");
    case Preset::Custom:
        break;
    }
    return QStringLiteral("Custom");
}

double TimeRangeController::presetSpan(Preset preset)
{
    switch (preset) {
    case Preset::Last5Minutes:
        return 5 * 60;
    case Preset::Last15Minutes:
        return 15 * 60;
    case Preset::LastHour:
        return 3600;
    case Preset::Last6Hours:
        return 6 * 3600;
    case Preset::Last24Hours:
        return 24 * 3600;
    case Preset::Last7Days:
        return 7 * 86400;
    case Preset::All:
    case Preset::Custom:
        break;
    }
    return 0;
}

void TimeRangeController::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_range = m_preset == Preset::Custom ? m_range : followNow();
}

double TimeRangeController::now() const
{
    return m_clock();
}

void TimeRangeController::setLiveInterval(int milliseconds)
{
    m_timer->setInterval(milliseconds);
}

bool TimeRangeController::canZoomOut() const
{
    return !m_history.isEmpty() || m_preset != Preset::All;
}

TimeRange TimeRangeController::followNow() const
{
    return followNow(m_preset);
}

TimeRange TimeRangeController::followNow(Preset preset) const
{
    const double to = now();
    switch (preset) {
    case Preset::All:
        return TimeRange { std::nullopt, std::nullopt };
    case Preset::Custom: {
        const double span = m_range.from && m_range.to ? *m_range.to - *m_range.from : 3600.0;
        return TimeRange { to - span, to };
    }
    default:
        return TimeRange { to - presetSpan(preset), to };
    }
}

void TimeRangeController::apply(Preset preset, const TimeRange& range)
{
    const bool presetDiffers = preset != m_preset;
    m_preset = preset;
    m_range = range;
    if (presetDiffers)
        Q_EMIT presetChanged(preset);
    Q_EMIT rangeChanged(m_range);
}

void TimeRangeController::setPreset(Preset preset)
{
    if (preset == Preset::Custom)
        return;
    m_history.clear();
    apply(preset, followNow(preset));
}

void TimeRangeController::setCustomRange(double from, double to)
{
    if (from > to)
        std::swap(from, to);
    m_history.clear();
    setLive(false);
    apply(Preset::Custom, TimeRange { from, to });
}

void TimeRangeController::zoomTo(double from, double to)
{
    if (from > to)
        std::swap(from, to);
    m_history.append(State { m_preset, m_range, m_live });
    if (m_history.size() > MaxHistory)
        m_history.removeFirst();
    setLive(false);
    apply(Preset::Custom, TimeRange { from, to });
}

void TimeRangeController::zoomOut()
{
    if (!m_history.isEmpty()) {
        const State previous = m_history.takeLast();
        if (previous.live) {
            m_preset = previous.preset;
            setLive(true); // back to following now, as before the zoom
            return;
        }
        apply(previous.preset, previous.range);
        return;
    }
    if (m_preset == Preset::All || !m_range.from || !m_range.to)
        return;
    // Nothing to go back to: show twice the span around the same middle.
    const double middle = (*m_range.from + *m_range.to) / 2;
    const double half = std::max(1.0, *m_range.to - *m_range.from);
    const double to = m_live ? now() : std::min(middle + half, now());
    apply(Preset::Custom, TimeRange { to - 2 * half, to });
}

void TimeRangeController::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    if (live) {
        m_history.clear();
        m_timer->start();
        m_sinceStep.start();
        apply(m_preset, followNow());
    } else {
        m_timer->stop();
    }
    Q_EMIT liveChanged(live);
}

int TimeRangeController::msUntilTurn(LiveTurn turn) const
{
    if (!m_live || !m_sinceStep.isValid())
        return 0;
    // Each turn starts this far into the step and lasts a fifth of it.
    const double starts[] = { 0.0, 0.4, 0.7 };
    const int interval = m_timer->interval();
    const int start = int(starts[int(turn)] * interval);
    // Measured from the step itself: the timer's remainingTime() is off by up to 5% (a coarse timer), and a busy
    // event loop makes a step late.
    const int elapsed = int(std::min<qint64>(m_sinceStep.elapsed(), interval));
    if (elapsed >= start && elapsed < start + interval / 5)
        return 0;
    return elapsed < start ? start - elapsed : interval - elapsed + start;
}

void TimeRangeController::advance()
{
    m_range = followNow();
    m_sinceStep.start();
    Q_EMIT liveAdvanced(m_range);
}

} // namespace Kodemon
