// SPDX-License-Identifier: MIT
// The functions table model: snapshots keep rows (and selections) of series that stay, under the model tester.
#include "keylistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;

namespace {

KeyRow row(const QString& key, const QString& token, qint64 calls, double mean = 1.5, double p95 = 3.25)
{
    return KeyRow { KeyId { token, key }, calls, 1700000000.0 + double(calls),
        calls > 0 ? std::optional(mean) : std::nullopt, calls > 0 ? std::optional(p95) : std::nullopt };
}

QString text(const KeyListModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class tst_KeyListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsRowsAsTheUserReadsThem();
    void snapshotsUpdateInPlaceAppendAndRemove();
    void keepsPersistentIndexesOfRowsThatStay();
    void listsDistinctTokens();
    void emptyRangeShowsDashes();
};

void tst_KeyListModel::showsRowsAsTheUserReadsThem()
{
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRows(
        { row(QStringLiteral("/srv/app/views.py-fetch_latest"), QStringLiteral("shop"), 12345, 31.94, 120.7) });
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), int(KeyListModel::ColumnCount));
    QCOMPARE(text(model, 0, KeyListModel::KeyColumn), QStringLiteral("/srv/app/views.py-fetch_latest"));
    QCOMPARE(text(model, 0, KeyListModel::TokenColumn), QStringLiteral("shop"));
    QCOMPARE(text(model, 0, KeyListModel::CallsColumn), QLocale().toString(12345));
    QCOMPARE(text(model, 0, KeyListModel::MeanColumn), QLocale().toString(31.9, 'f', 1));
    QCOMPARE(text(model, 0, KeyListModel::P95Column), QLocale().toString(121.0, 'f', 0));
    // The full key is in the tooltip, since the view elides long paths in the middle.
    QVERIFY(text(model, 0, KeyListModel::KeyColumn, Qt::ToolTipRole)
                .contains(QStringLiteral("/srv/app/views.py-fetch_latest")));
    QCOMPARE(model.data(model.index(0, KeyListModel::CallsColumn), KeyListModel::SortRole).toLongLong(), 12345);
    QCOMPARE(model.headerData(KeyListModel::P95Column, Qt::Horizontal).toString(), QStringLiteral("p95 (ms)"));
}

void tst_KeyListModel::snapshotsUpdateInPlaceAppendAndRemove()
{
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRows(
        { row(QStringLiteral("a"), {}, 1), row(QStringLiteral("b"), {}, 2), row(QStringLiteral("c"), {}, 3) });
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setRows(
        { row(QStringLiteral("c"), {}, 30), row(QStringLiteral("a"), {}, 10), row(QStringLiteral("d"), {}, 4) });

    QCOMPARE(removed.size(), 1); // b
    QCOMPARE(inserted.size(), 1); // d, appended
    QCOMPARE(changed.size(), 1); // one ranged update for a and c
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(text(model, 0, KeyListModel::KeyColumn), QStringLiteral("a"));
    QCOMPARE(text(model, 0, KeyListModel::CallsColumn), QStringLiteral("10"));
    QCOMPARE(text(model, 1, KeyListModel::KeyColumn), QStringLiteral("c"));
    QCOMPARE(text(model, 2, KeyListModel::KeyColumn), QStringLiteral("d"));
    QCOMPARE(model.rowOf(KeyId { {}, QStringLiteral("d") }), 2);
    QCOMPARE(model.rowOf(KeyId { {}, QStringLiteral("b") }), -1);
}

void tst_KeyListModel::keepsPersistentIndexesOfRowsThatStay()
{
    KeyListModel model;
    model.setRows(
        { row(QStringLiteral("a"), QStringLiteral("t1"), 1), row(QStringLiteral("a"), QStringLiteral("t2"), 2) });
    const QPersistentModelIndex second = model.index(1, 0);
    model.setRows({ row(QStringLiteral("new"), {}, 5), row(QStringLiteral("a"), QStringLiteral("t2"), 7) });
    QVERIFY(second.isValid());
    QCOMPARE(
        second.data(KeyListModel::KeyIdRole).value<KeyId>(), (KeyId { QStringLiteral("t2"), QStringLiteral("a") }));
    QCOMPARE(model.data(model.index(second.row(), KeyListModel::CallsColumn)).toString(), QStringLiteral("7"));
}

void tst_KeyListModel::listsDistinctTokens()
{
    KeyListModel model;
    model.setRows({ row(QStringLiteral("a"), QStringLiteral("shop"), 1),
        row(QStringLiteral("b"), QStringLiteral("api"), 1), row(QStringLiteral("c"), QStringLiteral("shop"), 1) });
    QCOMPARE(model.tokens(), (QStringList { QStringLiteral("api"), QStringLiteral("shop") }));
}

void tst_KeyListModel::emptyRangeShowsDashes()
{
    KeyListModel model;
    model.setRows({ row(QStringLiteral("idle"), {}, 0) });
    QCOMPARE(text(model, 0, KeyListModel::CallsColumn), QStringLiteral("0"));
    QCOMPARE(text(model, 0, KeyListModel::MeanColumn), QStringLiteral("–"));
    QCOMPARE(text(model, 0, KeyListModel::TokenColumn), QStringLiteral("–"));
    // Sorting by mean puts series without calls in range below every real value.
    QVERIFY(model.data(model.index(0, KeyListModel::MeanColumn), KeyListModel::SortRole).toDouble() < 0);
}

QTEST_GUILESS_MAIN(tst_KeyListModel)
#include "tst_keylistmodel.moc"
