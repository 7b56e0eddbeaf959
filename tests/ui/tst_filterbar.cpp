// SPDX-License-Identifier: MIT
// The filter bar driven as a user drives it: typing filters (with completion and clear errors), removing chips,
// the outcome, the tag to group by and whether the table splits, the baseline (a custom one through its dialog).
#include "baselinedialog.h"
#include "filterbar.h"
#include "timerangecontroller.h"
#include "viewoptions.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

using namespace Kodemon;
using Kind = BaselineChoice::Kind;

namespace {

constexpr double Now = 1795534200;

QStringList chipTexts(const FilterBar& bar)
{
    QStringList texts;
    for (QToolButton* chip : bar.chips())
        texts.append(chip->text().section(QStringLiteral("  "), 0, 0));
    return texts;
}

BaselineDialog* openDialog()
{
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (auto* dialog = qobject_cast<BaselineDialog*>(widget); dialog && dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

void choose(QComboBox* box, const QVariant& data)
{
    const int index = box->findData(data);
    QVERIFY(index >= 0);
    box->setCurrentIndex(index);
    Q_EMIT box->activated(index);
}

} // namespace

class tst_FilterBar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void typedFiltersBecomeChips_data();
    void typedFiltersBecomeChips();
    void aBadFilterSaysWhy_data();
    void aBadFilterSaysWhy();
    void chipsRemoveTheirFilter();
    void completionOffersTheTagValues();
    void outcomeGroupByAndSplit();
    void baselineChoices();
    void customBaselineThroughItsDialog();
    void showsOptionsSetElsewhere();

private:
    std::unique_ptr<ViewOptions> m_options;
    std::unique_ptr<TimeRangeController> m_range;
    std::unique_ptr<FilterBar> m_bar;
};

void tst_FilterBar::init()
{
    m_options = std::make_unique<ViewOptions>();
    m_range = std::make_unique<TimeRangeController>();
    m_range->setClock([] { return Now; });
    m_range->setPreset(TimeRangeController::Preset::LastHour);
    m_bar = std::make_unique<FilterBar>(m_options.get(), m_range.get());
    m_bar->resize(1400, 40);
    m_bar->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_bar.get()));
}

void tst_FilterBar::cleanup()
{
    m_bar.reset();
    m_range.reset();
    m_options.reset();
}

void tst_FilterBar::typedFiltersBecomeChips_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("chip");
    QTest::newRow("equals") << QStringLiteral("endpoint:/cart") << QStringLiteral("endpoint:/cart");
    QTest::newRow("not equals") << QStringLiteral("tier!:gold") << QStringLiteral("tier!:gold");
    QTest::newRow("present") << QStringLiteral("error") << QStringLiteral("error");
    QTest::newRow("absent") << QStringLiteral("!error") << QStringLiteral("!error");
    QTest::newRow("spaces around") << QStringLiteral("  endpoint:/cart ") << QStringLiteral("endpoint:/cart");
    QTest::newRow("a value with colons and spaces")
        << QStringLiteral("url:http://a b") << QStringLiteral("url:http://a b");
    QTest::newRow("non-ASCII") << QStringLiteral("stadt:Zürich") << QStringLiteral("stadt:Zürich");
}

void tst_FilterBar::typedFiltersBecomeChips()
{
    QFETCH(QString, typed);
    QFETCH(QString, chip);
    QSignalSpy changed(m_options.get(), &ViewOptions::filterChanged);
    // QTest types ASCII only: the rest arrives as an input method (or a paste) puts it in.
    bool ascii = std::all_of(typed.begin(), typed.end(), [](QChar c) { return c.unicode() < 128; });
    if (ascii)
        QTest::keyClicks(m_bar->filterEdit(), typed);
    else
        m_bar->filterEdit()->insert(typed);
    QTest::keyClick(m_bar->filterEdit(), Qt::Key_Return);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_options->filterTexts(), QStringList { chip });
    QCOMPARE(chipTexts(*m_bar), QStringList { chip });
    QTRY_COMPARE(m_bar->filterEdit()->text(), QString()); // ready for the next one
    QCOMPARE(m_bar->errorText(), QString());
    QVERIFY(m_bar->clearButton()->isVisible());
}

void tst_FilterBar::aBadFilterSaysWhy_data()
{
    QTest::addColumn<QString>("typed");
    QTest::newRow("no name") << QStringLiteral(":/cart");
    QTest::newRow("only an exclamation mark") << QStringLiteral("!");
    QTest::newRow("no name before !:") << QStringLiteral("!:gold");
    QTest::newRow("a value on an absent tag") << QStringLiteral("!tier:gold");
    QTest::newRow("a stray backslash") << QStringLiteral("a\\b:1");
}

void tst_FilterBar::aBadFilterSaysWhy()
{
    QFETCH(QString, typed);
    QTest::keyClicks(m_bar->filterEdit(), typed);
    QTest::keyClick(m_bar->filterEdit(), Qt::Key_Return);
    QVERIFY(m_options->tagFilters().isEmpty());
    QVERIFY(m_bar->chips().isEmpty());
    QVERIFY2(m_bar->errorText().startsWith(QStringLiteral("Not a filter: ")), qPrintable(m_bar->errorText()));
    QCOMPARE(m_bar->filterEdit()->text(), typed); // kept, to be corrected
    QTest::keyClick(m_bar->filterEdit(), Qt::Key_Backspace);
    QCOMPARE(m_bar->errorText(), QString()); // typing again clears it
    QTest::keyClick(m_bar->filterEdit(), Qt::Key_Escape);
    QCOMPARE(m_bar->filterEdit()->text(), QString());
}

void tst_FilterBar::chipsRemoveTheirFilter()
{
    for (const char* text : { "endpoint:/cart", "!error", "tier!:gold" })
        QVERIFY(m_bar->addFilterText(QString::fromLatin1(text)));
    QCOMPARE(chipTexts(*m_bar),
        (QStringList { QStringLiteral("endpoint:/cart"), QStringLiteral("!error"), QStringLiteral("tier!:gold") }));
    QTest::mouseClick(m_bar->chips().at(1), Qt::LeftButton);
    QTRY_COMPARE(chipTexts(*m_bar), (QStringList { QStringLiteral("endpoint:/cart"), QStringLiteral("tier!:gold") }));
    QCOMPARE(
        m_options->filterTexts(), (QStringList { QStringLiteral("endpoint:/cart"), QStringLiteral("tier!:gold") }));
    m_options->setOutcome(CallOutcome::Failed);
    QTest::mouseClick(m_bar->clearButton(), Qt::LeftButton);
    QVERIFY(!m_options->filtersCalls());
    QVERIFY(m_bar->chips().isEmpty());
    QVERIFY(!m_bar->clearButton()->isVisible());
    QCOMPARE(m_bar->outcomeBox()->currentData().toInt(), int(CallOutcome::All));
}

void tst_FilterBar::completionOffersTheTagValues()
{
    m_bar->setCompletions({ QStringLiteral("endpoint"), QStringLiteral("!endpoint"), QStringLiteral("endpoint:/cart"),
        QStringLiteral("endpoint!:/cart"), QStringLiteral("endpoint:/home"), QStringLiteral("tier:gold") });
    m_bar->filterEdit()->setFocus();
    QTest::keyClicks(m_bar->filterEdit(), QStringLiteral("car"));
    QCompleter* completer = m_bar->completer();
    QTRY_VERIFY(completer->popup()->isVisible());
    QStringList offered;
    for (int row = 0; completer->setCurrentRow(row); ++row)
        offered.append(completer->currentCompletion());
    QCOMPARE(offered, (QStringList { QStringLiteral("endpoint:/cart"), QStringLiteral("endpoint!:/cart") }));
    // Choosing one adds it at once.
    const QModelIndex first = completer->popup()->model()->index(0, 0);
    completer->popup()->setCurrentIndex(first);
    QTest::keyClick(completer->popup(), Qt::Key_Return);
    QTRY_COMPARE(m_options->filterTexts(), QStringList { QStringLiteral("endpoint:/cart") });
    QTRY_COMPARE(m_bar->filterEdit()->text(), QString());
}

void tst_FilterBar::outcomeGroupByAndSplit()
{
    choose(m_bar->outcomeBox(), int(CallOutcome::Failed));
    QCOMPARE(m_options->outcome(), CallOutcome::Failed);
    QVERIFY(m_bar->clearButton()->isVisible());

    QVERIFY(!m_bar->groupByBox()->isEnabled()); // no tags known yet
    QVERIFY(!m_bar->splitBox()->isEnabled());
    m_bar->setTagNames({ QStringLiteral("endpoint"), QStringLiteral("tier") });
    QCOMPARE(m_bar->groupByBox()->count(), 3);
    choose(m_bar->groupByBox(), QStringLiteral("tier"));
    QCOMPARE(m_options->groupBy(), QStringLiteral("tier"));
    QVERIFY(m_bar->splitBox()->isEnabled());
    QVERIFY(m_bar->splitBox()->isChecked());
    m_bar->splitBox()->click();
    QVERIFY(!m_options->splitsTable());
    QCOMPARE(m_options->tableGroupBy(), QString());
    // Another function without that tag: the choice stays, offered first.
    m_bar->setTagNames({ QStringLiteral("region") });
    QCOMPARE(m_bar->groupByBox()->currentData().toString(), QStringLiteral("tier"));
    QCOMPARE(m_bar->groupByBox()->itemData(1).toString(), QStringLiteral("tier"));
    choose(m_bar->groupByBox(), QString());
    QCOMPARE(m_options->groupBy(), QString());
    QVERIFY(!m_bar->splitBox()->isEnabled());
}

void tst_FilterBar::baselineChoices()
{
    QComboBox* box = m_bar->baselineBox();
    QCOMPARE(box->currentData().toInt(), int(Kind::None));
    QStringList items;
    for (int i = 0; i < box->count(); ++i)
        items.append(box->itemText(i));
    QCOMPARE(items,
        (QStringList { QStringLiteral("Nothing"), QStringLiteral("previous period"), QStringLiteral("1 day earlier"),
            QStringLiteral("1 week earlier"), QStringLiteral("Custom range…") }));
    choose(box, int(Kind::WeekEarlier));
    QCOMPARE(m_options->baseline().kind, Kind::WeekEarlier);
    choose(box, int(Kind::None));
    QVERIFY(!m_options->hasBaseline());
}

void tst_FilterBar::customBaselineThroughItsDialog()
{
    choose(m_bar->baselineBox(), int(Kind::WeekEarlier));
    // Cancelled: nothing changes, the box shows what is in effect.
    choose(m_bar->baselineBox(), int(Kind::Custom));
    BaselineDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = openDialog()));
    // Proposed: the hour before the shown one.
    QCOMPARE(dialog->range().from.value(), Now - 7200);
    QCOMPARE(dialog->range().to.value(), Now - 3600);
    dialog->reject();
    QCOMPARE(m_options->baseline().kind, Kind::WeekEarlier);
    QCOMPARE(m_bar->baselineBox()->currentData().toInt(), int(Kind::WeekEarlier));

    choose(m_bar->baselineBox(), int(Kind::Custom));
    QTRY_VERIFY((dialog = openDialog()));
    dialog->fromEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(qint64(Now - 86400)));
    dialog->toEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(qint64(Now - 86400 - 60))); // ends before it starts
    QVERIFY(!dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    dialog->toEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(qint64(Now - 86400 + 1800)));
    QVERIFY(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    dialog->accept();
    QCOMPARE(m_options->baseline().kind, Kind::Custom);
    QCOMPARE(*m_options->baseline().custom.from, Now - 86400);
    QCOMPARE(*m_options->baseline().custom.to, Now - 86400 + 1800);
    QVERIFY(m_bar->baselineBox()->currentText().contains(QStringLiteral(" – ")));
}

void tst_FilterBar::showsOptionsSetElsewhere()
{
    // A click in the tag list, restored settings: the bar shows them.
    m_options->addTagFilter(TagFilter { TagFilter::Op::NotEquals, QStringLiteral("tier"), QStringLiteral("gold") });
    m_options->setOutcome(CallOutcome::Succeeded);
    m_options->setGroupBy(QStringLiteral("endpoint"));
    m_options->setBaseline(BaselineChoice { Kind::DayEarlier, {} });
    QCOMPARE(chipTexts(*m_bar), QStringList { QStringLiteral("tier!:gold") });
    QCOMPARE(m_bar->outcomeBox()->currentData().toInt(), int(CallOutcome::Succeeded));
    QCOMPARE(m_bar->groupByBox()->currentData().toString(), QStringLiteral("endpoint"));
    QCOMPARE(m_bar->baselineBox()->currentData().toInt(), int(Kind::DayEarlier));
}

QTEST_MAIN(tst_FilterBar)
#include "tst_filterbar.moc"
