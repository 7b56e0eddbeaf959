// SPDX-License-Identifier: MIT
// The functions table model: snapshots keep rows (and selections) of series that stay, under the model tester.
#include "keylistmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
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
    void onlyTheNumbersOfChangedRowsChange();
    void lastCallShowsTheDateFromTheNextDay();
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

void tst_KeyListModel::onlyTheNumbersOfChangedRowsChange()
{
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<KeyRow> rows
        = { row(QStringLiteral("a"), {}, 1), row(QStringLiteral("b"), {}, 2), row(QStringLiteral("c"), {}, 3) };
    model.setRows(rows);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setRows(rows); // a refresh while nothing arrived
    QCOMPARE(changed.size(), 0);

    QList<KeyRow> next = rows;
    next[1] = row(QStringLiteral("b"), {}, 20, 4.5, 9.0);
    model.setRows(next);
    // The key and token cells (long paths, elided) are not repainted, and a sort by key is not redone.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].value<QModelIndex>(), model.index(1, KeyListModel::CallsColumn));
    QCOMPARE(changed[0][1].value<QModelIndex>(), model.index(1, KeyListModel::ColumnCount - 1));
    QCOMPARE(text(model, 1, KeyListModel::CallsColumn), QStringLiteral("20"));
}

void tst_KeyListModel::lastCallShowsTheDateFromTheNextDay()
{
    KeyListModel model;
    const double lastSeen = 1700000000.0 + 3; // row()'s "last seen" for 3 calls
    model.setNow(lastSeen + 60);
    model.setRows({ row(QStringLiteral("a"), {}, 3) });
    const QDateTime seen = QDateTime::fromSecsSinceEpoch(qint64(lastSeen));
    QCOMPARE(text(model, 0, KeyListModel::LastSeenColumn), seen.toString(QStringLiteral("HH:mm:ss")));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setNow(lastSeen + 120); // the same day: nothing to redraw
    QCOMPARE(changed.size(), 0);
    model.setNow(lastSeen + 2 * 86400.0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].value<QModelIndex>(), model.index(0, KeyListModel::LastSeenColumn));
    QCOMPARE(text(model, 0, KeyListModel::LastSeenColumn), seen.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

QTEST_GUILESS_MAIN(tst_KeyListModel)
#include "tst_keylistmodel.moc"
