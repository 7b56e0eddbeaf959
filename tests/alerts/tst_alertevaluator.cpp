// SPDX-License-Identifier: MIT
// Prometheus' alerting semantics, one evaluation at a time: for, keep_firing_for, what is notified and what a
// restart resumes; and the statistics each condition measures.
#include "alerts/alertevaluator.h"
#include "alerts/rulesfile.h"

#include <QtTest>

using namespace Kodemon;

class tst_AlertEvaluator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stateMachine_data();
    void stateMachine();
    void notices_data();
    void notices();
    void transitionsCarryValueAndCondition();
    void measure_data();
    void measure();
    void baselineThreshold();
    void resumesFromTheLastTransition();
};

namespace {

AlertRule ruleWith(double forSeconds, double keepFiringFor)
{
    AlertRule rule;
    rule.name = QStringLiteral("slow");
    rule.function = QStringLiteral("/srv/app.py-f");
    rule.condition = *parseCondition(QStringLiteral("p95 > 25 ms"));
    rule.forSeconds = forSeconds;
    rule.keepFiringFor = keepFiringFor;
    return rule;
}

QString stateLetters(const QList<AlertState>& states)
{
    QString text;
    for (const auto state : states)
        text += QStringLiteral("OPFRD").at(int(state)); // Ok Pending Firing Resolving resolveD
    return text;
}

} // namespace

void tst_AlertEvaluator::stateMachine_data()
{
    // One evaluation every 5 s; `holds` is the condition at each; `states` the state after each.
    QTest::addColumn<double>("forSeconds");
    QTest::addColumn<double>("keepFiringFor");
    QTest::addColumn<QList<bool>>("holds");
    QTest::addColumn<QString>("states");
    const bool T = true;
    const bool F = false;
    QTest::newRow("never holds") << 30.0 << 0.0 << QList<bool> { F, F, F } << "OOO";
    QTest::newRow("no for fires at once") << 0.0 << 0.0 << QList<bool> { F, T, T, F, F } << "OFFDD";
    QTest::newRow("pending until for") << 10.0 << 0.0 << QList<bool> { T, T, T, T } << "PPFF";
    QTest::newRow("pending cleared before for") << 10.0 << 0.0 << QList<bool> { T, T, F, T } << "PPOP";
    QTest::newRow("keep firing") << 0.0 << 10.0 << QList<bool> { T, F, F, F, F } << "FRRDD";
    QTest::newRow("back while resolving") << 0.0 << 10.0 << QList<bool> { T, F, T, F, F, F } << "FRFRRD";
    QTest::newRow("fires again after resolving") << 5.0 << 0.0 << QList<bool> { T, T, F, T, T } << "PFDPF";
    QTest::newRow("for 30s at 5s steps") << 30.0 << 30.0
                                         << QList<bool> { T, T, T, T, T, T, T, F, F, F, F, F, F, F }
                                         << "PPPPPPFRRRRRRD";
}

void tst_AlertEvaluator::stateMachine()
{
    QFETCH(double, forSeconds);
    QFETCH(double, keepFiringFor);
    QFETCH(QList<bool>, holds);
    QFETCH(QString, states);
    const AlertRule rule = ruleWith(forSeconds, keepFiringFor);
    AlertInstance instance;
    QList<AlertState> seen;
    double now = 1000;
    for (const bool condition : holds) {
        AlertMeasurement measurement { condition ? 40.0 : 10.0, 25.0, condition };
        advance(instance, rule, measurement, now);
        seen.append(instance.state);
        now += 5;
    }
    QCOMPARE(stateLetters(seen), states);
}

void tst_AlertEvaluator::notices_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<int>("notice");
    const auto row = [](AlertState from, AlertState to, AlertNotice notice) {
        QTest::addRow("%s->%s", qPrintable(alertStateName(from)), qPrintable(alertStateName(to)))
            << int(from) << int(to) << int(notice);
    };
    row(AlertState::Pending, AlertState::Firing, AlertNotice::Firing);
    row(AlertState::Ok, AlertState::Firing, AlertNotice::Firing);
    row(AlertState::Resolved, AlertState::Firing, AlertNotice::Firing);
    row(AlertState::Resolving, AlertState::Firing, AlertNotice::None); // it never stopped firing
    row(AlertState::Firing, AlertState::Resolving, AlertNotice::None);
    row(AlertState::Resolving, AlertState::Resolved, AlertNotice::Resolved);
    row(AlertState::Firing, AlertState::Resolved, AlertNotice::Resolved);
    row(AlertState::Ok, AlertState::Pending, AlertNotice::None);
    row(AlertState::Pending, AlertState::Ok, AlertNotice::None);
}

void tst_AlertEvaluator::notices()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(int, notice);
    QCOMPARE(int(noticeFor(AlertState(from), AlertState(to))), notice);
}

void tst_AlertEvaluator::transitionsCarryValueAndCondition()
{
    const AlertRule rule = ruleWith(0, 0);
    AlertInstance instance;
    instance.series = { QStringLiteral("shop"), rule.function };
    QVERIFY(!advance(instance, rule, { 10.0, 25.0, false }, 100));
    const auto fired = advance(instance, rule, { 41.5, 25.0, true }, 105);
    QVERIFY(fired);
    QCOMPARE(fired->time, 105.0);
    QCOMPARE(fired->rule, QStringLiteral("slow"));
    QCOMPARE(fired->series, instance.series);
    QCOMPARE(fired->from, AlertState::Ok);
    QCOMPARE(fired->to, AlertState::Firing);
    QCOMPARE(fired->value, 41.5);
    QCOMPARE(fired->threshold, 25.0);
    QCOMPARE(fired->condition, QStringLiteral("p95 > 25 ms"));
    QCOMPARE(instance.since, 105.0);
    QCOMPARE(instance.value, 41.5);
}

void tst_AlertEvaluator::measure_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<qint64>("errors");
    QTest::addColumn<double>("p95");
    QTest::addColumn<double>("window");
    QTest::addColumn<bool>("hasValue");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("holds");
    QTest::newRow("p95 above") << "p95 > 25 ms" << qint64(100) << qint64(0) << 40.0 << 60.0 << true << 40.0 << true;
    QTest::newRow("p95 below") << "p95 > 25 ms" << qint64(100) << qint64(0) << 10.0 << 60.0 << true << 10.0 << false;
    QTest::newRow("p95 equal, >") << "p95 > 25 ms" << qint64(9) << qint64(0) << 25.0 << 60.0 << true << 25.0 << false;
    QTest::newRow("p95 equal, >=") << "p95 >= 25 ms" << qint64(9) << qint64(0) << 25.0 << 60.0 << true << 25.0 << true;
    QTest::newRow("p95 of no calls") << "p95 > 25 ms" << qint64(0) << qint64(0) << 0.0 << 60.0 << false << 0.0 << false;
    QTest::newRow("p95 < of no calls") << "p95 < 25 ms" << qint64(0) << qint64(0) << 0.0 << 60.0 << false << 0.0 << false;
    QTest::newRow("error rate 10%") << "error rate > 5%" << qint64(200) << qint64(20) << 1.0 << 60.0 << true << 10.0
                                    << true;
    QTest::newRow("error rate 2%") << "error rate > 5%" << qint64(200) << qint64(4) << 1.0 << 60.0 << true << 2.0
                                   << false;
    QTest::newRow("error rate of nothing") << "error rate > 5%" << qint64(0) << qint64(0) << 0.0 << 60.0 << false
                                           << 0.0 << false;
    QTest::newRow("calls per minute") << "calls per minute < 10" << qint64(15) << qint64(0) << 1.0 << 300.0 << true
                                      << 3.0 << true;
    QTest::newRow("calls per minute of none") << "calls per minute < 10" << qint64(0) << qint64(0) << 0.0 << 300.0
                                              << true << 0.0 << true;
    QTest::newRow("no calls, silent") << "no calls" << qint64(0) << qint64(0) << 0.0 << 60.0 << true << 0.0 << true;
    QTest::newRow("no calls, one call") << "no calls" << qint64(1) << qint64(0) << 3.0 << 60.0 << true << 1.0 << false;
}

void tst_AlertEvaluator::measure()
{
    QFETCH(QString, condition);
    QFETCH(qint64, count);
    QFETCH(qint64, errors);
    QFETCH(double, p95);
    QFETCH(double, window);
    QFETCH(bool, hasValue);
    QFETCH(double, value);
    QFETCH(bool, holds);
    KeyStats stats;
    stats.count = count;
    stats.errors = errors;
    stats.p95 = p95;
    const auto measured = Kodemon::measure(*parseCondition(condition), stats, window);
    QCOMPARE(measured.value.has_value(), hasValue);
    if (hasValue)
        QCOMPARE(*measured.value, value);
    QCOMPARE(measured.holds, holds);
}

void tst_AlertEvaluator::baselineThreshold()
{
    auto condition = *parseCondition(QStringLiteral("p95 30% above baseline"));
    KeyStats now;
    now.count = 50;
    now.p95 = 14;
    KeyStats before;
    before.count = 70;
    before.p95 = 10;
    auto measured = Kodemon::measure(condition, now, 300, before);
    QCOMPARE(*measured.threshold, 13.0);
    QVERIFY(measured.holds);
    now.p95 = 12.9;
    QVERIFY(!Kodemon::measure(condition, now, 300, before).holds);
    // A baseline without calls gives no threshold: nothing to compare with, nothing fires.
    before.count = 0;
    measured = Kodemon::measure(condition, now, 300, before);
    QVERIFY(!measured.threshold);
    QVERIFY(!measured.holds);
    QVERIFY(!Kodemon::measure(condition, now, 300, std::nullopt).holds);

    condition = *parseCondition(QStringLiteral("calls per minute 50% below baseline"));
    before.count = 600; // 120 a minute over 5 minutes
    now.count = 250; // 50 a minute
    measured = Kodemon::measure(condition, now, 300, before);
    QCOMPARE(*measured.threshold, 60.0);
    QVERIFY(measured.holds);
}

void tst_AlertEvaluator::resumesFromTheLastTransition()
{
    const AlertRule rule = ruleWith(30, 60);
    AlertTransition last { 1000, rule.name, { QString(), rule.function }, AlertState::Ok, AlertState::Pending, 30.0,
        25.0, QStringLiteral("p95 > 25 ms") };
    AlertInstance pending = resumeInstance(last);
    QCOMPARE(pending.state, AlertState::Pending);
    // `for` counts from the stored transition, not from the restart.
    QVERIFY(!advance(pending, rule, { 30.0, 25.0, true }, 1020));
    const auto fired = advance(pending, rule, { 30.0, 25.0, true }, 1030);
    QVERIFY(fired);
    QCOMPARE(fired->to, AlertState::Firing);

    last.to = AlertState::Firing;
    AlertInstance firing = resumeInstance(last);
    // Still firing after the restart: no new transition, so no second notification.
    QVERIFY(!advance(firing, rule, { 30.0, 25.0, true }, 2000));
    QCOMPARE(firing.state, AlertState::Firing);
}

QTEST_GUILESS_MAIN(tst_AlertEvaluator)
#include "tst_alertevaluator.moc"
