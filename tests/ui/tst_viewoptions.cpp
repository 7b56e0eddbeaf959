// SPDX-License-Identifier: MIT
// The window's filters, group-by and baseline: a new filter replaces those it contradicts, every change is
// announced once, baselines become ranges (or say why not), live calls are judged like stored ones.
#include "base/calltags.h"
#include "base/tagfilter.h"
#include "viewoptions.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;
using Kind = BaselineChoice::Kind;

namespace {

QList<TagFilter> filters(const QStringList& texts)
{
    QList<TagFilter> out;
    for (const QString& text : texts)
        out.append(*parseTagFilter(text));
    return out;
}

} // namespace

class tst_ViewOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aNewFilterReplacesWhatItContradicts_data();
    void aNewFilterReplacesWhatItContradicts();
    void changesAreAnnouncedOnce();
    void baselinesBecomeRanges_data();
    void baselinesBecomeRanges();
    void anOpenRangeHasNoBaseline();
    void liveCallsAreJudgedByTheirTags_data();
    void liveCallsAreJudgedByTheirTags();
    void selectorsCarryTheFilters();
    void summarySaysWhatIsFiltered();
};

void tst_ViewOptions::aNewFilterReplacesWhatItContradicts_data()
{
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QString>("added");
    QTest::addColumn<QStringList>("after");
    const auto list = [](std::initializer_list<const char*> texts) {
        QStringList out;
        for (const char* text : texts)
            out.append(QString::fromUtf8(text));
        return out;
    };
    QTest::newRow("another value of the tag")
        << list({ "endpoint:/cart", "tier:gold" }) << QStringLiteral("endpoint:/home")
        << list({ "tier:gold", "endpoint:/home" });
    QTest::newRow("the excluded value") << list({ "endpoint!:/cart" }) << QStringLiteral("endpoint:/cart")
                                        << list({ "endpoint:/cart" });
    QTest::newRow("excluding another value stays") << list({ "endpoint!:/cart" }) << QStringLiteral("endpoint:/home")
                                                   << list({ "endpoint!:/cart", "endpoint:/home" });
    QTest::newRow("exclude the chosen value")
        << list({ "endpoint:/cart" }) << QStringLiteral("endpoint!:/cart") << list({ "endpoint!:/cart" });
    QTest::newRow("present after absent") << list({ "!error" }) << QStringLiteral("error") << list({ "error" });
    QTest::newRow("absent after a value")
        << list({ "error:ValueError", "tier:gold" }) << QStringLiteral("!error") << list({ "tier:gold", "!error" });
    QTest::newRow("other tags stay") << list({ "tier:gold" }) << QStringLiteral("!endpoint")
                                     << list({ "tier:gold", "!endpoint" });
    QTest::newRow("names are exact") << list({ "Endpoint:/cart" }) << QStringLiteral("endpoint:/home")
                                     << list({ "Endpoint:/cart", "endpoint:/home" });
}

void tst_ViewOptions::aNewFilterReplacesWhatItContradicts()
{
    QFETCH(QStringList, before);
    QFETCH(QString, added);
    QFETCH(QStringList, after);
    ViewOptions options;
    options.setTagFilters(filters(before));
    QVERIFY(options.addTagFilter(*parseTagFilter(added)));
    QCOMPARE(options.filterTexts(), after);
}

void tst_ViewOptions::changesAreAnnouncedOnce()
{
    ViewOptions options;
    QSignalSpy filtered(&options, &ViewOptions::filterChanged);
    QSignalSpy grouped(&options, &ViewOptions::groupByChanged);
    QSignalSpy split(&options, &ViewOptions::splitTableChanged);
    QSignalSpy compared(&options, &ViewOptions::baselineChanged);
    const TagFilter cart = *parseTagFilter(QStringLiteral("endpoint:/cart"));
    QVERIFY(options.addTagFilter(cart));
    QVERIFY(!options.addTagFilter(cart)); // there already: nothing to reload
    options.setOutcome(CallOutcome::Failed);
    options.setOutcome(CallOutcome::Failed);
    QCOMPARE(filtered.size(), 2);
    QVERIFY(options.filtersCalls());
    options.removeTagFilter(cart);
    options.removeTagFilter(cart);
    options.clearFilters();
    options.clearFilters();
    QCOMPARE(filtered.size(), 4);
    QVERIFY(!options.filtersCalls());

    options.setGroupBy(QStringLiteral("endpoint"));
    options.setGroupBy(QStringLiteral("endpoint"));
    QCOMPARE(grouped.size(), 1);
    QCOMPARE(options.tableGroupBy(), QStringLiteral("endpoint"));
    options.setSplitTable(false);
    QCOMPARE(split.size(), 1);
    QCOMPARE(options.tableGroupBy(), QString()); // the chart stays grouped, the table does not

    options.setBaseline(BaselineChoice { Kind::WeekEarlier, {} });
    options.setBaseline(BaselineChoice { Kind::WeekEarlier, {} });
    options.setBaseline(BaselineChoice { Kind::Custom, TimeRange { 10, 20 } });
    options.setBaseline(BaselineChoice { Kind::Custom, TimeRange { 10, 20 } });
    options.setBaseline(BaselineChoice { Kind::Custom, TimeRange { 10, 30 } });
    QCOMPARE(compared.size(), 3);
    QVERIFY(options.hasBaseline());
}

void tst_ViewOptions::baselinesBecomeRanges_data()
{
    QTest::addColumn<BaselineChoice>("choice");
    QTest::addColumn<double>("from");
    QTest::addColumn<double>("to");
    // The shown range: one hour up to t = 1,000,000.
    QTest::newRow("previous") << BaselineChoice { Kind::Previous, {} } << 1000000.0 - 7200 << 1000000.0 - 3600;
    QTest::newRow("a day earlier") << BaselineChoice { Kind::DayEarlier, {} } << 1000000.0 - 3600 - 86400
                                   << 1000000.0 - 86400;
    QTest::newRow("a week earlier") << BaselineChoice { Kind::WeekEarlier, {} } << 1000000.0 - 3600 - 604800
                                    << 1000000.0 - 604800;
    QTest::newRow("custom") << BaselineChoice { Kind::Custom, TimeRange { 500, 900 } } << 500.0 << 900.0;
}

void tst_ViewOptions::baselinesBecomeRanges()
{
    QFETCH(BaselineChoice, choice);
    QFETCH(double, from);
    QFETCH(double, to);
    ViewOptions options;
    options.setBaseline(choice);
    const auto range = options.baselineRange(TimeRange { 1000000.0 - 3600, 1000000.0 });
    QVERIFY2(range.ok(), qPrintable(range.ok() ? QString() : range.error()));
    QCOMPARE(*range->from, from);
    // The previous period stops just before the shown one starts, so that a call at its first second counts once.
    if (choice.kind == Kind::Previous)
        QVERIFY(*range->to<to&& * range->to> to - 1e-6);
    else
        QCOMPARE(*range->to, to);
    QVERIFY(!ViewOptions::baselineLabel(choice).isEmpty());
}

void tst_ViewOptions::anOpenRangeHasNoBaseline()
{
    ViewOptions options;
    QVERIFY(!options.baselineRange(TimeRange { 0, 100 }).ok()); // none chosen
    options.setBaseline(BaselineChoice { Kind::Previous, {} });
    const auto open = options.baselineRange(TimeRange {});
    QVERIFY(!open.ok());
    QVERIFY(open.error().contains(QStringLiteral("start and an end")));
}

void tst_ViewOptions::liveCallsAreJudgedByTheirTags_data()
{
    QTest::addColumn<QStringList>("filters");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<bool>("passes");
    const QStringList cart { QStringLiteral("endpoint:/cart") };
    QTest::newRow("no filter") << QStringList() << int(CallOutcome::All) << QByteArray() << true;
    QTest::newRow("the value") << cart << int(CallOutcome::All) << QByteArray(R"({"endpoint":"/cart"})") << true;
    QTest::newRow("another value") << cart << int(CallOutcome::All) << QByteArray(R"({"endpoint":"/home"})") << false;
    QTest::newRow("no extra fields") << cart << int(CallOutcome::All) << QByteArray() << false;
    QTest::newRow("absent, none") << QStringList { QStringLiteral("!error") } << int(CallOutcome::All) << QByteArray()
                                  << true;
    QTest::newRow("failed only, failed") << QStringList() << int(CallOutcome::Failed)
                                         << QByteArray(R"({"error":"ValueError"})") << true;
    QTest::newRow("failed only, error false")
        << QStringList() << int(CallOutcome::Failed) << QByteArray(R"({"error":false})") << false;
    QTest::newRow("succeeded only, failed")
        << QStringList() << int(CallOutcome::Succeeded) << QByteArray(R"({"error":true})") << false;
    QTest::newRow("a number") << QStringList { QStringLiteral("status:500") } << int(CallOutcome::All)
                              << QByteArray(R"({"status":500})") << true;
}

void tst_ViewOptions::liveCallsAreJudgedByTheirTags()
{
    QFETCH(QStringList, filters);
    QFETCH(int, outcome);
    QFETCH(QByteArray, extra);
    QFETCH(bool, passes);
    ViewOptions options;
    options.setTagFilters(::filters(filters));
    options.setOutcome(CallOutcome(outcome));
    QCOMPARE(options.passes(readCallTags(extra)), passes);
}

void tst_ViewOptions::selectorsCarryTheFilters()
{
    ViewOptions options;
    options.setTagFilters(filters({ QStringLiteral("endpoint:/cart"), QStringLiteral("!error") }));
    options.setOutcome(CallOutcome::Succeeded);
    const SeriesSelector selector
        = options.selector(KeyId { QStringLiteral("shop"), QStringLiteral("/srv/a.py-f") }, TimeRange { 1, 2 });
    QCOMPARE(selector.key, QStringLiteral("/srv/a.py-f"));
    QCOMPARE(*selector.token, QStringLiteral("shop"));
    QCOMPARE(*selector.range.from, 1.0);
    QCOMPARE(selector.tags, options.tagFilters());
    QCOMPARE(selector.outcome, CallOutcome::Succeeded);
}

void tst_ViewOptions::summarySaysWhatIsFiltered()
{
    ViewOptions options;
    QCOMPARE(options.filterSummary(), QString());
    options.setTagFilters(filters({ QStringLiteral("endpoint:/cart"), QStringLiteral("tier!:gold") }));
    options.setOutcome(CallOutcome::Failed);
    QCOMPARE(options.filterSummary(), QStringLiteral("Filtered: endpoint:/cart · tier!:gold · failed calls"));
}

QTEST_GUILESS_MAIN(tst_ViewOptions)
#include "tst_viewoptions.moc"
