// SPDX-License-Identifier: MIT
// The tray, offscreen (where no tray exists): its colour follows the most urgent unmuted alert, its tooltip
// counts them, a notification says what fired or resolved, and clicking it asks for that function at that time.
#include "alerts/rulesfile.h"
#include "alertrulemodel.h"
#include "alerttray.h"

#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QtTest>

using namespace Kodemon;

class tst_AlertTray : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void colourFollowsTheMostUrgentAlert_data();
    void colourFollowsTheMostUrgentAlert();
    void tooltipCountsFiringAlerts();
    void notificationSaysWhatHappened();
    void clickingTheNotificationOpensTheFunctionAtThatTime();
    void hiddenWithoutATray();
};

namespace {

AlertSnapshot snapshotWith(const QList<int>& states, bool muted = false)
{
    AlertSnapshot snapshot;
    AlertRuleStatus status;
    status.rule.name = QStringLiteral("slow");
    status.rule.function = QStringLiteral("/srv/app.py-f");
    status.rule.muted = muted;
    int i = 0;
    for (const auto state : states) {
        AlertInstance instance;
        instance.series = { QStringLiteral("t%1").arg(i++), status.rule.function };
        instance.state = AlertState(state);
        status.instances.append(instance);
    }
    snapshot.rules.append(status);
    return snapshot;
}

QColor centre(const QIcon& icon)
{
    return icon.pixmap(32, 32).toImage().pixelColor(16, 4); // inside the badge, above the pulse line
}

AlertEvent alertEvent(AlertNotice notice)
{
    AlertEvent event;
    event.notice = notice;
    event.rule.name = QStringLiteral("checkout slow");
    event.rule.condition = *parseCondition(QStringLiteral("p95 > 25 ms"));
    event.transition = { 1795608000, event.rule.name, { QStringLiteral("shop"), QStringLiteral("/srv/shop/views.py-checkout") },
        AlertState::Pending, AlertState::Firing, 41.5, 25.0, QStringLiteral("p95 > 25 ms") };
    return event;
}

} // namespace

void tst_AlertTray::colourFollowsTheMostUrgentAlert_data()
{
    QTest::addColumn<QList<int>>("states");
    QTest::addColumn<bool>("muted");
    QTest::addColumn<int>("shown");
    QTest::addColumn<QColor>("colour");
    const QColor green(0x2c, 0xa0, 0x2c);
    QTest::newRow("nothing") << QList<int> {} << false << int(AlertState::Ok) << green;
    QTest::newRow("ok") << QList<int> { int(AlertState::Ok) } << false << int(AlertState::Ok) << green;
    QTest::newRow("pending") << QList<int> { int(AlertState::Ok), int(AlertState::Pending) } << false
                             << int(AlertState::Pending) << AlertRuleModel::stateColor(AlertState::Pending);
    QTest::newRow("firing beats pending") << QList<int> { int(AlertState::Pending), int(AlertState::Firing) } << false
                                          << int(AlertState::Firing) << AlertRuleModel::stateColor(AlertState::Firing);
    QTest::newRow("resolving still fires") << QList<int> { int(AlertState::Resolving) } << false
                                           << int(AlertState::Firing) << AlertRuleModel::stateColor(AlertState::Firing);
    QTest::newRow("resolved is clear") << QList<int> { int(AlertState::Resolved) } << false << int(AlertState::Resolved)
                                       << green;
    QTest::newRow("muted firing is quiet") << QList<int> { int(AlertState::Firing) } << true << int(AlertState::Ok)
                                           << green;
}

void tst_AlertTray::colourFollowsTheMostUrgentAlert()
{
    QFETCH(QList<int>, states);
    QFETCH(bool, muted);
    QFETCH(int, shown);
    QFETCH(QColor, colour);
    AlertTray tray;
    tray.setSnapshot(snapshotWith({ int(AlertState::Firing) })); // a change to check against
    tray.setSnapshot(snapshotWith(states, muted));
    QCOMPARE(int(tray.shownState()), shown);
    QCOMPARE(centre(tray.icon()), colour);
    QCOMPARE(centre(tray.trayIcon()->icon()), colour);
}

void tst_AlertTray::tooltipCountsFiringAlerts()
{
    AlertTray tray;
    tray.setSnapshot(snapshotWith({ int(AlertState::Firing), int(AlertState::Resolving), int(AlertState::Ok) }));
    QCOMPARE(tray.toolTip(), QStringLiteral("Kodemon: 2 alert(s) firing"));
    tray.setSnapshot(snapshotWith({ int(AlertState::Pending) }));
    QCOMPARE(tray.toolTip(), QStringLiteral("Kodemon: an alert is pending"));
    tray.setSnapshot(snapshotWith({ int(AlertState::Ok) }));
    QCOMPARE(tray.toolTip(), QStringLiteral("Kodemon: no alert firing (1 rule(s))"));
}

void tst_AlertTray::notificationSaysWhatHappened()
{
    AlertTray tray;
    tray.notify(alertEvent(AlertNotice::Firing));
    QCOMPARE(tray.lastTitle(), QStringLiteral("Firing: checkout slow"));
    QCOMPARE(tray.lastMessage(),
        QStringLiteral("views.py-checkout\np95 41.5 ms (p95 > 25 ms)\nClick to open its chart."));
    auto resolved = alertEvent(AlertNotice::Resolved);
    resolved.transition.value = 9.5;
    tray.notify(resolved);
    QCOMPARE(tray.lastTitle(), QStringLiteral("Resolved: checkout slow"));
    QVERIFY(tray.lastMessage().contains(QStringLiteral("p95 9.5 ms")));
    auto silent = alertEvent(AlertNotice::Firing);
    silent.rule.condition = *parseCondition(QStringLiteral("no calls"));
    silent.rule.window = 60;
    tray.notify(silent);
    QVERIFY(tray.lastMessage().contains(QStringLiteral("no calls for 1m")));
}

void tst_AlertTray::clickingTheNotificationOpensTheFunctionAtThatTime()
{
    AlertTray tray;
    QSignalSpy open(&tray, &AlertTray::openRequested);
    Q_EMIT tray.trayIcon()->messageClicked(); // nothing shown yet: nothing to open
    QCOMPARE(open.size(), 0);
    tray.notify(alertEvent(AlertNotice::Firing));
    Q_EMIT tray.trayIcon()->messageClicked();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open[0][0].value<KeyId>(), (KeyId { QStringLiteral("shop"), QStringLiteral("/srv/shop/views.py-checkout") }));
    QCOMPARE(open[0][1].toDouble(), 1795608000.0);
    QSignalSpy activated(&tray, &AlertTray::activated);
    Q_EMIT tray.trayIcon()->activated(QSystemTrayIcon::Trigger);
    QCOMPARE(activated.size(), 1);
}

void tst_AlertTray::hiddenWithoutATray()
{
    AlertTray tray;
    tray.setEnabled(true);
    QCOMPARE(tray.trayIcon()->isVisible(), tray.isTrayAvailable());
    tray.setEnabled(false);
    QVERIFY(!tray.trayIcon()->isVisible());
}

QTEST_MAIN(tst_AlertTray)
#include "tst_alerttray.moc"
