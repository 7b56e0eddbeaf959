// SPDX-License-Identifier: MIT
// The window's tags, failures and baselines over a real SQLite file and a real collector on loopback UDP, driven
// through the filter bar, the tag list, the group-by and baseline choices and checked by what the user sees (rows,
// numbers, series in the chart, labels) against what the test stored. (MainWindow's other tests: tst_mainwindow.)
#include "base/tagfilter.h"
#include "chartview.h"
#include "displayformat.h"
#include "filterbar.h"
#include "functionspanel.h"
#include "keylistmodel.h"
#include "mainwindow.h"
#include "rangepicker.h"
#include "statspanel.h"
#include "taggedcalls.h"
#include "tagsview.h"
#include "tagvaluesmodel.h"
#include "testdata.h"
#include "timerangecontroller.h"
#include "viewerfixture.h"
#include "viewoptions.h"

#include <algorithm>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QHeaderView>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStringListModel>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::TaggedCall;
using Kodemon::Test::TaggedCalls;
using Kodemon::Test::ViewerFixture;
using Preset = TimeRangeController::Preset;
using Kind = BaselineChoice::Kind;

namespace {

const QString Checkout = QStringLiteral("/srv/app/views.py-checkout");
const QString LoadCart = QStringLiteral("/srv/app/db/queries.py-load_cart");
const QString Shop = QStringLiteral("shop");
const QString Api = QStringLiteral("api");
const QString Odd = QStringLiteral("/a b&c=d");

// The endpoint of call i: /cart, /home, "/a b&c=d", or none.
std::optional<QString> endpointOf(int i)
{
    switch (i % 4) {
    case 0:
        return QStringLiteral("/cart");
    case 1:
        return QStringLiteral("/home");
    case 2:
        return Odd;
    default:
        return std::nullopt;
    }
}

TaggedCall call(const QString& key, const QString& token, double timestamp, double ms, std::optional<QString> endpoint,
    bool failed)
{
    TaggedCall call { token, key, timestamp, ms, {}, {}, false };
    QJsonObject extra;
    if (endpoint) {
        extra.insert(QStringLiteral("endpoint"), *endpoint);
        call.tags.append({ QStringLiteral("endpoint"), *endpoint });
    }
    if (failed) {
        extra.insert(QStringLiteral("error"), QStringLiteral("ValueError"));
        call.tags.append({ QStringLiteral("error"), QStringLiteral("ValueError") });
        call.failed = true;
    }
    if (!extra.isEmpty())
        call.extra = QJsonDocument(extra).toJson(QJsonDocument::Compact);
    return call;
}

// Checkout: 200 calls in the last hour (10..19 ms, 7% failed) and 100 in the hour before, slower (20..29 ms, 2
// failed); load_cart: 50 calls in the last hour, untagged, none before.
QList<TaggedCall> shopCalls(double now)
{
    QList<TaggedCall> calls;
    for (int i = 0; i < 200; ++i)
        calls.append(call(Checkout, Shop, now - 3500 + i * 17, 10 + i % 10, endpointOf(i), i % 100 < 7));
    for (int i = 0; i < 100; ++i)
        calls.append(call(Checkout, Shop, now - 7100 + i * 30, 20 + i % 10, endpointOf(i), i % 50 == 0));
    for (int i = 0; i < 50; ++i)
        calls.append(call(LoadCart, Api, now - 1000 + i, 2.5, std::nullopt, false));
    return calls;
}

// What the statistics panel must show for these calls, computed here from what was sent.
struct Expected
{
    qint64 count = 0;
    qint64 failed = 0;
    QString min;
    QString max;
    QString p95;
};

Expected expectedOf(const QList<TaggedCall>& calls)
{
    Expected expected;
    QList<double> values;
    for (const auto& call : calls) {
        values.append(call.executionTime);
        expected.failed += call.failed ? 1 : 0;
    }
    std::sort(values.begin(), values.end());
    expected.count = values.size();
    if (values.isEmpty())
        return expected;
    expected.min = DisplayFormat::duration(values.first());
    expected.max = DisplayFormat::duration(values.last());
    const qsizetype rank = (values.size() * 950 + 999) / 1000; // the nearest rank, in integers
    expected.p95 = DisplayFormat::duration(values[std::max<qsizetype>(rank, 1) - 1]);
    return expected;
}

qint64 drawnCalls(const ChartView* chart)
{
    qint64 calls = 0;
    for (const auto& series : chart->data().series)
        calls += series.calls();
    return calls;
}

QString digits(QString text)
{
    return text.remove(QLocale().groupSeparator());
}

QStringList chipTexts(FilterBar* bar)
{
    QStringList texts;
    for (QToolButton* chip : bar->chips())
        texts.append(chip->text().section(QStringLiteral("  "), 0, 0));
    return texts;
}

void choose(QComboBox* box, const QVariant& data)
{
    const int index = box->findData(data);
    QVERIFY2(index >= 0, qPrintable(data.toString()));
    box->setCurrentIndex(index);
    Q_EMIT box->activated(index);
}

// A datagram as the Python client sends it for a call with keyword arguments.
QByteArray taggedDatagram(const QString& key, double ms, qint64 timestamp, const QString& extraMembers)
{
    QByteArray datagram = Kodemon::Test::decoratorDatagram(key, ms, timestamp, Api);
    datagram.chop(1);
    return datagram + ", " + extraMembers.toUtf8() + '}';
}

} // namespace

class tst_MainWindowTags : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void typingAFilterFiltersEveryView();
    void aBadFilterSaysWhyAndFiltersNothing();
    void tagValuesOfferFiltersAndCompletions();
    void failedCallsAreCountedAndShown();
    void groupByDrawsALinePerValueAndSplitsTheTable();
    void baselineComparesWithThePreviousHour();
    void deltaColumnsSort();
    void anOpenRangeSaysWhyThereIsNoBaseline();
    void exportWritesOnlyTheFilteredCalls();
    void filtersGroupByAndBaselineSurviveARestart();
    void liveCallsPassTheFilters();
    void filtersAgreeWithBruteForceOnOddKeysAndValues_data();
    void filtersAgreeWithBruteForceOnOddKeysAndValues();

private:
    std::unique_ptr<MainWindow> openWindow();
    void selectKey(MainWindow& window, const QString& key);
    QStringList rowTexts(MainWindow& window, const QString& key, int column) const;
    void typeFilter(MainWindow& window, const QString& text);
    QList<TaggedCall> inLastHour(const QString& key, const QString& filter = {}, CallOutcome outcome = CallOutcome::All) const;
    void expectStatistics(MainWindow& window, const Expected& expected);

    std::unique_ptr<ViewerFixture> m_fixture;
    QList<TaggedCall> m_calls;
    double m_now = 0;
};

void tst_MainWindowTags::init()
{
    m_fixture = std::make_unique<ViewerFixture>();
    QVERIFY(m_fixture->isValid());
    QVERIFY(m_fixture->startCollector());
    m_now = ViewerFixture::now();
    m_calls = shopCalls(m_now);
    QVERIFY(m_fixture->write(TaggedCalls::samples(m_calls)));
}

void tst_MainWindowTags::cleanup()
{
    m_fixture.reset();
}

std::unique_ptr<MainWindow> tst_MainWindowTags::openWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->timeRange()->setLive(false);
    window->timeRange()->setPreset(Preset::LastHour);
    window->attach(m_fixture->services());
    window->resize(1440, 900);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void tst_MainWindowTags::selectKey(MainWindow& window, const QString& key)
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

// The texts of `column` in the rows of `key`, as the table shows them (in its order).
QStringList tst_MainWindowTags::rowTexts(MainWindow& window, const QString& key, int column) const
{
    const QAbstractItemModel* model = window.functions()->table()->model();
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(KeyListModel::KeyIdRole).value<KeyId>().key == key)
            texts.append(digits(model->index(row, column).data().toString()));
    }
    return texts;
}

void tst_MainWindowTags::typeFilter(MainWindow& window, const QString& text)
{
    QLineEdit* edit = window.filterBar()->filterEdit();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

QList<TaggedCall> tst_MainWindowTags::inLastHour(const QString& key, const QString& filter, CallOutcome outcome) const
{
    QList<TagFilter> filters;
    if (!filter.isEmpty())
        filters.append(*parseTagFilter(filter));
    return TaggedCalls::select(m_calls, SeriesSelector { key, std::nullopt, TimeRange { m_now - 3600, {} }, filters, outcome });
}

void tst_MainWindowTags::expectStatistics(MainWindow& window, const Expected& expected)
{
    StatsPanel* stats = window.stats();
    QTRY_COMPARE(digits(stats->figureText(StatsPanel::Count)), QString::number(expected.count));
    QCOMPARE(digits(stats->figureText(StatsPanel::Failed)), QString::number(expected.failed));
    QCOMPARE(stats->figureText(StatsPanel::Min), expected.min);
    QCOMPARE(stats->figureText(StatsPanel::Max), expected.max);
    QCOMPARE(stats->figureText(StatsPanel::P95), expected.p95);
}

void tst_MainWindowTags::typingAFilterFiltersEveryView()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(200));

    typeFilter(*window, QStringLiteral("endpoint:/cart"));
    QCOMPARE(chipTexts(window->filterBar()), QStringList { QStringLiteral("endpoint:/cart") });
    const auto cart = inLastHour(Checkout, QStringLiteral("endpoint:/cart"));
    QCOMPARE(cart.size(), 50);
    // The chart, the statistics, the functions table: the same 50 calls.
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(50));
    expectStatistics(*window, expectedOf(cart));
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::CallsColumn), QStringList { QStringLiteral("50") });
    QCOMPARE(rowTexts(*window, LoadCart, KeyListModel::CallsColumn), QStringList { QStringLiteral("0") });
    QCOMPARE(window->stats()->filterNote(), QStringLiteral("Filtered: endpoint:/cart"));
    // The tag list counts the filtered calls too.
    QTRY_COMPARE(window->findChild<TagValuesModel*>()->calls(), qint64(50));

    // A second filter narrows further (AND); removing a chip widens again.
    typeFilter(*window, QStringLiteral("!error"));
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(inLastHour(Checkout, QStringLiteral("endpoint:/cart")).size() - 4));
    QTest::mouseClick(window->filterBar()->chips().first(), Qt::LeftButton);
    QTRY_COMPARE(chipTexts(window->filterBar()), QStringList { QStringLiteral("!error") });
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(200 - 14));
    expectStatistics(*window, expectedOf(inLastHour(Checkout, QStringLiteral("!error"))));
    QTest::mouseClick(window->filterBar()->clearButton(), Qt::LeftButton);
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(200));
    QTRY_COMPARE(rowTexts(*window, LoadCart, KeyListModel::CallsColumn), QStringList { QStringLiteral("50") });
    QCOMPARE(window->stats()->filterNote(), QString());
}

void tst_MainWindowTags::aBadFilterSaysWhyAndFiltersNothing()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    typeFilter(*window, QStringLiteral("!tier:gold"));
    QVERIFY2(window->filterBar()->errorText().contains(QStringLiteral("name!:value")),
        qPrintable(window->filterBar()->errorText()));
    QVERIFY(window->filterBar()->chips().isEmpty());
    QVERIFY(!window->viewOptions()->filtersCalls());
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(200));
}

void tst_MainWindowTags::tagValuesOfferFiltersAndCompletions()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    auto* model = window->findChild<TagValuesModel*>();
    QTRY_COMPARE(model->tagNames(), (QStringList { QStringLiteral("endpoint"), QStringLiteral("error") }));
    QCOMPARE(window->tags()->title(), QStringLiteral("Tags of views.py-checkout"));
    const QModelIndex endpoint = model->index(0, 0);
    QCOMPARE(endpoint.siblingAtColumn(TagValuesModel::CallsColumn).data().toString(), QStringLiteral("150"));
    QCOMPARE(model->rowCount(endpoint), 3);
    QCOMPARE(endpoint.siblingAtColumn(TagValuesModel::ShareColumn).data().toString(), QStringLiteral("75 %"));

    // The filter bar completes from the same values, and offers the function's tags to group by.
    const QStringList completions
        = qobject_cast<QStringListModel*>(window->filterBar()->completer()->model())->stringList();
    for (const char* expected : { "endpoint:/cart", "endpoint!:/home", "endpoint:/a b&c=d", "!endpoint", "error:ValueError" })
        QVERIFY2(completions.contains(QString::fromLatin1(expected)), expected);
    QVERIFY(window->filterBar()->groupByBox()->findData(QStringLiteral("endpoint")) > 0);

    // A click on a value filters by it; Ctrl+click excludes one.
    QTreeView* tree = window->tags()->tree();
    QModelIndex home;
    for (int row = 0; row < model->rowCount(endpoint); ++row) {
        if (model->index(row, 0, endpoint).data().toString() == QLatin1String("/home"))
            home = model->index(row, 0, endpoint);
    }
    QVERIFY(home.isValid());
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(home).center());
    QCOMPARE(chipTexts(window->filterBar()), QStringList { QStringLiteral("endpoint:/home") });
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(50));
    QTest::mouseClick(window->filterBar()->chips().first(), Qt::LeftButton);
    QTRY_COMPARE(model->rowCount(), 2); // read again without the filter
    QTRY_COMPARE(model->rowCount(model->index(0, 0)), 3);
    const QModelIndex first = model->index(0, 0, model->index(0, 0));
    const QString excluded = first.data().toString();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::ControlModifier, tree->visualRect(first).center());
    QCOMPARE(chipTexts(window->filterBar()), QStringList { QStringLiteral("endpoint!:") + excluded });
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(150));
}

void tst_MainWindowTags::failedCallsAreCountedAndShown()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    const QString sevenPercent = QLocale().toString(7.0, 'f', 1) + QStringLiteral(" %");
    // 14 of 200 failed: 7% in the table and the statistics.
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::ErrorsColumn), QStringList { sevenPercent });
    QCOMPARE(rowTexts(*window, LoadCart, KeyListModel::ErrorsColumn), QStringList { QStringLiteral("0 %") });
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Failed), QStringLiteral("14"));
    QCOMPARE(window->stats()->figureText(StatsPanel::ErrorRate), sevenPercent);

    // The chart circles them. The statistics and the chart are answered on their own, so wait for the chart's
    // calls first: the rings are drawn from them (CI once triggered the action before they came).
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(200));
    QAction* failures = nullptr;
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text().remove(u'&') == QLatin1String("Show Failures"))
            failures = action;
    }
    QVERIFY(failures);
    failures->trigger();
    QScatterSeries* rings = nullptr;
    for (QAbstractSeries* series : window->chart()->chart()->series()) {
        if (series->name() == QLatin1String("failed calls"))
            rings = qobject_cast<QScatterSeries*>(series);
    }
    QVERIFY(rings);
    QCOMPARE(rings->count(), 14);

    // Failed calls only: every view shows the 14.
    choose(window->filterBar()->outcomeBox(), int(CallOutcome::Failed));
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(14));
    expectStatistics(*window, expectedOf(inLastHour(Checkout, {}, CallOutcome::Failed)));
    QCOMPARE(window->stats()->figureText(StatsPanel::ErrorRate), QStringLiteral("100 %"));
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::CallsColumn), QStringList { QStringLiteral("14") });
    QCOMPARE(window->stats()->filterNote(), QStringLiteral("Filtered: failed calls"));
    choose(window->filterBar()->outcomeBox(), int(CallOutcome::Succeeded));
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(186));
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Failed), QStringLiteral("0"));
}

void tst_MainWindowTags::groupByDrawsALinePerValueAndSplitsTheTable()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    FilterBar* bar = window->filterBar();
    QTRY_VERIFY(bar->groupByBox()->findData(QStringLiteral("endpoint")) > 0);
    choose(bar->groupByBox(), QStringLiteral("endpoint"));
    // One line per endpoint and one for the calls without, 50 calls each.
    QTRY_COMPARE(window->chart()->data().series.size(), 4);
    const auto legend = [&] {
        QStringList labels;
        for (QLegendMarker* marker : window->chart()->chart()->legend()->markers()) {
            if (marker->isVisible())
                labels.append(marker->label());
        }
        labels.sort();
        return labels;
    };
    // The legend lays its markers out when it is painted next.
    QTRY_COMPARE(legend(), (QStringList { QStringLiteral("(no endpoint) (50)"), QStringLiteral("/a b&c=d (50)"),
                               QStringLiteral("/cart (50)"), QStringLiteral("/home (50)") }));
    QCOMPARE(drawnCalls(window->chart()), qint64(200));
    QVERIFY(window->chart()->chart()->title().contains(QStringLiteral("a line per endpoint")));

    // The table splits the function into a row per value, with a Group column titled by the tag.
    QTableView* table = window->functions()->table();
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::CallsColumn).size(), 4);
    QVERIFY(!table->isColumnHidden(KeyListModel::GroupColumn));
    QCOMPARE(table->model()->headerData(KeyListModel::GroupColumn, Qt::Horizontal).toString(), QStringLiteral("endpoint"));
    QStringList groups = rowTexts(*window, Checkout, KeyListModel::GroupColumn);
    groups.sort();
    QCOMPARE(groups, (QStringList { QStringLiteral("(no endpoint)"), Odd, QStringLiteral("/cart"), QStringLiteral("/home") }));
    QCOMPARE(rowTexts(*window, Checkout, KeyListModel::CallsColumn),
        (QStringList { QStringLiteral("50"), QStringLiteral("50"), QStringLiteral("50"), QStringLiteral("50") }));
    // A function without the tag keeps one row, its calls "(no endpoint)".
    QCOMPARE(rowTexts(*window, LoadCart, KeyListModel::GroupColumn), QStringList { QStringLiteral("(no endpoint)") });
    QCOMPARE(window->functions()->currentKey()->key, Checkout); // still selected

    // Not split: one row per function again, the chart stays grouped.
    bar->splitBox()->click();
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::CallsColumn), QStringList { QStringLiteral("200") });
    QVERIFY(table->isColumnHidden(KeyListModel::GroupColumn));
    QCOMPARE(window->chart()->data().series.size(), 4);
    choose(bar->groupByBox(), QString());
    QTRY_COMPARE(window->chart()->data().series.size(), 1);
    QCOMPARE(window->chart()->data().groupBy, QString());
}

void tst_MainWindowTags::baselineComparesWithThePreviousHour()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    QTableView* table = window->functions()->table();
    QVERIFY(table->isColumnHidden(KeyListModel::P95ChangeColumn));
    choose(window->filterBar()->baselineBox(), int(Kind::Previous));

    // Table: p95 19 ms against 29 ms, twice the calls; load_cart had none before.
    QVERIFY(!table->isColumnHidden(KeyListModel::P95ChangeColumn));
    QVERIFY(!table->isColumnHidden(KeyListModel::CallsChangeColumn));
    const QString p95Change = DisplayFormat::change(*percentChange(19, 29));
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::P95ChangeColumn), QStringList { p95Change });
    QCOMPARE(rowTexts(*window, Checkout, KeyListModel::CallsChangeColumn), QStringList { QStringLiteral("+100 %") });
    QCOMPARE(rowTexts(*window, LoadCart, KeyListModel::CallsChangeColumn), QStringList { QStringLiteral("new") });
    const QModelIndex checkoutChange = [&] {
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, 0).data(KeyListModel::KeyIdRole).value<KeyId>().key == Checkout)
                return table->model()->index(row, KeyListModel::P95ChangeColumn);
        }
        return QModelIndex();
    }();
    const QColor green = checkoutChange.data(Qt::ForegroundRole).value<QColor>();
    QVERIFY(green.green() > green.red()); // faster

    // Statistics: each figure beside the baseline's, and the verdict.
    StatsPanel* stats = window->stats();
    QTRY_VERIFY(stats->isComparing());
    QTRY_COMPARE(stats->baselineText(StatsPanel::Count), QStringLiteral("100"));
    QCOMPARE(stats->baselineText(StatsPanel::Failed), QStringLiteral("2"));
    QCOMPARE(stats->baselineText(StatsPanel::P95), QStringLiteral("29.0 ms"));
    QCOMPARE(stats->figureText(StatsPanel::P95), QStringLiteral("19.0 ms"));
    QCOMPARE(stats->changeText(StatsPanel::P95), p95Change);
    QVERIFY(stats->changeColor(StatsPanel::P95).green() > stats->changeColor(StatsPanel::P95).red());
    QVERIFY2(stats->verdictText().startsWith(QStringLiteral("Faster: median ")), qPrintable(stats->verdictText()));
    QVERIFY(stats->verdictText().contains(QStringLiteral("p < 0.001")));

    // Chart: the baseline dashed over the range, moved by an hour.
    QTRY_COMPARE(window->chart()->data().baseline.size(), 1);
    const ChartData& chart = window->chart()->data();
    QCOMPARE(chart.baseline.first().calls(), 100);
    QVERIFY(std::abs(chart.baselineShift - 3600) < 1);
    QLineSeries* dashed = nullptr;
    for (QAbstractSeries* series : window->chart()->chart()->series()) {
        if (auto* line = qobject_cast<QLineSeries*>(series); line && line->pen().style() == Qt::DashLine)
            dashed = line;
    }
    QVERIFY(dashed);
    QVERIFY(dashed->count() > 0);
    for (const QPointF& point : dashed->points())
        QVERIFY(point.x() >= chart.from && point.x() <= chart.to && point.y() >= 20 && point.y() <= 29);
    QVERIFY(window->chart()->chart()->title().contains(QStringLiteral("dashed: previous period")));

    // A filter applies to both ranges: /cart only, 50 calls now, 25 then.
    typeFilter(*window, QStringLiteral("endpoint:/cart"));
    QTRY_COMPARE(stats->baselineText(StatsPanel::Count), QStringLiteral("25"));
    QTRY_COMPARE(window->chart()->data().baseline.size(), 1);
    QTRY_COMPARE(window->chart()->data().baseline.first().calls(), 25);
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::CallsChangeColumn), QStringList { QStringLiteral("+100 %") });

    // No baseline: the columns and figures go.
    choose(window->filterBar()->baselineBox(), int(Kind::None));
    QVERIFY(table->isColumnHidden(KeyListModel::P95ChangeColumn));
    QTRY_VERIFY(!stats->isComparing());
    QTRY_VERIFY(window->chart()->data().baseline.isEmpty());
}

void tst_MainWindowTags::deltaColumnsSort()
{
    // A third function, slower than before: it sorts first by Δ p95, descending.
    QList<TaggedCall> slower;
    const QString search = QStringLiteral("/srv/app/search.py-search");
    for (int i = 0; i < 20; ++i) {
        slower.append(call(search, Shop, m_now - 3000 + i, 50, std::nullopt, false));
        slower.append(call(search, Shop, m_now - 6000 + i, 10, std::nullopt, false));
    }
    QVERIFY(m_fixture->write(TaggedCalls::samples(slower)));
    auto window = openWindow();
    QVERIFY(window);
    choose(window->filterBar()->baselineBox(), int(Kind::Previous));
    QTableView* table = window->functions()->table();
    QTRY_COMPARE(rowTexts(*window, search, KeyListModel::P95ChangeColumn), QStringList { QStringLiteral("+400 %") });
    QHeaderView* header = table->horizontalHeader();
    const auto clickHeader = [&] {
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(KeyListModel::P95ChangeColumn) + 10, header->height() / 2));
    };
    // "What got slower" is one click: a number column sorts the largest first.
    clickHeader();
    QCOMPARE(header->sortIndicatorSection(), int(KeyListModel::P95ChangeColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QStringList order;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        order.append(table->model()->index(row, 0).data(KeyListModel::KeyIdRole).value<KeyId>().key);
    QCOMPARE(order, (QStringList { search, Checkout, LoadCart })); // +400 %, −34 %, none before
}

void tst_MainWindowTags::anOpenRangeSaysWhyThereIsNoBaseline()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    choose(window->filterBar()->baselineBox(), int(Kind::Previous));
    QTRY_VERIFY(window->stats()->isComparing());
    window->rangePicker()->presetAction(Preset::All)->trigger();
    QTRY_VERIFY(!window->stats()->isComparing());
    QVERIFY2(window->stats()->verdictText().contains(QStringLiteral("start and an end")),
        qPrintable(window->stats()->verdictText()));
    QTRY_VERIFY(window->chart()->chart()->title().contains(QStringLiteral("no baseline")));
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(300)); // everything is still shown
    QTRY_COMPARE(rowTexts(*window, Checkout, KeyListModel::P95ChangeColumn), QStringList { QStringLiteral("–") });
}

void tst_MainWindowTags::exportWritesOnlyTheFilteredCalls()
{
    auto window = openWindow();
    QVERIFY(window);
    selectKey(*window, Checkout);
    typeFilter(*window, QStringLiteral("endpoint:/a b&c=d"));
    choose(window->filterBar()->outcomeBox(), int(CallOutcome::Succeeded));
    const auto expected = inLastHour(Checkout, QStringLiteral("endpoint:/a b&c=d"), CallOutcome::Succeeded);
    const QString path = m_fixture->filePath(QStringLiteral("filtered.csv"));
    QSignalSpy finished(window.get(), &MainWindow::exportFinished);
    QVERIFY(window->exportCsv(path));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.at(0).at(1).toString(), QString());
    QCOMPARE(finished.at(0).at(0).toLongLong(), qint64(expected.size()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + expected.size());
    for (qsizetype i = 1; i < lines.size(); ++i)
        QVERIFY2(lines[i].contains("/a b&c=d") && !lines[i].contains("ValueError"), lines[i].constData());
}

void tst_MainWindowTags::filtersGroupByAndBaselineSurviveARestart()
{
    {
        auto window = openWindow();
        QVERIFY(window);
        selectKey(*window, Checkout);
        typeFilter(*window, QStringLiteral("endpoint!:/home"));
        choose(window->filterBar()->outcomeBox(), int(CallOutcome::Succeeded));
        QTRY_VERIFY(window->filterBar()->groupByBox()->findData(QStringLiteral("endpoint")) > 0);
        choose(window->filterBar()->groupByBox(), QStringLiteral("endpoint"));
        window->filterBar()->splitBox()->click();
        window->viewOptions()->setBaseline(BaselineChoice { Kind::Custom, TimeRange { m_now - 7200, m_now - 3600 } });
        window->close();
    }
    auto window = openWindow();
    QVERIFY(window);
    ViewOptions* options = window->viewOptions();
    QCOMPARE(options->filterTexts(), QStringList { QStringLiteral("endpoint!:/home") });
    QCOMPARE(options->outcome(), CallOutcome::Succeeded);
    QCOMPARE(options->groupBy(), QStringLiteral("endpoint"));
    QVERIFY(!options->splitsTable());
    QCOMPARE(options->baseline().kind, Kind::Custom);
    QCOMPARE(*options->baseline().custom.from, m_now - 7200);
    // Shown as they are in effect: the chips, the boxes, the columns.
    QCOMPARE(chipTexts(window->filterBar()), QStringList { QStringLiteral("endpoint!:/home") });
    QCOMPARE(window->filterBar()->outcomeBox()->currentData().toInt(), int(CallOutcome::Succeeded));
    QVERIFY(!window->functions()->table()->isColumnHidden(KeyListModel::P95ChangeColumn));
    QVERIFY(window->functions()->table()->isColumnHidden(KeyListModel::GroupColumn));
    QTRY_COMPARE(window->functions()->currentKey()->key, Checkout);
    QTRY_COMPARE(window->chart()->data().series.size(), 3); // /cart, the odd one, none
}

void tst_MainWindowTags::liveCallsPassTheFilters()
{
    auto window = openWindow();
    QVERIFY(window);
    window->timeRange()->setPreset(Preset::Last5Minutes);
    selectKey(*window, LoadCart);
    typeFilter(*window, QStringLiteral("endpoint:/cart"));
    window->rangePicker()->liveAction()->trigger();
    QTRY_COMPARE(window->stats()->figureText(StatsPanel::Count), QStringLiteral("0"));
    QTRY_VERIFY(!window->chart()->data().series.isEmpty());

    // Over real UDP, as the Python client sends calls with keyword arguments: 10 for /cart (2 failed), 10 for
    // /home, 5 without an endpoint.
    const qint64 now = qint64(ViewerFixture::now());
    QList<QByteArray> datagrams;
    for (int i = 0; i < 10; ++i) {
        datagrams.append(taggedDatagram(LoadCart, 100 + i, now,
            i < 2 ? QStringLiteral("\"endpoint\": \"/cart\", \"error\": \"KeyError\"") : QStringLiteral("\"endpoint\": \"/cart\"")));
        datagrams.append(taggedDatagram(LoadCart, 900, now, QStringLiteral("\"endpoint\": \"/home\"")));
    }
    for (int i = 0; i < 5; ++i)
        datagrams.append(Kodemon::Test::decoratorDatagram(LoadCart, 950, now, Api));
    Kodemon::Test::sendDatagrams(datagrams, m_fixture->collector->udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(drawnCalls(window->chart()), qint64(10), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window->stats()->figureText(StatsPanel::Count), QStringLiteral("10"), 5000);
    QCOMPARE(window->stats()->figureText(StatsPanel::Failed), QStringLiteral("2"));
    QCOMPARE(window->stats()->figureText(StatsPanel::Max), QStringLiteral("109 ms"));
}

void tst_MainWindowTags::filtersAgreeWithBruteForceOnOddKeysAndValues_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("outcome");
    QTest::newRow("a value that needs escaping") << QStringLiteral("endpoint:ünï:cödé!\\ \"q\"") << int(CallOutcome::All);
    QTest::newRow("URL characters") << QStringLiteral("endpoint!:/a b&c=d+e%f#g") << int(CallOutcome::Succeeded);
    QTest::newRow("a number") << QStringLiteral("status:500") << int(CallOutcome::All);
    QTest::newRow("a boolean") << QStringLiteral("cached:false") << int(CallOutcome::All);
    QTest::newRow("one of 1,500 users") << QStringLiteral("user:") << int(CallOutcome::All); // the last one sent
    QTest::newRow("absent, failed") << QStringLiteral("!tier") << int(CallOutcome::Failed);
}

void tst_MainWindowTags::filtersAgreeWithBruteForceOnOddKeysAndValues()
{
    QFETCH(QString, filter);
    QFETCH(int, outcome);
    // The shared tagged calls (a key with a space and ü, two tokens, values that need escaping, 1,500 users).
    const QList<TaggedCall> calls = TaggedCalls::generate(6000, 15, m_now - 3000);
    QVERIFY(m_fixture->write(TaggedCalls::samples(calls)));
    auto window = openWindow();
    QVERIFY(window);
    QTableView* table = window->functions()->table();
    QTRY_VERIFY(table->model()->rowCount() >= 4);
    // The shop token's row of the handler.
    const KeyId handler { QStringLiteral("shop"), TaggedCalls::Handler };
    if (filter == QLatin1String("user:")) {
        for (const auto& call : calls) {
            if (call.key == handler.key && call.token == handler.token && TaggedCalls::valueOf(call, QStringLiteral("user")))
                filter = QStringLiteral("user:") + *TaggedCalls::valueOf(call, QStringLiteral("user"));
        }
    }
    window->functions()->selectKeys({ handler });
    QTRY_COMPARE(*window->functions()->currentKey(), handler);
    QVERIFY(window->filterBar()->addFilterText(filter)); // as typed: QTest types ASCII only
    choose(window->filterBar()->outcomeBox(), outcome);
    const auto expected = TaggedCalls::select(calls,
        SeriesSelector { handler.key, handler.token, TimeRange { m_now - 3600, {} }, { *parseTagFilter(filter) },
            CallOutcome(outcome) });
    QVERIFY(!expected.isEmpty());
    expectStatistics(*window, expectedOf(expected));
    QTRY_COMPARE(drawnCalls(window->chart()), qint64(expected.size()));
    const auto tableCalls = [&] {
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, 0).data(KeyListModel::KeyIdRole).value<KeyId>() == handler)
                return digits(table->model()->index(row, KeyListModel::CallsColumn).data().toString());
        }
        return QString();
    };
    QTRY_COMPARE(tableCalls(), QString::number(expected.size()));
}

QTEST_MAIN(tst_MainWindowTags)
#include "tst_mainwindowtags.moc"
