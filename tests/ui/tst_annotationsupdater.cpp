// SPDX-License-Identifier: MIT
// Deploy markers on the desktop chart: posted with curl to the real HTTP API on loopback, stored by the real
// collector in a real SQLite file, read by the window on its query thread and drawn on its chart.
#include "annotationsupdater.h"
#include "chartmarkers.h"
#include "chartview.h"
#include "functionspanel.h"
#include "http/httpserver.h"
#include "mainwindow.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"

#include <QGraphicsRectItem>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTableView>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {

const QString Fetch = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString LoadCart = QStringLiteral("/srv/app/db/queries.py-load_cart");
const QString Shop = QStringLiteral("shop");
const QString Api = QStringLiteral("api");
constexpr int RefreshWaitMs = 3 * AnnotationsUpdater::RefreshMs;

QStringList labelsOf(const QList<ChartMarker>& markers)
{
    QStringList labels;
    for (const auto& marker : markers)
        labels.append(marker.label);
    return labels;
}

} // namespace

class tst_AnnotationsUpdater : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void markersFollowTheirProject_data();
    void markersFollowTheirProject();
    void markersKeepTheirTextAndPeriod();
    void aMarkerPostedWithCurlAppearsOnTheChart();
    void aProjectsMarkerShowsOnlyOnItsFunctions();
    void aPeriodIsShadedFromItsStartToItsEnd();

private:
    std::unique_ptr<MainWindow> openWindow();
    void selectKey(MainWindow& window, const QString& key);
    QByteArray post(const QJsonObject& body);

    std::unique_ptr<ViewerFixture> m_fixture;
    std::unique_ptr<HttpServer> m_http;
    double m_now = 0;
};

void tst_AnnotationsUpdater::init()
{
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    QVERIFY(m_fixture->startCollector());
    m_now = ViewerFixture::now();
    QList<Sample> samples;
    for (int i = 0; i < 60; ++i) {
        samples.append(ViewerFixture::sample(Fetch, Shop, m_now - 3000 + i * 50, 10 + i % 7));
        samples.append(ViewerFixture::sample(LoadCart, Api, m_now - 3000 + i * 50, 2 + i % 3));
    }
    QVERIFY(m_fixture->write(samples));
    // As the composition root wires it: annotations are written by the collector's writer.
    HttpServer::Options options;
    options.port = 0;
    options.annotator = [collector = m_fixture->collector.get()](const Annotation& annotation, auto done) {
        collector->annotate(annotation, std::move(done));
    };
    m_http = std::make_unique<HttpServer>(m_fixture->store, options);
    const Status started = m_http->start();
    QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
}

void tst_AnnotationsUpdater::cleanup()
{
    m_http.reset();
    m_fixture.reset();
}

std::unique_ptr<MainWindow> tst_AnnotationsUpdater::openWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setPreset(TimeRangeController::Preset::LastHour);
    window->timeRange()->setLive(true);
    window->attach(m_fixture->services());
    window->resize(1200, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_AnnotationsUpdater::selectKey(MainWindow& window, const QString& key)
{
    QTRY_COMPARE(window.functions()->table()->model()->rowCount(), 2);
    window.functions()->selectKeys({ KeyId { key == Fetch ? Shop : Api, key } });
    QTRY_VERIFY(!window.chart()->data().series.isEmpty() && window.chart()->data().series[0].id.key == key);
}

// POSTs `body` to /api/annotations with curl, as a deploy script does; returns the answer's body.
QByteArray tst_AnnotationsUpdater::post(const QJsonObject& body)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
        { QStringLiteral("-sS"), QStringLiteral("--fail-with-body"), QStringLiteral("-H"),
            QStringLiteral("Content-Type: application/json"), QStringLiteral("-d"),
            QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)),
            QStringLiteral("http://127.0.0.1:%1/api/annotations").arg(m_http->port()) });
    if (!curl.waitForFinished(10000) || curl.exitCode() != 0) {
        qWarning() << "curl failed:" << curl.exitCode() << curl.readAllStandardError() << curl.readAllStandardOutput();
        return {};
    }
    return curl.readAllStandardOutput();
}

void tst_AnnotationsUpdater::markersFollowTheirProject_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QList<KeyId>>("shown");
    QTest::addColumn<bool>("applies");
    const KeyId fetch { Shop, Fetch };
    const KeyId cart { Api, LoadCart };
    QTest::newRow("every project, one shown") << QString() << QList<KeyId> { fetch } << true;
    QTest::newRow("every project, nothing shown") << QString() << QList<KeyId> {} << false;
    QTest::newRow("its project") << Shop << QList<KeyId> { fetch } << true;
    QTest::newRow("another project") << Shop << QList<KeyId> { cart } << false;
    QTest::newRow("its project among others") << Shop << QList<KeyId> { cart, fetch } << true;
}

void tst_AnnotationsUpdater::markersFollowTheirProject()
{
    QFETCH(QString, token);
    QFETCH(QList<KeyId>, shown);
    QFETCH(bool, applies);
    Annotation annotation;
    annotation.time = 1000;
    annotation.text = QStringLiteral("deploy");
    annotation.token = token;
    const auto markers = AnnotationsUpdater::markersOf({ annotation });
    QCOMPARE(markers.size(), 1);
    QCOMPARE(markers[0].appliesTo(shown), applies);
}

void tst_AnnotationsUpdater::markersKeepTheirTextAndPeriod()
{
    Annotation annotation;
    annotation.time = 1000;
    annotation.end = 1600;
    annotation.text = QStringLiteral("maintenance window: the database moves to the new cluster, expect slow queries");
    annotation.tags = QStringList { QStringLiteral("ops") };
    const ChartMarker marker = AnnotationsUpdater::markersOf({ annotation }).constFirst();
    QCOMPARE(marker.time, 1000.0);
    QCOMPARE(marker.end, std::optional<double>(1600));
    QCOMPARE(marker.color, AnnotationsUpdater::color());
    QVERIFY2(marker.label.size() <= 32 && marker.label.endsWith(u'…'), qPrintable(marker.label));
    QVERIFY(marker.toolTip.contains(annotation.text));
    QVERIFY(marker.toolTip.contains(QStringLiteral("ops")));
}

void tst_AnnotationsUpdater::aMarkerPostedWithCurlAppearsOnTheChart()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    QCOMPARE(window->chart()->visibleMarkers().size(), 0);

    const QByteArray answer = post({ { QStringLiteral("text"), QStringLiteral("deploy 1.4.2") },
        { QStringLiteral("time"), m_now - 600 }, { QStringLiteral("tags"), QJsonArray { QStringLiteral("deploy") } } });
    QVERIFY2(QJsonDocument::fromJson(answer).object().contains(QStringLiteral("id")), answer.constData());

    // The window was open all along: the live refresh finds it.
    QTRY_COMPARE_WITH_TIMEOUT(
        labelsOf(window->chart()->visibleMarkers()), QStringList { QStringLiteral("deploy 1.4.2") }, RefreshWaitMs);
    const ChartMarker marker = window->chart()->visibleMarkers().constFirst();
    QVERIFY(std::abs(marker.time - (m_now - 600)) < 1);
    QCOMPARE(marker.color, QColor(QStringLiteral("#e3b341")));
    QVERIFY(marker.toolTip.contains(QStringLiteral("deploy 1.4.2")));
    // Every function shows a marker of every project.
    selectKey(*window, LoadCart);
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 1);
    // Out of the range: gone.
    window->timeRange()->setPreset(TimeRangeController::Preset::Last5Minutes);
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 0);
}

void tst_AnnotationsUpdater::aProjectsMarkerShowsOnlyOnItsFunctions()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    QVERIFY(!post({ { QStringLiteral("text"), QStringLiteral("shop release 7") },
                      { QStringLiteral("time"), m_now - 900 }, { QStringLiteral("token"), Shop } })
                 .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
        labelsOf(window->chart()->visibleMarkers()), QStringList { QStringLiteral("shop release 7") }, RefreshWaitMs);
    selectKey(*window, LoadCart);
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 0);
    QCOMPARE(window->annotations()->annotations().size(), 1); // read, just not for this function
}

void tst_AnnotationsUpdater::aPeriodIsShadedFromItsStartToItsEnd()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Fetch);
    QVERIFY(!post({ { QStringLiteral("text"), QStringLiteral("load test") }, { QStringLiteral("time"), m_now - 1800 },
                      { QStringLiteral("end"), m_now - 1200 } })
                 .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(window->chart()->visibleMarkers().size(), 1, RefreshWaitMs);
    const ChartMarker marker = window->chart()->visibleMarkers().constFirst();
    QVERIFY(marker.end && std::abs(*marker.end - (m_now - 1200)) < 1);
    // The span is drawn over the plot between the two moments.
    const PlotMapping mapping = window->chart()->mapping();
    const auto xOf = [&](double t) {
        return mapping.plot.left() + (t - mapping.from) / (mapping.to - mapping.from) * mapping.plot.width();
    };
    QGraphicsRectItem* span = nullptr;
    for (QGraphicsItem* item : window->chart()->scene()->items()) {
        if (auto* rect = qgraphicsitem_cast<QGraphicsRectItem*>(item);
            rect && rect->isVisible() && rect->toolTip().contains(QStringLiteral("load test")))
            span = rect;
    }
    QVERIFY(span);
    QVERIFY2(
        std::abs(span->rect().left() - xOf(marker.time)) < 2 && std::abs(span->rect().right() - xOf(*marker.end)) < 2,
        qPrintable(QStringLiteral("span %1..%2").arg(span->rect().left()).arg(span->rect().right())));
}

QTEST_MAIN(tst_AnnotationsUpdater)
#include "tst_annotationsupdater.moc"
