// SPDX-License-Identifier: MIT
// The Alerts panel in the real window, offscreen, over a real SQLite file and a real AlertService (its engine and
// notifier on their threads): every rule with its state and value, rules created, edited, muted and deleted
// through the panel's buttons and dialog and written back to the file, the history, the chart's markers.
#include "alerts/alertservice.h"
#include "alertruledialog.h"
#include "alertrulemodel.h"
#include "alertscontroller.h"
#include "alertspanel.h"
#include "alerttray.h"
#include "chartview.h"
#include "functionspanel.h"
#include "mainwindow.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QDir>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

class tst_AlertsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void showsEveryRuleWithItsStateAndValue();
    void createsEditsMutesAndDeletesRules();
    void theDialogRefusesWhatTheFileWouldRefuse();
    void historyOpensTheFunctionAtThatTime();
    void firingAndResolvingAreMarkedOnTheChart();
    void screenshotOfAFiringAlert();

private:
    bool openWindow(const QString& rules);
    QString cell(int row, int column) const;
    QString rulesFile() const;
    void clickRow(const QString& rule);

    std::unique_ptr<ViewerFixture> m_fixture;
    std::unique_ptr<AlertService> m_alerts;
    std::unique_ptr<MainWindow> m_window;
    double m_now = 0;
};

namespace {

const QString Checkout = QStringLiteral("/srv/shop/views.py-checkout");
const QString Search = QStringLiteral("/srv/shop/search.py-search");

} // namespace

void tst_AlertsPanel::init()
{
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    m_now = ViewerFixture::now();
    QList<Sample> samples;
    for (int i = 0; i < 120; ++i) {
        samples.append(ViewerFixture::sample(Checkout, QStringLiteral("shop"), m_now - 120 + i, 40 + i % 3));
        samples.append(ViewerFixture::sample(Search, QStringLiteral("shop"), m_now - 120 + i, 8));
    }
    QVERIFY(m_fixture->write(samples));
}

void tst_AlertsPanel::cleanup()
{
    m_window.reset();
    m_alerts.reset();
    m_fixture.reset();
}

bool tst_AlertsPanel::openWindow(const QString& rules)
{
    QFile file(rulesFile());
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(rules.toUtf8());
    file.close();
    AlertService::Options options;
    options.rulesPath = rulesFile();
    options.rules = *loadRulesFile(rulesFile());
    m_alerts = std::make_unique<AlertService>(m_fixture->store, options);
    m_alerts->start();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1300, 900);
    m_window->timeRange()->setLive(false);
    ViewerServices services = m_fixture->services();
    services.alerts = m_alerts.get();
    m_window->attach(services);
    m_window->show();
    return QTest::qWaitForWindowExposed(m_window.get());
}

QString tst_AlertsPanel::rulesFile() const
{
    return m_fixture->filePath(QStringLiteral("alerts.conf"));
}

QString tst_AlertsPanel::cell(int row, int column) const
{
    const auto* model = m_window->alerts()->panel()->model();
    return model->index(row, column).data().toString();
}

void tst_AlertsPanel::clickRow(const QString& rule)
{
    QTableView* table = m_window->alerts()->panel()->table();
    const int row = m_window->alerts()->panel()->model()->rowOf(rule);
    QVERIFY(row >= 0);
    const QModelIndex index = table->model()->index(row, AlertRuleModel::NameColumn);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
    QCOMPARE(m_window->alerts()->panel()->selectedRule(), rule);
}

void tst_AlertsPanel::showsEveryRuleWithItsStateAndValue()
{
    QVERIFY(openWindow(QStringLiteral("[checkout slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 1m\n\n"
                                      "[search slow]\nfunction = %2\nwhen = p95 > 25 ms\nwindow = 1m\n\n"
                                      "[quiet checkout]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 1m\nmuted = yes\n\n"
                                      "[not deployed]\nfunction = /srv/new.py-f\nwhen = no calls\n")
                               .arg(Checkout, Search)));
    AlertsPanel* panel = m_window->alerts()->panel();
    QTRY_COMPARE(panel->model()->rowCount(), 4);
    QTRY_COMPARE(cell(0, AlertRuleModel::StateColumn), QStringLiteral("firing"));
    // The dock shows itself once there are rules.
    QTRY_VERIFY(m_window->alerts()->dock()->isVisible());
    QVERIFY(panel->isVisible());
    QCOMPARE(cell(0, AlertRuleModel::NameColumn), QStringLiteral("checkout slow"));
    QCOMPARE(cell(0, AlertRuleModel::FunctionColumn), QStringLiteral("views.py-checkout"));
    QCOMPARE(cell(0, AlertRuleModel::ConditionColumn), QStringLiteral("p95 > 25 ms (window 1m)"));
    QCOMPARE(cell(0, AlertRuleModel::ValueColumn), QStringLiteral("42 ms"));
    QVERIFY(cell(0, AlertRuleModel::ChangedColumn).startsWith(QStringLiteral("firing ")));
    QCOMPARE(cell(1, AlertRuleModel::StateColumn), QStringLiteral("ok"));
    QCOMPARE(cell(1, AlertRuleModel::ValueColumn), QStringLiteral("8 ms"));
    QCOMPARE(cell(2, AlertRuleModel::StateColumn), QStringLiteral("firing, muted"));
    QCOMPARE(cell(3, AlertRuleModel::StateColumn), QStringLiteral("no calls yet"));
    QCOMPARE(panel->model()->index(0, AlertRuleModel::StateColumn).data(Qt::ForegroundRole).value<QColor>(),
        AlertRuleModel::stateColor(AlertState::Firing));
    QVERIFY(panel->statusLabel()->text().contains(rulesFile()));
    // The tray counts the unmuted firing alert only.
    QCOMPARE(m_window->alerts()->tray()->shownState(), AlertState::Firing);
    QCOMPARE(m_window->alerts()->tray()->toolTip(), QStringLiteral("Kodemon: 1 alert(s) firing"));
}

void tst_AlertsPanel::createsEditsMutesAndDeletesRules()
{
    QVERIFY(openWindow(QStringLiteral("# my rules\n[search slow]\nfunction = %1\nwhen = p95 > 25 ms\n").arg(Search)));
    AlertsPanel* panel = m_window->alerts()->panel();
    QTRY_COMPARE(panel->model()->rowCount(), 1);
    QTRY_VERIFY(panel->newButton()->isEnabled());

    // New: the dialog starts on the function the window shows. (Selected once the table holds it: before, the
    // window's first load selects its first row instead, which a busy machine made happen here.)
    QTRY_VERIFY(m_window->functions()->table()->model()->rowCount() >= 2);
    m_window->functions()->selectKeys({ KeyId { QStringLiteral("shop"), Checkout } });
    QTRY_COMPARE(m_window->functions()->currentKey(), std::make_optional(KeyId { QStringLiteral("shop"), Checkout }));
    QTest::mouseClick(panel->newButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->dialog() && panel->dialog()->isVisible());
    AlertRuleDialog* dialog = panel->dialog();
    QCOMPARE(dialog->functionEdit()->text(), Checkout);
    QTest::keyClicks(dialog->nameEdit(), QStringLiteral("checkout slow"));
    dialog->statisticBox()->setCurrentText(QStringLiteral("p99"));
    dialog->comparisonBox()->setCurrentText(QStringLiteral(">="));
    dialog->thresholdBox()->setValue(30);
    dialog->windowEdit()->setText(QStringLiteral("2m"));
    dialog->forEdit()->setText(QStringLiteral("0s"));
    dialog->keepFiringEdit()->setText(QStringLiteral("0s"));
    QTest::keyClick(dialog, Qt::Key_Return);
    QTRY_COMPARE(panel->model()->rowCount(), 2);
    QTRY_COMPARE(cell(1, AlertRuleModel::StateColumn), QStringLiteral("firing"));
    QVERIFY(loadRulesFile(rulesFile())->text().endsWith(
        QStringLiteral("\n[checkout slow]\nfunction = %1\nwhen = p99 >= 30 ms\nwindow = 2m\n").arg(Checkout)));

    // Edit: double-click the rule, change the threshold; only that line changes.
    clickRow(QStringLiteral("checkout slow"));
    QTest::mouseClick(panel->editButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->dialog() && panel->dialog()->isVisible());
    QCOMPARE(panel->dialog()->nameEdit()->text(), QStringLiteral("checkout slow"));
    panel->dialog()->thresholdBox()->setValue(50);
    QTest::keyClick(panel->dialog(), Qt::Key_Return);
    // It fired at 30 ms; at 50 ms it no longer holds: resolved (no for, no keep_firing_for).
    QTRY_COMPARE(cell(1, AlertRuleModel::StateColumn), QStringLiteral("resolved"));
    QVERIFY(loadRulesFile(rulesFile())->text().contains(QStringLiteral("when = p99 >= 50 ms\nwindow = 2m\n")));

    // Mute and unmute.
    QTest::mouseClick(panel->muteButton(), Qt::LeftButton);
    QTRY_COMPARE(cell(1, AlertRuleModel::StateColumn), QStringLiteral("resolved, muted"));
    QVERIFY(loadRulesFile(rulesFile())->text().contains(QStringLiteral("muted = yes")));
    QCOMPARE(panel->muteButton()->text(), QStringLiteral("Un&mute"));

    // Delete, after saying yes.
    QTest::mouseClick(panel->deleteButton(), Qt::LeftButton);
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox*>(QStringLiteral("deleteRuleBox"))) && box->isVisible());
    QVERIFY(box->text().contains(QStringLiteral("checkout slow")));
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(panel->model()->rowCount(), 1);
    QCOMPARE(loadRulesFile(rulesFile())->text(),
        QStringLiteral("# my rules\n[search slow]\nfunction = %1\nwhen = p95 > 25 ms\n").arg(Search));
    QVERIFY(panel->errorLabel()->isHidden());
}

void tst_AlertsPanel::theDialogRefusesWhatTheFileWouldRefuse()
{
    QVERIFY(openWindow(QStringLiteral("[search slow]\nfunction = %1\nwhen = p95 > 25 ms\n").arg(Search)));
    AlertsPanel* panel = m_window->alerts()->panel();
    QTRY_VERIFY(panel->newButton()->isEnabled());
    panel->setSuggestedFunction(QString());
    QTest::mouseClick(panel->newButton(), Qt::LeftButton);
    QTRY_VERIFY(panel->dialog() && panel->dialog()->isVisible());
    AlertRuleDialog* dialog = panel->dialog();
    dialog->nameEdit()->setText(QStringLiteral("no function"));
    QTest::keyClick(dialog, Qt::Key_Return);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->error().contains(QStringLiteral("has no function")), qPrintable(dialog->error()));
    dialog->functionEdit()->setText(Search);
    dialog->windowEdit()->setText(QStringLiteral("five minutes"));
    QTest::keyClick(dialog, Qt::Key_Return);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->error().contains(QStringLiteral("a duration like 30s")), qPrintable(dialog->error()));
    // A name that is taken comes back from the engine: the panel says the file was not changed.
    dialog->windowEdit()->setText(QStringLiteral("5m"));
    dialog->nameEdit()->setText(QStringLiteral("search slow"));
    QTest::keyClick(dialog, Qt::Key_Return);
    QTRY_VERIFY(panel->errorLabel()->isVisible());
    QVERIFY(panel->errorLabel()->text().contains(QStringLiteral("already a rule called \"search slow\"")));
    QCOMPARE(panel->model()->rowCount(), 1);
}

void tst_AlertsPanel::historyOpensTheFunctionAtThatTime()
{
    QVERIFY(openWindow(QStringLiteral("[checkout slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 1m\n").arg(Checkout)));
    AlertsPanel* panel = m_window->alerts()->panel();
    QTRY_COMPARE(cell(0, AlertRuleModel::StateColumn), QStringLiteral("firing"));
    clickRow(QStringLiteral("checkout slow"));
    QTRY_COMPARE(panel->history()->rowCount(), 1);
    QCOMPARE(panel->history()->item(0, 2)->text(), QStringLiteral("ok → firing"));
    QCOMPARE(panel->history()->item(0, 3)->text(), QStringLiteral("42 ms"));
    QCOMPARE(panel->history()->item(0, 4)->text(), QStringLiteral("25 ms"));
    const double fired = m_alerts->snapshot().rules[0].recent[0].time;
    QTRY_VERIFY(m_window->functions()->table()->model()->rowCount() == 2);
    const QRect cellRect = panel->history()->visualItemRect(panel->history()->item(0, 1));
    QVERIFY2(panel->history()->viewport()->rect().contains(cellRect.center()), "the history is on screen");
    QSignalSpy open(panel, &AlertsPanel::openRequested);
    // As a user double-clicks: a press and release, then the double-click (item views need the first press).
    QTest::mouseClick(panel->history()->viewport(), Qt::LeftButton, {}, cellRect.center());
    QTest::mouseDClick(panel->history()->viewport(), Qt::LeftButton, {}, cellRect.center());
    QCOMPARE(open.size(), 1);
    QTRY_COMPARE(m_window->functions()->currentKey(), std::optional<KeyId>(KeyId { QStringLiteral("shop"), Checkout }));
    const TimeRange range = m_window->timeRange()->range();
    QVERIFY(!m_window->timeRange()->isLive());
    QVERIFY(*range.from <= fired - 1799 && *range.from >= fired - 1801);
    QVERIFY(*range.to >= fired);
}

void tst_AlertsPanel::firingAndResolvingAreMarkedOnTheChart()
{
    // Evaluated once: no later snapshot replaces the markers this test sets by hand.
    QVERIFY(openWindow(QStringLiteral("interval = 1h\n[checkout slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 1m\n").arg(Checkout)));
    QTRY_COMPARE(cell(0, AlertRuleModel::StateColumn), QStringLiteral("firing"));
    m_window->timeRange()->setPreset(TimeRangeController::Preset::Last15Minutes);
    // Another function: no marker of this alert on its chart.
    m_window->functions()->selectKeys({ KeyId { QStringLiteral("shop"), Search } });
    QTRY_VERIFY(!m_window->chart()->data().series.isEmpty());
    QCOMPARE(m_window->chart()->visibleMarkers().size(), 0);
    m_window->functions()->selectKeys({ KeyId { QStringLiteral("shop"), Checkout } });
    QTRY_COMPARE(m_window->chart()->visibleMarkers().size(), 1);
    const ChartMarker marker = m_window->chart()->visibleMarkers().constFirst();
    QCOMPARE(marker.label, QStringLiteral("▲ checkout slow"));
    QCOMPARE(marker.color, AlertRuleModel::stateColor(AlertState::Firing));
    // A range that ends before it fired shows no marker.
    m_window->timeRange()->setCustomRange(m_now - 7200, m_now - 3600);
    QTRY_COMPARE(m_window->chart()->visibleMarkers().size(), 0);
    // The markers of a resolution are green.
    AlertSnapshot snapshot = m_alerts->snapshot();
    snapshot.rules[0].recent.prepend({ m_now - 5000, QStringLiteral("checkout slow"), { QStringLiteral("shop"), Checkout },
        AlertState::Resolving, AlertState::Resolved, 10.0, 25.0, QStringLiteral("p95 > 25 ms") });
    const auto markers = AlertsController::markersOf(snapshot);
    QCOMPARE(markers.size(), 2);
    QCOMPARE(markers[0].color, AlertRuleModel::stateColor(AlertState::Resolved));
    QCOMPARE(markers[0].label, QStringLiteral("✓ checkout slow"));
    m_window->chart()->setMarkers(markers);
    QTRY_COMPARE(m_window->chart()->visibleMarkers().size(), 1);
    QCOMPARE(m_window->chart()->visibleMarkers()[0].time, m_now - 5000);
}

// The README's picture of alerts (docs/screenshots/alerts.png): the panel with a firing rule and an ok one, the
// firing marker on the function's chart.
void tst_AlertsPanel::screenshotOfAFiringAlert()
{
    QVERIFY(openWindow(QStringLiteral("interval = 1h\n[checkout slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 1m\n"
                                      "\n[search failing]\nfunction = %2\nwhen = error rate > 5%\nwindow = 5m\n")
                           .arg(Checkout, Search)));
    QTRY_COMPARE(cell(m_window->alerts()->panel()->model()->rowOf(QStringLiteral("checkout slow")),
                     AlertRuleModel::StateColumn),
        QStringLiteral("firing"));
    m_window->alerts()->dock()->show();
    m_window->timeRange()->setPreset(TimeRangeController::Preset::Last5Minutes);
    m_window->functions()->selectKeys({ KeyId { QStringLiteral("shop"), Checkout } });
    QTRY_COMPARE(m_window->chart()->visibleMarkers().size(), 1);
    clickRow(QStringLiteral("checkout slow"));
    QTest::qWait(300); // the chart's and the panel's last repaint
    const QString folder = qEnvironmentVariable("KODEMON_SCREENSHOT_DIR", QStringLiteral(KODEMON_SCREENSHOT_DIR));
    QDir().mkpath(folder);
    QVERIFY(m_window->grab().toImage().save(QDir(folder).filePath(QStringLiteral("alerts.png"))));
}

QTEST_MAIN(tst_AlertsPanel)
#include "tst_alertspanel.moc"
