// SPDX-License-Identifier: MIT
// Renders the window with a realistic hour of a web shop (offscreen) and saves it to docs/screenshots/, which the
// README shows. Time is fixed and the zone is UTC, so that the picture only changes when the window does.
#include "changescontroller.h"
#include "changesmodel.h"
#include "changespanel.h"
#include "chartview.h"
#include "emptystate.h"
#include "filterbar.h"
#include "functionspanel.h"
#include "ingest/ingestcounters.h"
#include "mainwindow.h"
#include "statspanel.h"
#include "testdata.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"
#include "viewoptions.h"

#include <cmath>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QSplitter>
#include <QTableView>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {

constexpr double Now = 1795534200; // 2026-11-24 15:30:00 UTC

struct Function
{
    const char* key;
    const char* token;
    double callsPerSecond;
    double medianMs;
    double sigma;
};

const Function Shop[] = {
    { "/srv/shop/app/views.py-product_detail", "shop", 5, 18, 0.3 },
    { "/srv/shop/app/search.py-search_products", "shop", 2.5, 42, 0.45 },
    { "/srv/shop/app/db/queries.py-load_cart", "shop", 4, 2.4, 0.5 },
    { "/srv/shop/app/templates/render.py-render_page", "shop", 5, 6.5, 0.25 },
    { "/srv/shop/app/views.py-checkout", "shop", 0.6, 85, 0.4 },
    { "/srv/shop/app/tasks/email.py-send_receipt", "worker", 0.5, 240, 0.35 },
    { "/srv/api/handlers/orders.py-list_orders", "api", 1.5, 12, 0.6 },
};

double logNormal(QRandomGenerator& random, double median, double sigma)
{
    const double u = std::max(1e-12, random.generateDouble());
    return median * std::exp(sigma * std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * random.generateDouble()));
}

QByteArray compact(const QJsonObject& object)
{
    return object.isEmpty() ? QByteArray() : QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The decorator's keyword arguments of a product page: whether the cache had it, where the shopper is; 1.5% time
// out. A cache miss renders from the database, four times slower, and slower still far from it.
QJsonObject productTags(QRandomGenerator& random, double& ms)
{
    const bool hit = random.bounded(100) < 70;
    const int region = random.bounded(100);
    QJsonObject tags { { QStringLiteral("cache"), hit ? QStringLiteral("hit") : QStringLiteral("miss") },
        { QStringLiteral("region"),
            region < 55       ? QStringLiteral("eu")
                : region < 85 ? QStringLiteral("us")
                              : QStringLiteral("asia") } };
    ms *= hit ? 0.6 : 2.4;
    if (!hit) // a miss reads the database in Frankfurt: farther is slower
        ms *= region < 55 ? 1.0 : region < 85 ? 1.5 : 2.2;
    if (random.bounded(1000) < 15) {
        tags.insert(QStringLiteral("error"), QStringLiteral("TimeoutError"));
        ms *= 3;
    }
    return tags;
}

// A checkout says how it was paid; 3% of payments are declined.
QJsonObject checkoutTags(QRandomGenerator& random)
{
    const int payment = random.bounded(100);
    QJsonObject tags { { QStringLiteral("payment"),
        payment < 60       ? QStringLiteral("card")
            : payment < 90 ? QStringLiteral("paypal")
                           : QStringLiteral("invoice") } };
    if (random.bounded(100) < 3)
        tags.insert(QStringLiteral("error"), QStringLiteral("PaymentDeclined"));
    return tags;
}

// Two hours of calls; cache misses of product pages get slower at 15:05 (a deploy) and everything sees rare slow
// outliers.
QList<Sample> history()
{
    QRandomGenerator random(42);
    QList<Sample> samples;
    for (const Function& function : Shop) {
        const double step = 1 / function.callsPerSecond;
        const QByteArray key(function.key);
        for (double t = Now - 7200; t < Now - 60; t += step * (0.5 + random.generateDouble())) {
            double ms = logNormal(random, function.medianMs, function.sigma);
            QJsonObject tags;
            if (key.contains("product_detail")) {
                tags = productTags(random, ms);
                if (t > Now - 1500 && tags.value(QStringLiteral("cache")).toString() == QLatin1String("miss"))
                    ms *= 1.6;
            } else if (key.contains("checkout")) {
                tags = checkoutTags(random);
            }
            if (random.bounded(1000) < 3)
                ms *= 6 + random.bounded(10);
            Sample sample = ViewerFixture::sample(QString::fromLatin1(function.key),
                QString::fromLatin1(function.token), std::floor(t), std::round(ms * 1000) / 1000);
            sample.extra = compact(tags);
            samples.append(sample);
        }
    }
    return samples;
}

QString screenshotPath(const QString& name)
{
    const QString folder = qEnvironmentVariable("KODEMON_SCREENSHOT_DIR", QStringLiteral(KODEMON_SCREENSHOT_DIR));
    QDir().mkpath(folder);
    return QDir(folder).filePath(name);
}

} // namespace

class tst_Screenshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void emptyState();
    void mainWindow();
    void tagsAndBaseline();
    void whatChanged();

private:
    std::unique_ptr<MainWindow> openWindow(ViewerFixture& fixture);
    void selectKey(MainWindow& window, const QString& key, Qt::KeyboardModifiers modifiers = {});
};

std::unique_ptr<MainWindow> tst_Screenshot::openWindow(ViewerFixture& fixture)
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setClock([] { return Now; });
    window->timeRange()->setPreset(TimeRangeController::Preset::LastHour);
    window->timeRange()->setLive(true);
    auto services = fixture.services();
    services.webUrl = QUrl(QStringLiteral("http://127.0.0.1:4000/"));
    window->attach(services);
    window->resize(1440, 900);
    // The pictures before What Changed keep their layout; whatChanged() shows it.
    window->changes()->dock()->hide();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_Screenshot::selectKey(MainWindow& window, const QString& key, Qt::KeyboardModifiers modifiers)
{
    QTableView* table = window.functions()->table();
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, 0);
        if (index.data().toString() == key)
            QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, table->visualRect(index).center());
    }
}

void tst_Screenshot::emptyState()
{
    ViewerFixture fixture;
    QVERIFY(fixture.startCollector(4000) || fixture.startCollector(0));
    auto window = openWindow(fixture);
    QVERIFY(window);
    QTRY_VERIFY(window->isShowingEmptyState());
    const QImage image = window->grab().toImage();
    QVERIFY(image.save(screenshotPath(QStringLiteral("empty-state.png"))));
}

void tst_Screenshot::mainWindow()
{
    ViewerFixture fixture;
    QVERIFY(fixture.write(history()));
    QVERIFY(fixture.startCollector(4000) || fixture.startCollector(0));
    auto window = openWindow(fixture);
    QVERIFY(window);
    QTRY_COMPARE(window->functions()->table()->model()->rowCount(), int(std::size(Shop)));

    // The last minute arrives the real way, over UDP, while the window is live.
    QList<QByteArray> recent;
    QRandomGenerator random(7);
    for (int i = 0; i < 300; ++i)
        recent.append(Kodemon::Test::decoratorDatagram(QString::fromLatin1(Shop[i % 3].key),
            logNormal(random, Shop[i % 3].medianMs * (i % 3 == 0 ? 1.6 : 1), Shop[i % 3].sigma),
            qint64(Now - 60 + i / 5), QStringLiteral("shop")));
    Kodemon::Test::sendDatagrams(recent, fixture.collector->udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(fixture.collector->counters()->snapshot().stored, qint64(300), 10000);

    const QString product = QString::fromLatin1(Shop[0].key);
    selectKey(*window, QString::fromLatin1(Shop[4].key));
    selectKey(*window, product, Qt::ControlModifier); // current: its statistics are shown
    QTRY_COMPARE(window->functions()->currentKey()->key, product);
    QTRY_COMPARE(window->chart()->data().series.size(), 2);
    window->chart()->setLogarithmic(true); // fast and slow functions side by side
    QTRY_VERIFY(window->stats()->figureText(StatsPanel::Count) != QStringLiteral("–"));
    QVERIFY(window->chart()->data().series.first().bucketed); // thousands of calls: the band and mean line
    QTest::qWait(2500); // live steps, the status bar's refresh and the table's (every two seconds while data arrives)

    // Hover over the slowest bucket of the product pages, to show the value callout too.
    ChartView* chart = window->chart();
    const ChartSeries& series = chart->data().series.first();
    const auto slowest = std::max_element(series.buckets.begin(), series.buckets.end(),
        [](const SeriesBucket& a, const SeriesBucket& b) { return a.max < b.max; });
    const QPointF scene = chart->chart()->mapToPosition(
        QPointF(slowest->start + series.step / 2, slowest->mean), chart->chart()->series().first());
    QMouseEvent move(QEvent::MouseMove, chart->mapFromScene(scene), chart->mapToGlobal(chart->mapFromScene(scene)),
        Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(chart->viewport(), &move);
    QVERIFY(!chart->hoverText().isEmpty());

    const QImage image = window->grab().toImage();
    QCOMPARE(image.size(), QSize(1440, 900) * window->devicePixelRatio());
    QVERIFY(image.save(screenshotPath(QStringLiteral("main-window.png"))));
}

// The product pages that missed the cache, one line per region, against the hour before (dashed): they got slower
// at 15:05, the statistics say by how much and how sure, the table which functions changed.
void tst_Screenshot::tagsAndBaseline()
{
    ViewerFixture fixture;
    QVERIFY(fixture.write(history()));
    QVERIFY(fixture.startCollector(4000) || fixture.startCollector(0));
    auto window = openWindow(fixture);
    QVERIFY(window);
    QTRY_COMPARE(window->functions()->table()->model()->rowCount(), int(std::size(Shop)));
    const QString product = QString::fromLatin1(Shop[0].key);
    selectKey(*window, product);
    QTRY_COMPARE(window->functions()->currentKey()->key, product);

    // As a user does it: a value typed in the filter bar, a tag to group by, a baseline, failures shown.
    FilterBar* bar = window->filterBar();
    QTest::keyClicks(bar->filterEdit(), QStringLiteral("cache:miss"));
    QTest::keyClick(bar->filterEdit(), Qt::Key_Return);
    QTRY_VERIFY(bar->groupByBox()->findData(QStringLiteral("region")) > 0);
    bar->groupByBox()->setCurrentIndex(bar->groupByBox()->findData(QStringLiteral("region")));
    Q_EMIT bar->groupByBox()->activated(bar->groupByBox()->currentIndex());
    bar->splitBox()->setChecked(false); // the table stays one row per function, with the Δ columns
    const int previous = bar->baselineBox()->findData(int(BaselineChoice::Kind::Previous));
    bar->baselineBox()->setCurrentIndex(previous);
    Q_EMIT bar->baselineBox()->activated(previous);
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text().remove(u'&') == QLatin1String("Show Failures"))
            action->setChecked(true);
    }
    QTRY_COMPARE(window->chart()->data().series.size(), 3); // eu, us, asia
    QTRY_COMPARE(window->chart()->data().baseline.size(), 3);
    QTRY_VERIFY(window->stats()->isComparing());
    QTRY_VERIFY(!window->stats()->verdictText().isEmpty());
    // The functions pane dragged wider, so that the Δ columns show beside the others.
    auto* splitter = window->findChild<QSplitter*>(QStringLiteral("mainSplitter"));
    splitter->setSizes({ 700, splitter->width() - 700 });
    QTest::qWait(2500); // live steps and the table's refresh

    const QImage image = window->grab().toImage();
    QCOMPARE(image.size(), QSize(1440, 900) * window->devicePixelRatio());
    QVERIFY(image.save(screenshotPath(QStringLiteral("tags-and-baseline.png"))));
}

// What changed over the last hour: the product pages that miss the cache got slower at 15:05, two minutes after
// a deploy marker; the change opened, its function's chart shows both sides shaded and the deploy.
void tst_Screenshot::whatChanged()
{
    ViewerFixture fixture;
    QVERIFY(fixture.write(history()));
    Annotation deploy;
    deploy.time = Now - 1500 - 120;
    deploy.text = QStringLiteral("deploy 1.4.2");
    deploy.tags = QStringList { QStringLiteral("deploy") };
    QVERIFY(fixture.store->createWriter()->annotate(deploy).ok());
    QVERIFY(fixture.startCollector(4000) || fixture.startCollector(0));
    auto window = openWindow(fixture);
    QVERIFY(window);
    ChangesController* changes = window->changes();
    changes->dock()->show();
    window->resizeDocks({ changes->dock() }, { 190 }, Qt::Vertical);
    QTRY_COMPARE(window->functions()->table()->model()->rowCount(), int(std::size(Shop)));
    QTRY_VERIFY_WITH_TIMEOUT(changes->model()->rowCount() > 0, 20000);
    const QString product = QString::fromLatin1(Shop[0].key);
    QCOMPARE(changes->model()->change(0).id.key, product);
    QVERIFY(changes->model()->change(0).annotation);

    QTableView* table = changes->panel()->table();
    const QRect cell = table->visualRect(changes->model()->index(0, ChangesModel::FunctionColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_COMPARE(window->functions()->currentKey()->key, product);
    QTRY_VERIFY(!window->chart()->data().series.isEmpty() && window->chart()->data().series[0].id.key == product);
    QTRY_COMPARE(window->chart()->visibleMarkers().size(), 3); // the deploy and both sides
    QTest::qWait(1000); // the statistics and the table's refresh
    table->clearSelection(); // a selected row would hide the red of the regression

    const QImage image = window->grab().toImage();
    QCOMPARE(image.size(), QSize(1440, 900) * window->devicePixelRatio());
    QVERIFY(image.save(screenshotPath(QStringLiteral("what-changed.png"))));
}

int main(int argc, char** argv)
{
    qputenv("TZ", "UTC");
    QApplication app(argc, argv);
    tst_Screenshot test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_screenshot.moc"
