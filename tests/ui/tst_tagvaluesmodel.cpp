// SPDX-License-Identifier: MIT
// The tag list's model: tag names over their most frequent values, counts and shares as the user reads them, the
// filter each row stands for, and the completions the filter bar offers, under the model tester.
#include "base/tagfilter.h"
#include "tagvaluesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;
using RowKind = TagValuesModel::RowKind;

namespace {

// 200 calls: 150 have an endpoint (three values shown, two more left out), 14 failed.
QList<TagSummary> shopTags()
{
    TagSummary endpoint { QStringLiteral("endpoint"), 150,
        { { QStringLiteral("/cart"), 80 }, { QStringLiteral("/home"), 50 }, { QStringLiteral("a:b!c"), 12 } }, 2,
        false };
    TagSummary error { QStringLiteral("error"), 14, { { QStringLiteral("ValueError"), 14 } }, 0, false };
    TagSummary user { QStringLiteral("user"), 60, { { QStringLiteral("u1"), 3 } }, 999, true };
    return { endpoint, error, user };
}

QString text(const QModelIndex& index)
{
    return index.data().toString();
}

} // namespace

class tst_TagValuesModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tagsOverTheirValues();
    void rowsStandForFilters();
    void leftOutValuesAreSaid();
    void completionsAreTheFilterTexts();
    void snapshotsReplaceTheList();
};

void tst_TagValuesModel::tagsOverTheirValues()
{
    TagValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTags(shopTags(), 200);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(TagValuesModel::ColumnCount));
    const QModelIndex endpoint = model.index(0, 0);
    QCOMPARE(text(endpoint), QStringLiteral("endpoint"));
    QCOMPARE(text(model.index(0, TagValuesModel::CallsColumn)), QStringLiteral("150"));
    QCOMPARE(text(model.index(0, TagValuesModel::ShareColumn)), QStringLiteral("75 %"));
    QCOMPARE(model.rowCount(endpoint), 4); // three values and the row of those left out
    const QModelIndex cart = model.index(0, 0, endpoint);
    QCOMPARE(text(cart), QStringLiteral("/cart"));
    QCOMPARE(text(model.index(0, TagValuesModel::CallsColumn, endpoint)), QStringLiteral("80"));
    QCOMPARE(text(model.index(0, TagValuesModel::ShareColumn, endpoint)), QStringLiteral("40 %"));
    QCOMPARE(cart.parent(), endpoint);
    QCOMPARE(model.rowCount(cart), 0);
    const QModelIndex error = model.index(1, 0);
    QCOMPARE(text(model.index(0, TagValuesModel::ShareColumn, error)),
        QLocale().toString(7.0, 'f', 1) + QStringLiteral(" %"));
    QCOMPARE(model.tagNames(),
        (QStringList { QStringLiteral("endpoint"), QStringLiteral("error"), QStringLiteral("user") }));
}

void tst_TagValuesModel::rowsStandForFilters()
{
    TagValuesModel model;
    model.setTags(shopTags(), 200);
    const QModelIndex endpoint = model.index(0, 0);
    QCOMPARE(endpoint.data(TagValuesModel::RowKindRole).value<RowKind>(), RowKind::Tag);
    QCOMPARE(formatTagFilter(endpoint.data(TagValuesModel::FilterRole).value<TagFilter>()), QStringLiteral("endpoint"));
    const QModelIndex odd = model.index(2, 0, endpoint);
    QCOMPARE(odd.data(TagValuesModel::RowKindRole).value<RowKind>(), RowKind::Value);
    const TagFilter filter = odd.data(TagValuesModel::FilterRole).value<TagFilter>();
    QCOMPARE(filter.op, TagFilter::Op::Equals);
    QCOMPARE(filter.name, QStringLiteral("endpoint"));
    QCOMPARE(filter.value, QStringLiteral("a:b!c"));
    QCOMPARE(odd.data(TagValuesModel::TagNameRole).toString(), QStringLiteral("endpoint"));
    QVERIFY(odd.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Ctrl+click")));
}

void tst_TagValuesModel::leftOutValuesAreSaid()
{
    TagValuesModel model;
    model.setTags(shopTags(), 200);
    const QModelIndex endpoint = model.index(0, 0);
    const QModelIndex more = model.index(3, 0, endpoint);
    QCOMPARE(more.data(TagValuesModel::RowKindRole).value<RowKind>(), RowKind::More);
    QCOMPARE(text(more), QStringLiteral("… 2 more values"));
    QVERIFY(!more.data(TagValuesModel::FilterRole).isValid());
    const QModelIndex user = model.index(2, 0);
    QCOMPARE(model.rowCount(user), 2);
    QVERIFY(text(model.index(1, 0, user)).contains(QStringLiteral("more values than Kodemon tells apart")));
    QCOMPARE(model.rowCount(model.index(1, 0)), 1); // error: all its values shown, no such row
}

void tst_TagValuesModel::completionsAreTheFilterTexts()
{
    TagValuesModel model;
    model.setTags(shopTags(), 200);
    const QStringList completions = model.completions();
    for (const char* expected : { "endpoint", "!endpoint", "endpoint:/cart", "endpoint!:/home", "endpoint:a:b!c",
             "error:ValueError", "!error", "user:u1" })
        QVERIFY2(completions.contains(QString::fromUtf8(expected)), expected);
    // Every completion is a filter the bar reads back.
    for (const QString& completion : completions)
        QVERIFY2(parseTagFilter(completion).ok(), qPrintable(completion));
}

void tst_TagValuesModel::snapshotsReplaceTheList()
{
    TagValuesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTags(shopTags(), 200);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setTags({}, 0);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.completions().isEmpty());
}

QTEST_GUILESS_MAIN(tst_TagValuesModel)
#include "tst_tagvaluesmodel.moc"
