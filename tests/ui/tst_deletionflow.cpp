// SPDX-License-Identifier: MIT
// Deleting a function's calls from the window: the functions table's "Delete Calls…" counts what would go in the
// shown range and in all, asks with those counts, and the collector's writer deletes what was chosen in a real
// SQLite file; the table follows. Cancelling deletes nothing; a window that cannot delete offers nothing.
#include "deletionflow.h"
#include "functionspanel.h"
#include "keylistmodel.h"
#include "mainwindow.h"
#include "store/query.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"

#include <QAction>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTimer>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;
using Preset = TimeRangeController::Preset;

class tst_DeletionFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void planCounts_data();
    void planCounts();
    void deleteInTheShownRange();
    void deleteAll();
    void cancelDeletesNothing();
    void unavailableWithoutAWriter();

private:
    std::unique_ptr<MainWindow> openWindow(const ViewerServices& services);
    void selectKey(MainWindow& window, const QString& key);
    // Triggers "Delete Calls…" and, in the confirmation, reads its texts and clicks the button whose text starts
    // with `button` (empty: Cancel).
    QStringList confirm(MainWindow& window, const QString& button);
    qint64 count(const QString& key, const TimeRange& range = {}) const;

    std::unique_ptr<ViewerFixture> m_fixture;
    double m_now = 0;
};

namespace {

const QString Slow = QStringLiteral("/srv/app/views.py-slow");
const QString Other = QStringLiteral("/srv/app/views.py-other");
const QString Token = QStringLiteral("shop");
constexpr int Older = 120; // calls of Slow between 3 and 2 hours ago
constexpr int Recent = 80; // calls of Slow in the last half hour
constexpr int OtherCalls = 50;

QAction* deleteAction(MainWindow& window)
{
    for (QAction* action : window.findChildren<QAction*>()) {
        if (action->text() == QStringLiteral("&Delete Calls…"))
            return action;
    }
    return nullptr;
}

} // namespace

void tst_DeletionFlow::init()
{
    ViewerFixture::clearSettings();
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    QVERIFY(m_fixture->startCollector());
    m_now = ViewerFixture::now();
    QList<Sample> samples;
    for (int i = 0; i < Older; ++i)
        samples.append(ViewerFixture::sample(Slow, Token, m_now - 3 * 3600 + i * 30, 10 + i % 7));
    for (int i = 0; i < Recent; ++i)
        samples.append(ViewerFixture::sample(Slow, Token, m_now - 1800 + i * 20, 20 + i % 5));
    for (int i = 0; i < OtherCalls; ++i)
        samples.append(ViewerFixture::sample(Other, Token, m_now - 1800 + i * 30, 3));
    QVERIFY(m_fixture->write(samples));
}

void tst_DeletionFlow::cleanup()
{
    m_fixture.reset();
}

std::unique_ptr<MainWindow> tst_DeletionFlow::openWindow(const ViewerServices& services)
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setLive(false);
    window->timeRange()->setPreset(Preset::LastHour);
    window->attach(services);
    window->resize(1200, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_DeletionFlow::selectKey(MainWindow& window, const QString& key)
{
    QTableView* table = window.functions()->table();
    QTRY_VERIFY(table->model()->rowCount() > 0);
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        if (index.data(KeyListModel::KeyIdRole).value<KeyId>().key != key)
            continue;
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        QTRY_COMPARE(window.functions()->currentKey()->key, key);
        return;
    }
    QFAIL(qPrintable(QStringLiteral("no row for %1").arg(key)));
}

QStringList tst_DeletionFlow::confirm(MainWindow& window, const QString& button)
{
    QStringList seen;
    QTimer::singleShot(100, this, [&] {
        QMessageBox* box = window.deletion()->confirmation();
        if (!box)
            return;
        seen << box->text() << box->informativeText();
        QAbstractButton* chosen = box->button(QMessageBox::Cancel);
        for (QAbstractButton* candidate : box->buttons()) {
            seen << candidate->text();
            if (!button.isEmpty() && candidate->text().startsWith(button))
                chosen = candidate;
        }
        chosen->click();
    });
    deleteAction(window)->trigger();
    return seen;
}

qint64 tst_DeletionFlow::count(const QString& key, const TimeRange& range) const
{
    Query query(m_fixture->store->createReader());
    const auto stats = query.stats(SeriesSelector { key, Token, range });
    return stats ? stats->count : 0;
}

void tst_DeletionFlow::planCounts_data()
{
    QTest::addColumn<std::optional<double>>("fromAgo");
    QTest::addColumn<std::optional<double>>("toAgo");
    QTest::addColumn<qint64>("inRange");
    QTest::newRow("unbounded: everything") << std::optional<double>() << std::optional<double>() << qint64(Older + Recent);
    QTest::newRow("the last hour") << std::optional<double>(3600) << std::optional<double>() << qint64(Recent);
    QTest::newRow("before the last hour") << std::optional<double>() << std::optional<double>(3600) << qint64(Older);
    QTest::newRow("an empty range") << std::optional<double>(86400) << std::optional<double>(80000) << qint64(0);
}

void tst_DeletionFlow::planCounts()
{
    QFETCH(std::optional<double>, fromAgo);
    QFETCH(std::optional<double>, toAgo);
    QFETCH(qint64, inRange);
    DeletionFlow flow(nullptr, nullptr);
    flow.setServices(m_fixture->store, m_fixture->services().deleter);
    QVERIFY(flow.isAvailable());
    TimeRange range;
    if (fromAgo)
        range.from = m_now - *fromAgo;
    if (toAgo)
        range.to = m_now - *toAgo;
    const auto plan = flow.plan(KeyId { Token, Slow }, range);
    QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error()));
    QCOMPARE(plan->all, qint64(Older + Recent));
    QCOMPARE(plan->inRange, inRange);
}

void tst_DeletionFlow::deleteInTheShownRange()
{
    auto window = openWindow(m_fixture->services());
    QVERIFY(window);
    selectKey(*window, Slow);
    QSignalSpy finished(window->deletion(), &DeletionFlow::finished);
    const QStringList seen = confirm(*window, QStringLiteral("Delete 80 in Range"));
    QVERIFY2(seen.size() >= 4, qPrintable(seen.join(QLatin1Char('|'))));
    QVERIFY(seen[0].contains(Slow));
    QVERIFY(seen[0].contains(Token));
    QVERIFY2(seen[1].contains(QStringLiteral(": 80 calls")), qPrintable(seen[1]));
    QVERIFY2(seen[1].contains(QStringLiteral("All calls: 200")), qPrintable(seen[1]));
    QVERIFY(seen.contains(QStringLiteral("Delete All 200")));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished[0][0].toLongLong(), qint64(Recent));
    QCOMPARE(finished[0][1].toString(), QString());
    QCOMPARE(count(Slow), qint64(Older));
    QCOMPARE(count(Slow, TimeRange { m_now - 3600, std::nullopt }), 0);
    QCOMPARE(count(Other), qint64(OtherCalls));
}

void tst_DeletionFlow::deleteAll()
{
    auto window = openWindow(m_fixture->services());
    QVERIFY(window);
    selectKey(*window, Slow);
    QSignalSpy finished(window->deletion(), &DeletionFlow::finished);
    confirm(*window, QStringLiteral("Delete All"));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished[0][0].toLongLong(), qint64(Older + Recent));
    QCOMPARE(count(Slow), 0);
    QCOMPARE(count(Other), qint64(OtherCalls));
    // The table follows: only the other function is left.
    QTRY_COMPARE(window->functions()->table()->model()->rowCount(), 1);
    QCOMPARE(window->functions()->table()->model()->index(0, 0).data(KeyListModel::KeyIdRole).value<KeyId>().key, Other);
}

void tst_DeletionFlow::cancelDeletesNothing()
{
    auto window = openWindow(m_fixture->services());
    QVERIFY(window);
    selectKey(*window, Slow);
    QSignalSpy finished(window->deletion(), &DeletionFlow::finished);
    const QStringList seen = confirm(*window, QString());
    QVERIFY(!seen.isEmpty());
    QTest::qWait(300);
    QCOMPARE(finished.size(), 0);
    QCOMPARE(count(Slow), qint64(Older + Recent));
}

void tst_DeletionFlow::unavailableWithoutAWriter()
{
    ViewerServices services = m_fixture->services();
    services.deleter = {}; // a remote Kodemon, or ClickHouse
    auto window = openWindow(services);
    QVERIFY(window);
    QVERIFY(deleteAction(*window));
    QVERIFY(!deleteAction(*window)->isEnabled());
    QVERIFY(!window->deletion()->isAvailable());
    QVERIFY(!window->deletion()->start(DeleteRequest { Slow, Token, {} }));
    QCOMPARE(count(Slow), qint64(Older + Recent));
}

QTEST_MAIN(tst_DeletionFlow)
#include "tst_deletionflow.moc"
