// SPDX-License-Identifier: MIT
// The whole window over a real SQLite file and a real collector on loopback UDP, checked by what it shows.
#include "chartview.h"
#include "displayformat.h"
#include "emptystate.h"
#include "functionspanel.h"
#include "histogramview.h"
#include "keylistmodel.h"
#include "mainwindow.h"
#include "rangepicker.h"
#include "statspanel.h"
#include "statusbar.h"
#include "testdata.h"
#include "timerangecontroller.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitewriter.h"
#include "viewerfixture.h"

#include <QAction>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QFile>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QtTest>
#include <QUdpSocket>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;
using Preset = TimeRangeController::Preset;

namespace {

const QString Fetch = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Checkout = QStringLiteral("/srv/app/views.py-checkout");
const QString LoadCart = QStringLiteral("/srv/app/db/queries.py-load_cart");
const QString Shop = QStringLiteral("shop");

// Calls of Fetch at increasing ages, so that each preset holds a known number of them.
struct Age
{
    double seconds;
    int calls;
};
const Age Ages[] = { { 60, 3 }, { 600, 5 }, { 2400, 7 }, { 3 * 3600, 11 }, { 12 * 3600, 13 }, { 3 * 86400, 17 },
    { 30 * 86400, 19 } };

// Every call drawn: raw points, or the calls summarized by the buckets.
qint64 drawnCalls(const ChartView* chart)
{
    qint64 calls = 0;
    for (const auto& series : chart->data().series) {
        calls += series.points.size();
        for (const auto& bucket : series.buckets)
            calls += bucket.count;
    }
    return calls;
}

int scatterPoints(ChartView* chart)
{
    int points = 0;
    for (QAbstractSeries* series : chart->chart()->series()) {
        if (auto* scatter = qobject_cast<QScatterSeries*>(series))
            points += scatter->count();
    }
    return points;
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyDatabaseExplainsHowToSendData();
    void anUpgradedDatabaseSaysWhenRetentionStarts();
    void rangesKeptAsSummariesShowTheirStatistics();
    void sendTestDataFillsTheWindow();
    void selectingAKeyFillsTheChart();
    void presetsChangeChartAndStatistics_data();
    void presetsChangeChartAndStatistics();
    void customRangeChangesChartAndStatistics();
    void dragZoomNarrowsTheRange();
    void severalKeysOverlay();
    void filterFilters();
    void keyboardReachesTheList();
    void tokenSelectorAppearsWithTwoTokens();
    void liveModePicksUpDatagrams();
    void exportWritesTheSelectedRows();
    void stateSurvivesARestart();
    void statusBarShowsTheCollector();
    void statusBarShowsTheStatsdListener();
    void aboutShowsVersionDatabaseAndAddresses();

private:
    void writeAges();
    std::unique_ptr<MainWindow> openWindow();
    void selectKey(MainWindow& window, const QString& key, Qt::KeyboardModifiers modifiers = {});
    int visibleRows(MainWindow& window) const;
    QString callsShown(MainWindow& window, const QString& key) const;

    std::unique_ptr<ViewerFixture> m_fixture;
    double m_now = 0;
};

void tst_MainWindow::init()
{
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    QVERIFY(m_fixture->startCollector());
    m_now = ViewerFixture::now();
}

void tst_MainWindow::cleanup()
{
    m_fixture.reset();
}

void tst_MainWindow::writeAges()
{
    QList<Sample> samples;
    for (const Age& age : Ages) {
        for (int i = 0; i < age.calls; ++i)
            samples.append(ViewerFixture::sample(Fetch, Shop, m_now - age.seconds + i, 10 + i));
    }
    for (int i = 0; i < 4; ++i)
        samples.append(ViewerFixture::sample(Checkout, Shop, m_now - 100 - i, 80 + i));
    samples.append(ViewerFixture::sample(LoadCart, QStringLiteral("api"), m_now - 30, 2.5));
    QVERIFY(m_fixture->write(samples));
}

std::unique_ptr<MainWindow> tst_MainWindow::openWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setLive(false);
    window->attach(m_fixture->services());
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_MainWindow::selectKey(MainWindow& window, const QString& key, Qt::KeyboardModifiers modifiers)
{
    QTableView* table = window.functions()->table();
    QTRY_VERIFY(table->model()->rowCount() > 0);
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        if (index.data().toString() != key)
            continue;
        QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, table->visualRect(index).center());
        return;
    }
    QFAIL(qPrintable(QStringLiteral("no row for %1").arg(key)));
}

int tst_MainWindow::visibleRows(MainWindow& window) const
{
    return window.functions()->table()->model()->rowCount();
}

QString tst_MainWindow::callsShown(MainWindow& window, const QString& key) const
{
    const QAbstractItemModel* model = window.functions()->table()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, KeyListModel::KeyColumn).data().toString() == key)
            return model->index(row, KeyListModel::CallsColumn).data().toString().remove(QLocale().groupSeparator());
    }
    return {};
}

// A file made before retention existed waits a day (meta.retention_after): the window says when retention starts
// and how to keep everything, in its status bar; a new file says nothing.
void tst_MainWindow::anUpgradedDatabaseSaysWhenRetentionStarts()
{
    ViewerServices services = m_fixture->services();
    services.retention = RetentionPolicy {};
    {
        auto window = std::make_unique<MainWindow>();
        window->attach(services);
        QCOMPARE(window->upgradeNotice(), QString());
    }
    const qint64 startsAt = QDateTime::currentSecsSinceEpoch() + 86400;
    {
        auto connection = SqliteConnection::open(m_fixture->store->location());
        QVERIFY(connection.ok());
        QVERIFY((*connection)
                    ->execute(QStringLiteral("INSERT OR REPLACE INTO meta (name, value) VALUES ('retention_after', %1)")
                            .arg(startsAt))
                    .ok());
    }
    auto window = std::make_unique<MainWindow>();
    window->attach(services);
    const QString notice = window->upgradeNotice();
    QVERIFY2(notice.contains(QStringLiteral("made by an older Kodemon")), qPrintable(notice));
    QVERIFY(notice.contains(DisplayFormat::dateTime(double(startsAt))));
    QCOMPARE(window->ingestStatus()->currentMessage(), notice);
    services.retention = RetentionPolicy { 0, 0, 0 }; // started with --retention-raw 0 --retention 0
    window->attach(services);
    QCOMPARE(window->upgradeNotice(), QString());
}

// Calls that a 1-day raw retention turned into minute summaries: the statistics panel still shows the range (count,
// min, max and failed calls exact, percentiles within 1%) and says they come from summaries.
void tst_MainWindow::rangesKeptAsSummariesShowTheirStatistics()
{
    const double now = ViewerFixture::now();
    QList<Sample> samples;
    for (int i = 0; i < 600; ++i) {
        const double t = now - 2 * 86400 + i * 10;
        samples.append(Sample { Shop, Fetch, t, 10.0 + i % 50, qint64(t), i % 20 == 0 ? QByteArray(R"({"error":"E"})") : QByteArray() });
    }
    {
        SqliteWriter writer(m_fixture->store->location(), {}, ChunkPolicy::Compaction { 1, 0 },
            RetentionPolicy { 86400, 0, 0 });
        QVERIFY(writer.write(samples).ok());
        for (int step = 0; step < 1000; ++step) {
            const auto more = writer.maintain(qint64(now), 1000);
            QVERIFY(more.ok());
            if (!*more)
                break;
        }
    }
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::All);
    selectKey(*window, Fetch);
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("600"));
    QCOMPARE(window->stats()->figureText(StatsPanel::Failed), QStringLiteral("30"));
    QCOMPARE(window->stats()->figureText(StatsPanel::Min), DisplayFormat::duration(10.0));
    QCOMPARE(window->stats()->figureText(StatsPanel::Max), DisplayFormat::duration(59.0));
    QVERIFY2(window->stats()->note().contains(QStringLiteral("summaries")), qPrintable(window->stats()->note()));
}

void tst_MainWindow::emptyDatabaseExplainsHowToSendData()
{
    auto window = openWindow();
    QVERIFY(window);
    QTRY_VERIFY(window->isShowingEmptyState());
    QVERIFY(window->emptyState()->isVisible());
    const QString snippet = window->emptyState()->snippet();
    QVERIFY(snippet.contains(QStringLiteral("@kodemon")));
    QVERIFY(snippet.contains(QStringLiteral("KODEMON_PORT=%1").arg(m_fixture->collector->udpPort())));
    QVERIFY(snippet.contains(QStringLiteral("KODEMON_HOST=127.0.0.1")));
    QVERIFY(snippet.contains(QStringLiteral("KODEMON_TOKEN=")));
}

void tst_MainWindow::sendTestDataFillsTheWindow()
{
    auto window = openWindow();
    QVERIFY(window);
    QTRY_VERIFY(window->isShowingEmptyState());
    QTest::mouseClick(window->emptyState()->sendTestDataButton(), Qt::LeftButton);
    // The datagrams go over real UDP to the collector, are stored, and the window notices the new keys.
    QTRY_VERIFY_WITH_TIMEOUT(!window->isShowingEmptyState(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(visibleRows(*window), 6, 10000);
    // Something is selected and drawn at once, so a new user sees a working chart.
    QTRY_VERIFY_WITH_TIMEOUT(drawnCalls(window->chart()) > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window->stats()->figureText(StatsPanel::Count) != QStringLiteral("–"), 10000);
}

void tst_MainWindow::selectingAKeyFillsTheChart()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::Last24Hours);
    selectKey(*window, Fetch);
    QTRY_COMPARE(scatterPoints(window->chart()), 3 + 5 + 7 + 11 + 13);
    const TimeRange range = window->timeRange()->range();
    QCOMPARE(window->chart()->timeAxis()->min(), *range.from);
    QCOMPARE(window->chart()->timeAxis()->max(), *range.to);
    QVERIFY(window->chart()->valueAxis()->max() >= 10 + 12); // the slowest call in range
    QVERIFY(window->chart()->valueAxis()->max() < 10 + 16); // but not the slower ones of 3 days ago
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("39"));
    QCOMPARE(window->stats()->figureText(StatsPanel::Min), QStringLiteral("10.0 ms"));
    QVERIFY(window->stats()->title().contains(QStringLiteral("views.py-fetch_latest")));
    QCOMPARE(window->stats()->histogram()->markerNames().size(), 4);
}

void tst_MainWindow::presetsChangeChartAndStatistics_data()
{
    QTest::addColumn<Preset>("preset");
    QTest::addColumn<int>("calls");
    QTest::newRow("5m") << Preset::Last5Minutes << 3;
    QTest::newRow("15m") << Preset::Last15Minutes << 8;
    QTest::newRow("1h") << Preset::LastHour << 15;
    QTest::newRow("6h") << Preset::Last6Hours << 26;
    QTest::newRow("24h") << Preset::Last24Hours << 39;
    QTest::newRow("7d") << Preset::Last7Days << 56;
    QTest::newRow("all") << Preset::All << 75;
}

void tst_MainWindow::presetsChangeChartAndStatistics()
{
    QFETCH(Preset, preset);
    QFETCH(int, calls);
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    // As the user does it: the preset's button in the toolbar.
    QAction* action = window->rangePicker()->presetAction(preset);
    QVERIFY(action);
    action->trigger();
    QVERIFY(action->isChecked());
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(calls));
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QString::number(calls));
    // The functions table counts the same range.
    QTRY_COMPARE(callsShown(*window, Fetch), QString::number(calls));
    if (preset == Preset::All) {
        QCOMPARE(window->chart()->timeAxis()->min(), m_now - 30 * 86400); // the first call
    } else {
        const double span = TimeRangeController::presetSpan(preset);
        QCOMPARE(window->chart()->timeAxis()->max() - window->chart()->timeAxis()->min(), span);
    }
}

void tst_MainWindow::customRangeChangesChartAndStatistics()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    QDateTimeEdit* from = window->rangePicker()->fromEdit();
    QDateTimeEdit* to = window->rangePicker()->toEdit();
    // From 13 h ago to 2 h ago: the calls of 3 h and 12 h ago.
    from->setFocus();
    from->setDateTime(QDateTime::fromSecsSinceEpoch(qint64(m_now - 13 * 3600)));
    QTest::keyClick(from, Qt::Key_Enter);
    to->setFocus();
    to->setDateTime(QDateTime::fromSecsSinceEpoch(qint64(m_now - 2 * 3600)));
    QTest::keyClick(to, Qt::Key_Enter);
    QCOMPARE(window->timeRange()->preset(), Preset::Custom);
    QVERIFY(!window->timeRange()->isLive());
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(11 + 13));
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("24"));
    QCOMPARE(window->chart()->timeAxis()->min(), double(qint64(m_now - 13 * 3600)));
    for (QAction* action : window->rangePicker()->presetActions())
        QVERIFY(!action->isChecked());
}

void tst_MainWindow::dragZoomNarrowsTheRange()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::LastHour);
    selectKey(*window, Fetch);
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(15));
    // Drag over the last 20 minutes: only the 3 + 5 recent calls stay.
    ChartView* chart = window->chart();
    const auto pixel = [chart](double t) {
        return chart->mapFromScene(chart->chart()->mapToPosition(QPointF(t, 1), chart->chart()->series().first()));
    };
    QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, pixel(m_now - 1200));
    QMouseEvent move(QEvent::MouseMove, pixel(m_now - 30), chart->viewport()->mapToGlobal(pixel(m_now - 30)),
        Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(chart->viewport(), &move);
    QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, pixel(m_now - 30));
    QTRY_COMPARE(drawnCalls(chart), qint64(8));
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("8"));
    window->rangePicker()->zoomOutAction()->trigger();
    QTRY_COMPARE(drawnCalls(chart), qint64(15));
}

void tst_MainWindow::severalKeysOverlay()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    selectKey(*window, Checkout, Qt::ControlModifier);
    QTRY_COMPARE(window->chart()->data().series.size(), 2);
    QStringList legend;
    for (QLegendMarker* marker : window->chart()->chart()->legend()->markers())
        legend.append(marker->label());
    QVERIFY(legend.contains(QStringLiteral("views.py-fetch_latest · shop")));
    QVERIFY(legend.contains(QStringLiteral("views.py-checkout · shop")));
    QTRY_COMPARE(scatterPoints(window->chart()), 15 + 4);
}

void tst_MainWindow::filterFilters()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    QTRY_COMPARE(visibleRows(*window), 3);
    QLineEdit* filter = window->functions()->filterEdit();
    QTest::keyClicks(filter, QStringLiteral("CHECK"));
    QCOMPARE(visibleRows(*window), 1);
    QCOMPARE(window->functions()->table()->model()->index(0, 0).data().toString(), Checkout);
    QTest::keyClick(filter, Qt::Key_Escape);
    QCOMPARE(filter->text(), QString());
    QCOMPARE(visibleRows(*window), 3);
}

void tst_MainWindow::keyboardReachesTheList()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    QTRY_COMPARE(visibleRows(*window), 3);
    window->activateWindow();
    QTest::keyClick(window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), window->functions()->filterEdit());
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("load_cart"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Down);
    QCOMPARE(QApplication::focusWidget(), window->functions()->table());
    QTRY_COMPARE(window->functions()->currentKey()->key, LoadCart);
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(1));
}

void tst_MainWindow::tokenSelectorAppearsWithTwoTokens()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    QTRY_COMPARE(visibleRows(*window), 3);
    QComboBox* tokens = window->functions()->tokenBox();
    QVERIFY(tokens->isVisible());
    tokens->setCurrentIndex(tokens->findText(QStringLiteral("api")));
    QCOMPARE(visibleRows(*window), 1);
    tokens->setCurrentIndex(0);
    QCOMPARE(visibleRows(*window), 3);
}

void tst_MainWindow::liveModePicksUpDatagrams()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::Last5Minutes);
    selectKey(*window, Fetch);
    QTRY_COMPARE(scatterPoints(window->chart()), 3);
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("3"));
    window->rangePicker()->liveAction()->trigger();
    QVERIFY(window->timeRange()->isLive());
    QTRY_VERIFY(!window->chart()->data().series.isEmpty()); // the live start reloaded once

    // Over real UDP, exactly as the decorator sends them: 40 calls of this key, 10 of another.
    QList<QByteArray> datagrams;
    const qint64 now = qint64(ViewerFixture::now());
    for (int i = 0; i < 40; ++i)
        datagrams.append(Kodemon::Test::decoratorDatagram(Fetch, 500 + i, now, Shop));
    for (int i = 0; i < 10; ++i)
        datagrams.append(Kodemon::Test::decoratorDatagram(Checkout, 1, now, Shop));
    QElapsedTimer sent;
    sent.start();
    Kodemon::Test::sendDatagrams(datagrams, m_fixture->collector->udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(scatterPoints(window->chart()), 43, 5000);
    QVERIFY2(sent.elapsed() < 3000, "live updates should arrive within about a second");
    QTRY_COMPARE_WITH_TIMEOUT(window->stats()->figureText(StatsPanel::Count), QStringLiteral("43"), 5000);
    QCOMPARE(window->stats()->figureText(StatsPanel::Max), QStringLiteral("539 ms"));
    // The axis follows now.
    QTRY_VERIFY(window->chart()->timeAxis()->max() >= double(now));
}

void tst_MainWindow::exportWritesTheSelectedRows()
{
    writeAges();
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::LastHour);
    selectKey(*window, Fetch);
    selectKey(*window, Checkout, Qt::ControlModifier);
    QTRY_COMPARE(window->functions()->selectedKeys().size(), 2);
    const QString path = m_fixture->filePath(QStringLiteral("export.csv"));
    QSignalSpy finished(window.get(), &MainWindow::exportFinished);
    QVERIFY(window->exportCsv(path));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.first(), QByteArray("timestamp,token,key,execution_time_ms,extra\r"));
    QCOMPARE(lines.size(), 1 + 15 + 4);
    QCOMPARE(lines.count(QByteArray()), 0);
    int fetchRows = 0;
    for (const QByteArray& line : lines)
        fetchRows += line.contains(",shop,/srv/app/views.py-fetch_latest,") ? 1 : 0;
    QCOMPARE(fetchRows, 15);
}

void tst_MainWindow::stateSurvivesARestart()
{
    writeAges();
    QList<int> sizes;
    {
        auto window = openWindow();
        QVERIFY(window);
        window->rangePicker()->presetAction(Preset::Last6Hours)->trigger();
        selectKey(*window, Checkout);
        QTRY_COMPARE(window->functions()->currentKey()->key, Checkout);
        auto* splitter = window->findChild<QSplitter*>(QStringLiteral("mainSplitter"));
        splitter->setSizes({ 300, splitter->width() - 300 });
        sizes = splitter->sizes();
        window->close();
    }
    auto window = openWindow();
    QVERIFY(window);
    QCOMPARE(window->timeRange()->preset(), Preset::Last6Hours);
    QVERIFY(window->rangePicker()->presetAction(Preset::Last6Hours)->isChecked());
    QTRY_VERIFY(window->functions()->currentKey().has_value());
    QCOMPARE(window->functions()->currentKey()->key, Checkout);
    QCOMPARE(window->findChild<QSplitter*>(QStringLiteral("mainSplitter"))->sizes(), sizes);
}

void tst_MainWindow::statusBarShowsTheCollector()
{
    auto window = openWindow();
    QVERIFY(window);
    const QString port = QString::number(m_fixture->collector->udpPort());
    QVERIFY(window->ingestStatus()->udpText().contains(QStringLiteral("127.0.0.1:") + port));
    QVERIFY(window->ingestStatus()->udpText().contains(QStringLiteral("listening")));
    Kodemon::Test::sendDatagrams(
        { Kodemon::Test::decoratorDatagram(Fetch, 1, qint64(m_now), Shop), QByteArray("not json") },
        m_fixture->collector->udpPort());
    QTRY_VERIFY_WITH_TIMEOUT(window->ingestStatus()->storedText().contains(QStringLiteral("Stored 1")), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window->ingestStatus()->rejectedToolTip().contains(QStringLiteral("not_json")), 5000);
}

// The StatsD listener is optional: on a free port the status bar names it, on a taken one it says so (hover: why)
// and the decorator's port keeps working.
void tst_MainWindow::statusBarShowsTheStatsdListener()
{
    QUdpSocket holder;
    QVERIFY(holder.bind(QHostAddress::LocalHost, 0));
    m_fixture->feed.reset();
    m_fixture->status.reset();
    m_fixture->collector->stop();
    QVERIFY(m_fixture->startCollector(0, holder.localPort()));
    auto window = openWindow();
    QVERIFY(window);
    const QString taken = QStringLiteral("127.0.0.1:%1").arg(holder.localPort());
    QTRY_VERIFY(window->ingestStatus()->listenersText().contains(QStringLiteral("StatsD unavailable")));
    QVERIFY2(window->ingestStatus()->listenersToolTip().contains(QStringLiteral("already in use")),
        qPrintable(window->ingestStatus()->listenersToolTip()));
    QVERIFY(window->ingestStatus()->udpText().contains(QStringLiteral("listening")));

    QUdpSocket probe;
    QVERIFY(probe.bind(QHostAddress::LocalHost, 0));
    const quint16 free = probe.localPort();
    probe.close();
    window.reset();
    m_fixture->feed.reset();
    m_fixture->status.reset();
    m_fixture->collector->stop();
    QVERIFY(m_fixture->startCollector(0, free));
    window = openWindow();
    QTRY_VERIFY(window->ingestStatus()->listenersText().contains(QStringLiteral("StatsD 127.0.0.1:%1").arg(free)));
}

void tst_MainWindow::aboutShowsVersionDatabaseAndAddresses()
{
    auto window = openWindow();
    QVERIFY(window);
    QAction* about = nullptr;
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text().remove(u'&') == QLatin1String("About Kodemon"))
            about = action;
    }
    QVERIFY(about);
    QString shown;
    QTimer::singleShot(0, window.get(), [&] {
        for (QWidget* widget : QApplication::topLevelWidgets()) {
            if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) {
                shown = box->text();
                box->accept();
            }
        }
    });
    about->trigger();
    QVERIFY2(shown.contains(QStringLiteral("Kodemon " KODEMON_VERSION)), qPrintable(shown));
    QVERIFY2(shown.contains(m_fixture->store->location().toHtmlEscaped()), qPrintable(shown));
    QVERIFY2(
        shown.contains(QStringLiteral("UDP 127.0.0.1:%1").arg(m_fixture->collector->udpPort())), qPrintable(shown));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
