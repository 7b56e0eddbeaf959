// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <functional>
#include <QElapsedTimer>
#include <QList>
#include <QObject>

class QTimer;

namespace Kodemon {

// The one place that holds the time range the window shows and whether it follows now (live).
// The range picker, the chart's drag-zoom and the panels all read and write it here.
class TimeRangeController final : public QObject
{
    Q_OBJECT
public:
    enum class Preset { Last5Minutes, Last15Minutes, LastHour, Last6Hours, Last24Hours, Last7Days, All, Custom };
    Q_ENUM(Preset)
    using Clock = std::function<double()>; // epoch seconds

    explicit TimeRangeController(QObject* parent = nullptr);
    ~TimeRangeController() override;
    Q_DISABLE_COPY_MOVE(TimeRangeController)

    static QList<Preset> presets(); // every preset but Custom, shortest first
    static QString presetLabel(Preset preset); // "5m", "1h", "All"
    static double presetSpan(Preset preset); // seconds; 0 for All and Custom

    // Tests and screenshots fix the present; the default is the system clock.
    void setClock(Clock clock);
    double now() const;
    // How often the range moves while live (milliseconds).
    void setLiveInterval(int milliseconds);
    // While live the views repaint in turns within each step (the chart at the step, then the statistics, then
    // the functions table): two repaints in one event-loop turn held the UI thread past 50 ms at 100,000 calls/s.
    enum class LiveTurn { Chart, Statistics, FunctionsTable };
    Q_ENUM(LiveTurn)
    // Milliseconds until `turn` comes round in the current live step; 0 during it, or when not live.
    int msUntilTurn(LiveTurn turn) const;

    Preset preset() const { return m_preset; }
    bool isLive() const { return m_live; }
    // The range shown; `to` is always set except for All, `from` except for All.
    TimeRange range() const { return m_range; }
    bool canZoomOut() const;

    void setPreset(Preset preset);
    // A fixed range chosen by hand; stops live.
    void setCustomRange(double from, double to);
    // A range picked inside the current one (drag in the chart); zoomOut() returns to the previous.
    void zoomTo(double from, double to);
    void zoomOut();
    void setLive(bool live);

Q_SIGNALS:
    // The range changed in a way that needs a fresh load.
    void rangeChanged(const Kodemon::TimeRange& range);
    // Live only: the same span moved forward to now; views append what arrived instead of reloading.
    void liveAdvanced(const Kodemon::TimeRange& range);
    void liveChanged(bool live);
    void presetChanged(Kodemon::TimeRangeController::Preset preset);

private:
    struct State
    {
        Preset preset;
        TimeRange range;
        bool live;
    };
    void apply(Preset preset, const TimeRange& range);
    TimeRange followNow() const;
    TimeRange followNow(Preset preset) const;
    void advance();

    Clock m_clock;
    Preset m_preset = Preset::LastHour;
    TimeRange m_range;
    bool m_live = false;
    QList<State> m_history;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_sinceStep; // since the last live step
};

} // namespace Kodemon
