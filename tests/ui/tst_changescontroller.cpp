// SPDX-License-Identifier: MIT
// "What changed" in the real window over a real SQLite file holding a known step: the panel lists it beside the
// deploy marker before it, and opening it shows the function around the change with both sides shaded.
#include "changescontroller.h"
#include "changesmodel.h"
#include "changespanel.h"
#include "chartmarkers.h"
#include "chartview.h"
#include "filterbar.h"
#include "functionspanel.h"
#include "mainwindow.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QTableView>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {

const QString Slowed = QStringLiteral("/srv/shop/views.py-checkout");
const QString Steady = QStringLiteral("/srv/shop/cart.py-total");
const QString Shop = QStringLiteral("shop");
constexpr double Hour = 3600;
constexpr double Interval = 15; // a call every 15 s: 480 calls a side

// Lognormal calls (median `median` ms, sigma 0.25) every Interval from `from` to `to`, the median times `factor`
// from `step` on.
QList<Sample> calls(const QString& key, double from, double to, double step, double factor, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Sample> samples;
    for (double t = from; t < to; t += Interval) {
        const double u1 = 1 - random.generateDouble();
        const double u2 = random.generateDouble();
        const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        const double median = t >= step ? 20 * factor : 20;
        samples.append(ViewerFixture::sample(key, Shop, t, median * std::exp(0.25 * normal)));
    }
    return samples;
}

} // namespace

class tst_ChangesController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void theStepIsListedBesideItsDeploy();
    void openingAChangeShowsItsFunctionAroundIt();
    void aRangeWithoutChangesSaysSo();
    void theListFollowsTheFunctionsTable();

private:
    std::unique_ptr<MainWindow> openWindow();

    std::unique_ptr<ViewerFixture> m_fixture;
    double m_now = 0;
    double m_step = 0;
};

void tst_ChangesController::init()
{
    ViewerFixture::clearSettings();
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    m_now = ViewerFixture::now();
    m_step = m_now - 2 * Hour;
    QVERIFY(m_fixture->write(calls(Slowed, m_now - 4 * Hour, m_now, m_step, 1.5, 7)));
    QVERIFY(m_fixture->write(calls(Steady, m_now - 4 * Hour, m_now, m_step, 1.0, 8)));
    Annotation deploy;
    deploy.time = m_step - 120;
    deploy.text = QStringLiteral("deploy 1.4.2");
    QVERIFY(m_fixture->store->createWriter()->annotate(deploy).ok());
}

void tst_ChangesController::cleanup()
{
    m_fixture.reset();
}

std::unique_ptr<MainWindow> tst_ChangesController::openWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setPreset(TimeRangeController::Preset::Last6Hours);
    window->timeRange()->setLive(false);
    window->resize(1400, 900);
    window->attach(m_fixture->services());
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_ChangesController::theStepIsListedBesideItsDeploy()
{
    auto window = openWindow();
    QVERIFY(window);
    ChangesController* changes = window->changes();
    QVERIFY(changes->dock()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 1, 20000);
    const Change& change = changes->model()->change(0);
    QCOMPARE(change.id, (KeyId { Shop, Slowed }));
    QVERIFY2(std::abs(change.time - m_step) <= change.bucketSeconds, qPrintable(QString::number(change.time - m_step)));
    QVERIFY(!change.improvement);
    const auto text = [&](int column) { return changes->model()->index(0, column).data().toString(); };
    QVERIFY2(
        text(ChangesModel::ChangeColumn).contains(QStringLiteral("+")), qPrintable(text(ChangesModel::ChangeColumn)));
    QCOMPARE(text(ChangesModel::FunctionColumn), QStringLiteral("views.py-checkout"));
    QVERIFY2(text(ChangesModel::DeployColumn).endsWith(QStringLiteral("after “deploy 1.4.2”")),
        qPrintable(text(ChangesModel::DeployColumn)));
    QVERIFY2(changes->panel()->note().startsWith(QStringLiteral("2 functions,")), qPrintable(changes->panel()->note()));
    // The deploy is on the chart too.
    QTRY_VERIFY(!window->chart()->data().series.isEmpty());
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 1);
}

void tst_ChangesController::openingAChangeShowsItsFunctionAroundIt()
{
    auto window = openWindow();
    QVERIFY(window);
    ChangesController* changes = window->changes();
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 1, 20000);
    window->functions()->selectKeys({ KeyId { Shop, Steady } });
    const Change change = changes->model()->change(0);

    // Double-click the row, as a user does.
    QTableView* table = changes->panel()->table();
    const QRect cell = table->visualRect(changes->model()->index(0, ChangesModel::FunctionColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());

    QTRY_COMPARE(window->functions()->selectedKeys(), QList<KeyId> { change.id });
    const TimeRange range = window->timeRange()->range();
    QVERIFY(range.from && range.to);
    QVERIFY2(*range.from<change.before.from&& * range.to> change.after.to,
        qPrintable(QStringLiteral("%1..%2").arg(*range.from - change.before.from).arg(*range.to - change.after.to)));
    QVERIFY(*range.from > change.before.from - Hour); // around the change, not the whole day
    QVERIFY(!window->timeRange()->isLive());
    // The list keeps what it found over the range it looked at.
    QCOMPARE(changes->model()->rowCount(), 1);
    // Both sides shaded on the chart, the after side in the colour of a regression, and the deploy marker.
    QTRY_VERIFY(!window->chart()->data().series.isEmpty() && window->chart()->data().series[0].id == change.id);
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 3);
    QList<ChartMarker> sides;
    for (const auto& marker : window->chart()->visibleMarkers()) {
        if (marker.end)
            sides.append(marker);
    }
    QCOMPARE(sides.size(), 2);
    QCOMPARE(sides[0].time, change.before.from);
    QCOMPARE(*sides[0].end, change.before.to);
    QCOMPARE(sides[1].time, change.after.from);
    QCOMPARE(sides[1].color, ChangesModel::regressionColor());
}

void tst_ChangesController::aRangeWithoutChangesSaysSo()
{
    auto window = openWindow();
    QVERIFY(window);
    ChangesController* changes = window->changes();
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 1, 20000);
    // The last hour: long after the step.
    window->timeRange()->setCustomRange(m_now - Hour, m_now);
    QTRY_VERIFY_WITH_TIMEOUT(changes->panel()->note().contains(QStringLiteral("No step change in this range")), 20000);
    QCOMPARE(changes->model()->rowCount(), 0);
    QCOMPARE(*changes->scope().from, m_now - Hour);
}

// The dock lists the changes of the functions the table shows: of the token chosen in the token box, of the calls
// the tag filters let through (both asked for), of the keys holding the filter text (picked from the answer).
void tst_ChangesController::theListFollowsTheFunctionsTable()
{
    const QString blog = QStringLiteral("blog");
    const QString render = QStringLiteral("/srv/blog/feed.py-render");
    QList<Sample> blogCalls = calls(render, m_now - 4 * Hour, m_now, m_step, 2.0, 9);
    for (Sample& sample : blogCalls)
        sample.token = blog;
    QVERIFY(m_fixture->write(blogCalls));
    auto window = openWindow();
    QVERIFY(window);
    ChangesController* changes = window->changes();
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 2, 20000);

    QComboBox* tokens = window->functions()->tokenBox();
    QTRY_VERIFY(tokens->isVisible());
    tokens->setCurrentIndex(tokens->findData(blog));
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 1, 20000);
    QCOMPARE(changes->model()->change(0).id, (KeyId { blog, render }));
    QVERIFY2(changes->panel()->note().startsWith(QStringLiteral("1 function,")), qPrintable(changes->panel()->note()));
    tokens->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 2, 20000);

    window->functions()->filterEdit()->setText(QStringLiteral("VIEWS.py"));
    QCOMPARE(changes->model()->rowCount(), 1);
    QCOMPARE(changes->model()->change(0).id, (KeyId { Shop, Slowed }));
    QVERIFY2(changes->panel()->note().contains(QStringLiteral("1 of 2 changes")), qPrintable(changes->panel()->note()));
    window->functions()->filterEdit()->clear();
    QCOMPARE(changes->model()->rowCount(), 2);

    // These calls carry no tags: none passes, so nothing changed.
    QVERIFY(window->filterBar()->addFilterText(QStringLiteral("endpoint:/cart")));
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 0, 20000);
    QTRY_VERIFY(changes->panel()->note().contains(QStringLiteral("No step change")));
}

QTEST_MAIN(tst_ChangesController)
#include "tst_changescontroller.moc"
