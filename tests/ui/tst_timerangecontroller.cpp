// SPDX-License-Identifier: MIT
// The one holder of the shown range: presets, custom ranges, live following, zoom history.
#include "timerangecontroller.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;
using Preset = TimeRangeController::Preset;
using LiveTurn = TimeRangeController::LiveTurn;

class tst_TimeRangeController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void presetsEndNow_data();
    void presetsEndNow();
    void allIsOpen();
    void customRangeStopsLive();
    void liveFollowsNowWithTheSameSpan();
    void zoomOutReturnsToWhereZoomStarted();
    void zoomOutWithoutHistoryDoubles();
    void presetChangeKeepsLive();
    void liveTurnsComeRoundInEachStep_data();
    void liveTurnsComeRoundInEachStep();

private:
    std::unique_ptr<TimeRangeController> m_controller;
    double m_now = 1800000000;
};

void tst_TimeRangeController::init()
{
    m_now = 1800000000;
    m_controller = std::make_unique<TimeRangeController>();
    m_controller->setClock([this] { return m_now; });
}

void tst_TimeRangeController::presetsEndNow_data()
{
    QTest::addColumn<Preset>("preset");
    QTest::addColumn<double>("span");
    QTest::newRow("5m") << Preset::Last5Minutes << 300.0;
    QTest::newRow("15m") << Preset::Last15Minutes << 900.0;
    QTest::newRow("1h") << Preset::LastHour << 3600.0;
    QTest::newRow("6h") << Preset::Last6Hours << 21600.0;
    QTest::newRow("24h") << Preset::Last24Hours << 86400.0;
    QTest::newRow("7d") << Preset::Last7Days << 604800.0;
}

void tst_TimeRangeController::presetsEndNow()
{
    QFETCH(Preset, preset);
    QFETCH(double, span);
    QSignalSpy changed(m_controller.get(), &TimeRangeController::rangeChanged);
    m_controller->setPreset(preset);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_controller->preset(), preset);
    QCOMPARE(*m_controller->range().to, m_now);
    QCOMPARE(*m_controller->range().from, m_now - span);
}

void tst_TimeRangeController::allIsOpen()
{
    m_controller->setPreset(Preset::All);
    QVERIFY(!m_controller->range().from);
    QVERIFY(!m_controller->range().to);
    QVERIFY(!m_controller->canZoomOut());
}

void tst_TimeRangeController::customRangeStopsLive()
{
    m_controller->setLive(true);
    QSignalSpy live(m_controller.get(), &TimeRangeController::liveChanged);
    m_controller->setCustomRange(2000, 1000); // reversed on purpose: the controller orders them
    QCOMPARE(m_controller->preset(), Preset::Custom);
    QCOMPARE(*m_controller->range().from, 1000.0);
    QCOMPARE(*m_controller->range().to, 2000.0);
    QVERIFY(!m_controller->isLive());
    QCOMPARE(live.size(), 1);
}

void tst_TimeRangeController::liveFollowsNowWithTheSameSpan()
{
    m_controller->setPreset(Preset::Last5Minutes);
    m_controller->setLiveInterval(20);
    QSignalSpy advanced(m_controller.get(), &TimeRangeController::liveAdvanced);
    m_controller->setLive(true);
    m_now += 42;
    QVERIFY(advanced.wait(2000));
    const auto range = advanced.last().at(0).value<TimeRange>();
    QCOMPARE(*range.to, m_now);
    QCOMPARE(*range.from, m_now - 300);
    m_controller->setLive(false);
    advanced.clear();
    QTest::qWait(100);
    QCOMPARE(advanced.size(), 0);
}

void tst_TimeRangeController::zoomOutReturnsToWhereZoomStarted()
{
    m_controller->setPreset(Preset::LastHour);
    m_controller->setLive(true);
    m_controller->zoomTo(m_now - 1000, m_now - 500);
    QVERIFY(!m_controller->isLive());
    m_controller->zoomTo(m_now - 900, m_now - 800);
    QCOMPARE(*m_controller->range().from, m_now - 900);
    m_controller->zoomOut();
    QCOMPARE(*m_controller->range().from, m_now - 1000);
    QCOMPARE(*m_controller->range().to, m_now - 500);
    m_now += 60; // time went on while zoomed in
    m_controller->zoomOut();
    QCOMPARE(m_controller->preset(), Preset::LastHour);
    QVERIFY(m_controller->isLive()); // it was live before the first zoom
    QCOMPARE(*m_controller->range().from, m_now - 3600);
}

void tst_TimeRangeController::zoomOutWithoutHistoryDoubles()
{
    m_controller->setCustomRange(m_now - 2000, m_now - 1000);
    m_controller->zoomOut();
    QCOMPARE(*m_controller->range().to - *m_controller->range().from, 2000.0);
    QCOMPARE(*m_controller->range().to, m_now - 500); // centred on the old middle
}

void tst_TimeRangeController::presetChangeKeepsLive()
{
    m_controller->setLive(true);
    m_controller->setPreset(Preset::Last24Hours);
    QVERIFY(m_controller->isLive());
    QCOMPARE(*m_controller->range().from, m_now - 86400);
}

void tst_TimeRangeController::liveTurnsComeRoundInEachStep_data()
{
    QTest::addColumn<LiveTurn>("turn");
    QTest::addColumn<int>("startMs"); // into a step of 1,000 ms
    QTest::newRow("chart, at the step") << LiveTurn::Chart << 0;
    QTest::newRow("statistics") << LiveTurn::Statistics << 400;
    QTest::newRow("functions table") << LiveTurn::FunctionsTable << 700;
}

void tst_TimeRangeController::liveTurnsComeRoundInEachStep()
{
    QFETCH(LiveTurn, turn);
    QFETCH(int, startMs);
    QCOMPARE(m_controller->msUntilTurn(turn), 0); // not live: nothing to wait for
    m_controller->setLiveInterval(1000);
    m_controller->setLive(true);
    int wait = -1;
    connect(m_controller.get(), &TimeRangeController::liveAdvanced, this,
        [&] { wait = wait < 0 ? m_controller->msUntilTurn(turn) : wait; });
    QTRY_VERIFY_WITH_TIMEOUT(wait >= 0, 5000);
    // Asked at the step itself (a timer may fire a little late): the turn is its share of the step away.
    QVERIFY2(wait <= startMs && wait >= startMs - 50, qPrintable(QString::number(wait)));
    if (wait > 0) {
        QTest::qWait(wait + 20); // into the turn, which lasts 200 ms
        QCOMPARE(m_controller->msUntilTurn(turn), 0);
    }
    m_controller->setLive(false);
    QCOMPARE(m_controller->msUntilTurn(turn), 0);
}

QTEST_GUILESS_MAIN(tst_TimeRangeController)
#include "tst_timerangecontroller.moc"
