// SPDX-License-Identifier: MIT
// The desktop viewer on another Kodemon (`kodemon --remote`), driven offscreen against the real
// `kodemon --headless` on loopback: it shows what a local window on the same data shows, follows new calls
// live, exports what the server's own CSV holds, and says clearly when the server cannot be reached.
#include "changescontroller.h"
#include "changesmodel.h"
#include "changespanel.h"
#include "chartdata.h"
#include "chartview.h"
#include "displayformat.h"
#include "filterbar.h"
#include "functionspanel.h"
#include "httpclient.h"
#include "kodemonprocess.h"
#include "live/pollingfeed.h"
#include "live/remotestatus.h"
#include "mainwindow.h"
#include "rangepicker.h"
#include "remote/remotestore.h"
#include "requestlogproxy.h"
#include "sqlite/sqlitereader.h"
#include "statspanel.h"
#include "statusbar.h"
#include "store/query.h"
#include "tagvaluesmodel.h"
#include "testdata.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"
#include "viewoptions.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <QUdpSocket>

using namespace Kodemon;
using Kodemon::Test::KodemonProcess;
using Preset = TimeRangeController::Preset;

namespace {

const QString Fetch = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Busy = QStringLiteral("/srv/app/api.py-busy");
const QString Checkout = QStringLiteral("/srv/app/views.py-checkout");
const QString Live = QStringLiteral("/srv/app/live.py-tick");
const QString Charge = QStringLiteral("/srv/app/pay.py-charge");
const QString Odd = QStringLiteral("/srv/my app/a+b=c&d%20#?-j\u00fcrgen \u65e5\u672c");
const QString Shop = QStringLiteral("shop");

// Calls of Fetch at increasing ages, so that each preset holds a known number of them.
struct Age
{
    qint64 seconds;
    int calls;
};
const Age Ages[] = { { 60, 3 }, { 600, 5 }, { 2400, 7 }, { 3 * 3600, 11 }, { 12 * 3600, 13 }, { 3 * 86400, 17 },
    { 30 * 86400, 19 } };

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

bool shows(const ChartView* chart, const QString& key)
{
    return chart->data().series.size() == 1 && chart->data().series.first().id.key == key;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QByteArray withExtra(const QString& key, double ms, qint64 timestamp)
{
    QJsonObject object { { QStringLiteral("key"), key }, { QStringLiteral("execution_time"), ms },
        { QStringLiteral("timestamp"), timestamp }, { QStringLiteral("user"), QStringLiteral("x,\"y\"") },
        { QStringLiteral("attempt"), 2 }, { QStringLiteral("token"), Shop } };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A call of Charge as the Python client sends it: an endpoint, every eighth declined.
QByteArray chargeDatagram(int i, qint64 timestamp)
{
    QJsonObject object { { QStringLiteral("key"), Charge }, { QStringLiteral("execution_time"), 20 + i % 13 },
        { QStringLiteral("timestamp"), timestamp }, { QStringLiteral("token"), Shop },
        { QStringLiteral("endpoint"), i % 2 == 0 ? QStringLiteral("/cart") : QStringLiteral("/a b&c") } };
    if (i % 8 == 0)
        object.insert(QStringLiteral("error"), QStringLiteral("CardDeclined"));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Lognormal calls of `key` (median 20 ms, sigma 0.25) every 15 s from `from` to `to`, the median times `factor` from
// `step` on, as the decorator sends them: 480 calls a side of a step 2 hours into 4.
QList<QByteArray> stepCalls(const QString& key, qint64 from, qint64 to, qint64 step, double factor, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<QByteArray> datagrams;
    for (qint64 t = from; t < to; t += 15) {
        const double u1 = 1 - random.generateDouble();
        const double u2 = random.generateDouble();
        const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        const double median = t >= step ? 20 * factor : 20;
        datagrams.append(Test::decoratorDatagram(key, median * std::exp(0.25 * normal), t, Shop));
    }
    return datagrams;
}

// A window on the Kodemon at `port`, wired as `kodemon --remote` wires it.
struct RemoteViewer
{
    explicit RemoteViewer(quint16 port)
        : url(QStringLiteral("http://127.0.0.1:%1").arg(port))
        , store(std::make_shared<RemoteStore>(RemoteEndpoint { url, {} }))
        , feed(std::make_unique<PollingFeed>(store))
        , status(std::make_unique<RemoteStatus>(store->api()))
        , window(std::make_unique<MainWindow>())
    {
        ViewerServices services;
        services.store = store;
        services.feed = feed.get();
        services.status = status.get();
        services.remoteUrl = url;
        services.changes = [store = store](Query& query, const ChangeRequest& request) {
            return store->findChanges(query, request);
        };
        window->timeRange()->setLive(false);
        window->attach(services);
        window->show();
    }

    QUrl url;
    std::shared_ptr<RemoteStore> store;
    std::unique_ptr<PollingFeed> feed;
    std::unique_ptr<RemoteStatus> status;
    std::unique_ptr<MainWindow> window; // last: gone before what it uses
};

} // namespace

class tst_RemoteWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void keyListAndTitle();
    void chartAgreesWithLocal_data();
    void chartAgreesWithLocal();
    void presetsAndCustomRange();
    void oddKeyRoundTrips();
    void liveModeFollowsTheServer();
    void exportWritesWhatTheServerWrites();
    void statusBarShowsTheServer();
    void statusBarShowsTheServersListeners();
    void localOnlyActionsExplainThemselves();
    void unreachableServerThenRecovery();
    void filtersGroupsAndBaselinesAgreeWithLocal();
    void whatChangedAsksTheServerOnce();

private:
    void selectKey(MainWindow& window, const QString& key);
    int rows(MainWindow& window) const;

    KodemonProcess m_server;
    std::unique_ptr<Query> m_local; // the server's SQLite file, read directly
    qint64 m_now = 0;
    qint64 m_sent = 0;
    QTemporaryDir m_dir;
};

void tst_RemoteWindow::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.output()));
    m_now = QDateTime::currentSecsSinceEpoch();
    QList<QByteArray> datagrams;
    for (const Age& age : Ages) {
        for (int i = 0; i < age.calls; ++i)
            datagrams.append(Test::decoratorDatagram(Fetch, 10 + i, m_now - age.seconds + i, Shop));
    }
    for (int i = 0; i < 2400; ++i) // more than the chart has pixels: buckets
        datagrams.append(Test::decoratorDatagram(Busy, 1 + (i * 7919 % 1000) / 10.0, m_now - 3000 + i, Shop));
    for (int i = 0; i < 25; ++i)
        datagrams.append(withExtra(Checkout, 80 + i * 0.5, m_now - 500 + i * 10));
    datagrams.append(Test::decoratorDatagram(Live, 5, m_now - 100, Shop));
    for (int i = 0; i < 3; ++i)
        datagrams.append(Test::decoratorDatagram(Odd, 1 + i, m_now - 50 + i, Shop));
    for (int i = 0; i < 40; ++i) // this hour and, 20 of them, the hour before
        datagrams.append(chargeDatagram(i, i < 20 ? m_now - 2000 + i * 10 : m_now - 5000 + i * 10));
    Test::sendDatagrams(datagrams, m_server.udpPort());
    m_sent = datagrams.size();
    m_local = std::make_unique<Query>(std::make_unique<SqliteReader>(m_server.databasePath()));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto keys = m_local->keys();
            qint64 total = 0;
            for (const auto& info : keys ? *keys : QList<SeriesInfo>())
                total += info.count;
            return total == m_sent;
        }(),
        15000);
}

void tst_RemoteWindow::init()
{
    Test::ViewerFixture::clearSettings();
}

void tst_RemoteWindow::selectKey(MainWindow& window, const QString& key)
{
    QTableView* table = window.functions()->table();
    QTRY_VERIFY(table->model()->rowCount() > 0);
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        if (index.data().toString() != key)
            continue;
        table->scrollTo(index);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        return;
    }
    QFAIL(qPrintable(QStringLiteral("no row for %1").arg(key)));
}

int tst_RemoteWindow::rows(MainWindow& window) const
{
    return window.functions()->table()->model()->rowCount();
}

void tst_RemoteWindow::keyListAndTitle()
{
    RemoteViewer viewer(m_server.httpPort());
    QVERIFY(QTest::qWaitForWindowExposed(viewer.window.get()));
    QVERIFY(viewer.window->isRemote());
    QCOMPARE(viewer.window->windowTitle(), QStringLiteral("Kodemon — 127.0.0.1:%1").arg(m_server.httpPort()));
    const auto keys = m_local->keys();
    QVERIFY(keys);
    QTRY_COMPARE(rows(*viewer.window), int(keys->size()));
    QStringList shown;
    for (int row = 0; row < rows(*viewer.window); ++row)
        shown.append(viewer.window->functions()->table()->model()->index(row, 0).data().toString());
    for (const auto& info : *keys)
        QVERIFY2(shown.contains(info.id.key), qPrintable(info.id.key));
}

void tst_RemoteWindow::chartAgreesWithLocal_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<Preset>("preset");
    QTest::addColumn<bool>("bucketed");
    QTest::newRow("points, 24 h") << Fetch << Preset::Last24Hours << false;
    QTest::newRow("points, all") << Fetch << Preset::All << false;
    QTest::newRow("buckets, 1 h") << Busy << Preset::LastHour << true;
}

void tst_RemoteWindow::chartAgreesWithLocal()
{
    QFETCH(QString, key);
    QFETCH(Preset, preset);
    QFETCH(bool, bucketed);
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    QVERIFY(QTest::qWaitForWindowExposed(&window)); // the plot has its final width before the load
    window.timeRange()->setPreset(preset);
    selectKey(window, key);
    QTRY_VERIFY_WITH_TIMEOUT(shows(window.chart(), key) && drawnCalls(window.chart()) > 0, 10000);
    // The same load on the server's file, with the same range and pixels, draws exactly the same.
    const ChartData& remote = window.chart()->data();
    const ChartData local = loadChart(*m_local,
        ChartRequest { { KeyId { Shop, key } }, window.timeRange()->range(), remote.pixels }, [] { return false; });
    QCOMPARE(remote.from, local.from);
    QCOMPARE(remote.to, local.to);
    QCOMPARE(remote.series.first().bucketed, bucketed);
    QCOMPARE(local.series.first().bucketed, bucketed);
    QCOMPARE(remote.series.first().points, local.series.first().points);
    QCOMPARE(remote.series.first().step, local.series.first().step);
    const auto& remoteBuckets = remote.series.first().buckets;
    const auto& localBuckets = local.series.first().buckets;
    QCOMPARE(remoteBuckets.size(), localBuckets.size());
    for (qsizetype i = 0; i < remoteBuckets.size(); ++i) {
        QCOMPARE(remoteBuckets[i].start, localBuckets[i].start);
        QCOMPARE(remoteBuckets[i].count, localBuckets[i].count);
        QCOMPARE(remoteBuckets[i].min, localBuckets[i].min);
        QCOMPARE(remoteBuckets[i].mean, localBuckets[i].mean);
        QCOMPARE(remoteBuckets[i].max, localBuckets[i].max);
    }
    const auto stats = m_local->stats(SeriesSelector { key, Shop, window.timeRange()->range() });
    QVERIFY(stats);
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QLocale().toString(stats->count));
}

void tst_RemoteWindow::presetsAndCustomRange()
{
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    selectKey(window, Fetch);
    window.rangePicker()->presetAction(Preset::Last5Minutes)->trigger();
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(3));
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("3"));
    window.rangePicker()->presetAction(Preset::LastHour)->trigger();
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(3 + 5 + 7));
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("15"));
    // From 13 h ago to 2 h ago: the calls of 3 h and 12 h ago.
    window.timeRange()->setCustomRange(double(m_now - 13 * 3600), double(m_now - 2 * 3600));
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(11 + 13));
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("24"));
    QCOMPARE(window.stats()->figureText(StatsPanel::Min), QStringLiteral("10.0 ms"));
    QCOMPARE(window.chart()->data().from, double(m_now - 13 * 3600));
}

void tst_RemoteWindow::oddKeyRoundTrips()
{
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    window.timeRange()->setPreset(Preset::LastHour);
    selectKey(window, Odd);
    QTRY_VERIFY(shows(window.chart(), Odd));
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(3));
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("3"));
}

void tst_RemoteWindow::liveModeFollowsTheServer()
{
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    window.timeRange()->setPreset(Preset::Last5Minutes);
    selectKey(window, Live);
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(1));
    window.rangePicker()->liveAction()->trigger();
    QVERIFY(window.timeRange()->isLive());
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("1"));
    QTest::qWait(1500); // the feed has found where the series ends

    // Over real UDP, as the decorator sends them: 20 calls of this key (ten in one second), one of a new key.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QList<QByteArray> datagrams;
    for (int i = 0; i < 20; ++i)
        datagrams.append(Test::decoratorDatagram(Live, 500 + i, now + i / 10, Shop));
    const QString newKey = QStringLiteral("/srv/app/new.py-appears");
    datagrams.append(Test::decoratorDatagram(newKey, 1, now, Shop));
    const int rowsBefore = rows(window);
    QElapsedTimer sent;
    sent.start();
    Test::sendDatagrams(datagrams, m_server.udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(drawnCalls(window.chart()), qint64(21), 6000);
    const qint64 arrivedMs = sent.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(window.stats()->figureText(StatsPanel::Count), QStringLiteral("21"), 5000);
    QCOMPARE(window.stats()->figureText(StatsPanel::Max), QStringLiteral("519 ms"));
    QTRY_COMPARE_WITH_TIMEOUT(rows(window), rowsBefore + 1, 6000);
    QVERIFY2(arrivedMs < 3000, qPrintable(QStringLiteral("live calls took %1 ms").arg(arrivedMs)));
    // No call is added twice by later polls.
    QTest::qWait(2500);
    QCOMPARE(drawnCalls(window.chart()), qint64(21));
    QCOMPARE(window.stats()->figureText(StatsPanel::Count), QStringLiteral("21"));
}

void tst_RemoteWindow::exportWritesWhatTheServerWrites()
{
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    selectKey(window, Checkout);
    const double from = double(m_now - 700);
    const double to = double(m_now);
    window.timeRange()->setCustomRange(from, to);
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(25));
    const QString path = m_dir.filePath(QStringLiteral("export.csv"));
    QSignalSpy finished(&window, &MainWindow::exportFinished);
    QVERIFY(window.exportCsv(path));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.at(0).at(0).toLongLong(), 25);
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray exported = file.readAll();
    Test::HttpClient client(m_server.httpPort());
    const auto server = client.get("/api/executions?key=" + Test::encodeQueryValue(Checkout) + "&token=shop&from="
        + QByteArray::number(qint64(from)) + "&to=" + QByteArray::number(qint64(to)) + "&format=csv");
    QCOMPARE(server.status, 200);
    QCOMPARE(exported, server.body);
    QVERIFY(exported.contains("attempt")); // the extra data came along
}

void tst_RemoteWindow::statusBarShowsTheServer()
{
    RemoteViewer viewer(m_server.httpPort());
    StatusBar* status = viewer.window->ingestStatus();
    QTRY_VERIFY(status->udpText().contains(QStringLiteral("listening")));
    QVERIFY(status->udpText().contains(QStringLiteral("127.0.0.1:%1").arg(m_server.udpPort())));
    QVERIFY(status->webText().contains(QStringLiteral("Remote")));
    QVERIFY(status->webText().contains(viewer.url.toString()));
    QTRY_VERIFY(status->storedText().startsWith(QStringLiteral("Stored ")));
    QVERIFY(!status->storedText().contains(u'–'));
    QVERIFY(status->databaseText() != QStringLiteral("DB –"));
}

// The server's optional listeners, as its own window would show them: its StatsD port is taken (a real StatsD
// server runs there), so it runs without it and the status bar says so with the reason; its OTLP receiver listens.
void tst_RemoteWindow::statusBarShowsTheServersListeners()
{
    QUdpSocket statsd;
    QVERIFY(statsd.bind(QHostAddress::LocalHost, 0));
    const quint16 otlpPort = freePort();
    KodemonProcess server({ QStringLiteral("--statsd-port"), QString::number(statsd.localPort()),
        QStringLiteral("--otlp-port"), QString::number(otlpPort) });
    QVERIFY2(server.start(), qPrintable(server.output()));
    RemoteViewer viewer(server.httpPort());
    StatusBar* status = viewer.window->ingestStatus();
    QTRY_VERIFY_WITH_TIMEOUT(!status->listenersText().isEmpty(), 10000);
    const QString text = status->listenersText();
    QVERIFY2(text.contains(QStringLiteral("StatsD unavailable")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("OTLP 127.0.0.1:%1").arg(otlpPort)), qPrintable(text));
    QVERIFY2(text.indexOf(QStringLiteral("StatsD")) < text.indexOf(QStringLiteral("OTLP")), qPrintable(text));
    const QString tip = status->listenersToolTip();
    QVERIFY2(tip.contains(QStringLiteral("StatsD: not listening")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("127.0.0.1:%1").arg(statsd.localPort())), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("already in use")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("OTLP: listening on 127.0.0.1:%1").arg(otlpPort)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("remote Kodemon")), qPrintable(tip));
    // The decorator's port works all the same, and the window follows the server's counters.
    QVERIFY(status->udpText().contains(QStringLiteral("listening")));
}

void tst_RemoteWindow::localOnlyActionsExplainThemselves()
{
    RemoteViewer viewer(m_server.httpPort());
    QVERIFY(QTest::qWaitForWindowExposed(viewer.window.get()));
    const auto action = [&](const QString& text) {
        for (QAction* candidate : viewer.window->findChildren<QAction*>()) {
            if (candidate->text() == text)
                return candidate;
        }
        return static_cast<QAction*>(nullptr);
    };
    QAction* testData = action(QStringLiteral("Send &Test Data"));
    QVERIFY(testData);
    QVERIFY(!testData->isEnabled()); // it would send to this computer, which collects nothing
    QAction* settings = action(QStringLiteral("&Settings…"));
    QVERIFY(settings);
    // The settings of a remote Kodemon are set where it runs: a note says so instead of local port fields.
    QString shown;
    QTimer::singleShot(200, this, [&] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            shown = box->text();
            box->accept();
        }
    });
    settings->trigger();
    QVERIFY2(shown.contains(viewer.url.toString()), qPrintable(shown));
    QVERIFY(shown.contains(QStringLiteral("kodemon --remote URL")));
}

void tst_RemoteWindow::unreachableServerThenRecovery()
{
    const quint16 port = freePort();
    RemoteViewer viewer(port);
    MainWindow& window = *viewer.window;
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(window.ingestStatus()->udpText().contains(QStringLiteral("unreachable")));
    QTRY_VERIFY(window.chart()->message().contains(QStringLiteral("connection refused")));
    QVERIFY(window.chart()->message().contains(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QCOMPARE(rows(window), 0);
    QVERIFY(!window.isShowingEmptyState()); // it does not know yet that there is nothing

    KodemonProcess late({ QStringLiteral("--http-port"), QString::number(port) });
    QVERIFY2(late.start(), qPrintable(late.output()));
    Test::sendDatagrams(
        { Test::decoratorDatagram(Fetch, 7, QDateTime::currentSecsSinceEpoch() - 5, Shop) }, late.udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(rows(window), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(drawnCalls(window.chart()), qint64(1), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window.ingestStatus()->udpText().contains(QStringLiteral("listening")), 5000);
    QCOMPARE(window.ingestStatus()->currentMessage(), QString()); // the failure is no longer reported
}

void tst_RemoteWindow::filtersGroupsAndBaselinesAgreeWithLocal()
{
    RemoteViewer viewer(m_server.httpPort());
    MainWindow& window = *viewer.window;
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.timeRange()->setPreset(Preset::LastHour);
    selectKey(window, Charge);
    QTRY_COMPARE(drawnCalls(window.chart()), qint64(20));
    // The filters travel to the server as tag= and outcome= parameters: the answers are the server's own.
    QVERIFY(window.filterBar()->addFilterText(QStringLiteral("endpoint:/a b&c")));
    window.viewOptions()->setOutcome(CallOutcome::Succeeded);
    const TimeRange range = window.timeRange()->range();
    const SeriesSelector selector { Charge, Shop, range,
        { TagFilter { TagFilter::Op::Equals, QStringLiteral("endpoint"), QStringLiteral("/a b&c") } }, CallOutcome::Succeeded };
    const auto local = m_local->stats(selector);
    QVERIFY(local);
    QCOMPARE(local->count, 10); // odd i below 20 (1, 3, .., 19); the declined ones (i = 0, 8, 16) are all /cart
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Count), QString::number(local->count));
    QCOMPARE(window.stats()->figureText(StatsPanel::Max), DisplayFormat::duration(local->max));
    QTRY_COMPARE(drawnCalls(window.chart()), local->count);

    // The failed calls, grouped by endpoint, against the previous hour.
    window.viewOptions()->clearFilters();
    QTRY_COMPARE(window.stats()->figureText(StatsPanel::Failed), QStringLiteral("3")); // i = 0, 8, 16
    window.viewOptions()->setGroupBy(QStringLiteral("endpoint"));
    QTRY_COMPARE(window.chart()->data().series.size(), 2);
    const auto groups = m_local->groupedBuckets(SeriesSelector { Charge, Shop, range }, QStringLiteral("endpoint"), 10);
    QVERIFY(groups);
    QCOMPARE(groups->size(), 2);
    for (const auto& series : window.chart()->data().series) {
        const auto same = std::find_if(groups->begin(), groups->end(), [&](const GroupedSeries& g) { return g.group == *series.group; });
        QVERIFY(same != groups->end());
        QCOMPARE(series.groupCalls, same->count);
    }
    window.viewOptions()->setBaseline(BaselineChoice { BaselineChoice::Kind::Previous, {} });
    QTRY_VERIFY(window.stats()->isComparing());
    QTRY_COMPARE(window.stats()->baselineText(StatsPanel::Count), QStringLiteral("20"));
    QTRY_COMPARE(window.chart()->data().baseline.size(), 2);
    // The tag list is the server's too.
    auto* tags = window.findChild<TagValuesModel*>();
    QTRY_COMPARE(tags->tagNames(), (QStringList { QStringLiteral("endpoint"), QStringLiteral("error") }));
}

// "What changed" on a remote window asks the server's /api/changes once (the proxy counts the requests on the
// wire) instead of reading every function's calls over HTTP, and lists what the server found: a known +50% step
// within a bucket of its time, beside the deploy marker posted to the server just before it.
void tst_RemoteWindow::whatChangedAsksTheServerOnce()
{
    KodemonProcess server;
    QVERIFY2(server.start(), qPrintable(server.output()));
    const QString slowed = QStringLiteral("/srv/shop/views.py-checkout");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 step = now - 2 * 3600;
    QList<QByteArray> datagrams = stepCalls(slowed, now - 4 * 3600, now, step, 1.5, 7);
    const QString steady = QStringLiteral("/srv/shop/cart.py-total");
    datagrams += stepCalls(steady, now - 4 * 3600, now, step, 1.0, 8);
    Test::sendDatagrams(datagrams, server.udpPort());
    Test::HttpClient http(server.httpPort());
    const QByteArray marker = QJsonDocument(QJsonObject { { QStringLiteral("time"), double(step - 120) },
                                                { QStringLiteral("text"), QStringLiteral("deploy 1.4.2") } })
                                  .toJson(QJsonDocument::Compact);
    QVERIFY(http.connectToServer());
    QVERIFY(http.send("POST /api/annotations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Content-Length: "
        + QByteArray::number(marker.size()) + "\r\n\r\n" + marker));
    QCOMPARE(http.read().status, 201);
    const auto stored = [&] {
        const QJsonObject counters
            = http.get("/api/status").json().object().value(QStringLiteral("counters")).toObject();
        return counters.value(QStringLiteral("samples_stored")).toInteger();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stored(), qint64(datagrams.size()), 15000);

    Test::RequestLogProxy proxy(server.httpPort());
    RemoteViewer viewer(proxy.port());
    viewer.window->timeRange()->setPreset(Preset::Last6Hours);
    ChangesController* changes = viewer.window->changes();
    QSignalSpy loaded(changes, &ChangesController::loaded);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 30000);
    QVERIFY2(loaded.last().first().toString().isEmpty(), qPrintable(loaded.last().first().toString()));
    // Asked again from a quiet start: one report, one request, no function's calls read.
    proxy.clear();
    loaded.clear();
    changes->reload();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1, 30000);
    QTest::qWait(500); // a second request would be on its way by now
    QCOMPARE(proxy.targets(QStringLiteral("/api/changes")).size(), 1);
    // The window reads the shown function's calls for its chart and statistics; nothing reads the other one's.
    QCOMPARE(viewer.window->functions()->currentKey()->key, steady);
    for (const QString& target : proxy.targets())
        QVERIFY2(!target.contains(QStringLiteral("views.py-checkout")), qPrintable(target));
    const QString asked = proxy.targets(QStringLiteral("/api/changes")).first();
    QVERIFY2(asked.contains(QStringLiteral("min_calls=30")), qPrintable(asked));
    QVERIFY2(asked.contains(QStringLiteral("from=")) && asked.contains(QStringLiteral("&to=")), qPrintable(asked));

    QCOMPARE(changes->model()->rowCount(), 1);
    const Change& change = changes->model()->change(0);
    QCOMPARE(change.id, (KeyId { Shop, slowed }));
    QVERIFY2(std::abs(change.time - double(step)) <= change.bucketSeconds,
        qPrintable(QString::number(change.time - double(step))));
    QVERIFY(!change.improvement);
    QVERIFY2(
        change.relativeChange > 0.3 && change.relativeChange < 0.7, qPrintable(QString::number(change.relativeChange)));
    const auto text = [&](int column) { return changes->model()->index(0, column).data().toString(); };
    QCOMPARE(text(ChangesModel::FunctionColumn), QStringLiteral("views.py-checkout"));
    QVERIFY2(text(ChangesModel::DeployColumn).endsWith(QStringLiteral("after “deploy 1.4.2”")),
        qPrintable(text(ChangesModel::DeployColumn)));
    QVERIFY2(changes->panel()->note().startsWith(QStringLiteral("2 functions,")), qPrintable(changes->panel()->note()));
    // The deploy is on the chart too, read from the server's /api/annotations.
    QTRY_VERIFY(!viewer.window->chart()->data().series.isEmpty());
    QTRY_COMPARE(viewer.window->chart()->visibleMarkers().size(), 1);

    // The table's token and tag filters go along as parameters (the server's calls carry no tags: none passes).
    proxy.clear();
    QComboBox* tokens = viewer.window->functions()->tokenBox();
    tokens->setCurrentIndex(tokens->findData(Shop));
    QVERIFY(viewer.window->filterBar()->addFilterText(QStringLiteral("endpoint:/cart")));
    QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), 0, 20000);
    const QString filtered = proxy.targets(QStringLiteral("/api/changes")).last();
    QVERIFY2(filtered.contains(QStringLiteral("token=shop")), qPrintable(filtered));
    QVERIFY2(filtered.contains(QStringLiteral("tag=endpoint%3A%2Fcart")), qPrintable(filtered));
}

QTEST_MAIN(tst_RemoteWindow)
#include "tst_remotewindow.moc"
