// SPDX-License-Identifier: MIT
// The functions table model: snapshots keep rows (and selections) of series that stay, under the model tester.
#include "keylistmodel.h"
#include "store/comparison.h"

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
    void errorsAreAShareOfTheCalls_data();
    void errorsAreAShareOfTheCalls();
    void splitRowsAreOnePerGroup();
    void changesAgainstTheBaseline_data();
    void changesAgainstTheBaseline();
    void changesSortWithNewFirstAndNothingLast();
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
    QCOMPARE(model.headerData(KeyListModel::P95Column, Qt::Horizontal).toString(), QStringLiteral("p95"));
    QVERIFY(model.headerData(KeyListModel::P95Column, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("milliseconds")));
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

void tst_KeyListModel::errorsAreAShareOfTheCalls_data()
{
    QTest::addColumn<qint64>("calls");
    QTest::addColumn<qint64>("errors");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<double>("sorted");
    QTest::newRow("7 of 100") << qint64(100) << qint64(7) << QLocale().toString(7.0, 'f', 1) + QStringLiteral(" %")
                              << 7.0;
    QTest::newRow("none failed") << qint64(100) << qint64(0) << QStringLiteral("0 %") << 0.0;
    QTest::newRow("every call") << qint64(3) << qint64(3) << QStringLiteral("100 %") << 100.0;
    QTest::newRow("1 of 40,000") << qint64(40000) << qint64(1)
                                 << QStringLiteral("<%1 %").arg(QLocale().toString(0.01, 'f', 2)) << 0.0025;
    QTest::newRow("no calls") << qint64(0) << qint64(0) << QStringLiteral("–") << -1.0;
}

void tst_KeyListModel::errorsAreAShareOfTheCalls()
{
    QFETCH(qint64, calls);
    QFETCH(qint64, errors);
    QFETCH(QString, shown);
    QFETCH(double, sorted);
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    KeyRow failing = row(QStringLiteral("a"), {}, calls);
    failing.errors = errors;
    model.setRows({ failing });
    QCOMPARE(text(model, 0, KeyListModel::ErrorsColumn), shown);
    QCOMPARE(model.data(model.index(0, KeyListModel::ErrorsColumn), KeyListModel::SortRole).toDouble(), sorted);
    if (errors > 0)
        QVERIFY(text(model, 0, KeyListModel::KeyColumn, Qt::ToolTipRole).contains(QStringLiteral("failed")));
    QCOMPARE(model.headerData(KeyListModel::ErrorsColumn, Qt::Horizontal).toString(), QStringLiteral("Errors"));
}

void tst_KeyListModel::splitRowsAreOnePerGroup()
{
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setGroupName(QStringLiteral("endpoint"));
    const auto grouped = [](qint64 calls, TagGroup::Kind kind, const QString& value) {
        KeyRow r = row(QStringLiteral("/srv/a.py-f"), QStringLiteral("shop"), calls);
        r.group = TagGroup { kind, value };
        return r;
    };
    model.setRows({ grouped(5, TagGroup::Kind::Value, QStringLiteral("/cart")),
        grouped(3, TagGroup::Kind::Value, QStringLiteral("/home")), grouped(2, TagGroup::Kind::Other, {}),
        grouped(1, TagGroup::Kind::Missing, {}), row(QStringLiteral("/srv/b.py-g"), QStringLiteral("shop"), 0) });
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.headerData(KeyListModel::GroupColumn, Qt::Horizontal).toString(), QStringLiteral("endpoint"));
    QCOMPARE(text(model, 0, KeyListModel::GroupColumn), QStringLiteral("/cart"));
    QCOMPARE(text(model, 2, KeyListModel::GroupColumn), QStringLiteral("(other values)"));
    QCOMPARE(text(model, 3, KeyListModel::GroupColumn), QStringLiteral("(no endpoint)"));
    QCOMPARE(text(model, 4, KeyListModel::GroupColumn), QString());
    // The function's first row stands for it (selecting, restoring a selection); each group is its own row.
    const KeyId function { QStringLiteral("shop"), QStringLiteral("/srv/a.py-f") };
    QCOMPARE(model.rowOf(function), 0);
    QCOMPARE(model.rowOf(RowId { function, TagGroup { TagGroup::Kind::Missing, {} } }), 3);
    QCOMPARE(model.data(model.index(1, 0), KeyListModel::KeyIdRole).value<KeyId>(), function);
    QCOMPARE(model.data(model.index(1, 0), KeyListModel::GroupRole).value<TagGroup>().value, QStringLiteral("/home"));

    // The next snapshot keeps the rows of groups that stay, updates their numbers, drops the rest.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setRows({ grouped(9, TagGroup::Kind::Value, QStringLiteral("/home")),
        grouped(4, TagGroup::Kind::Value, QStringLiteral("/cart")) });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(removed.size(), 3);
    QCOMPARE(text(model, 0, KeyListModel::GroupColumn), QStringLiteral("/cart"));
    QCOMPARE(text(model, 0, KeyListModel::CallsColumn), QStringLiteral("4"));
    QCOMPARE(text(model, 1, KeyListModel::CallsColumn), QStringLiteral("9"));

    QSignalSpy header(&model, &QAbstractItemModel::headerDataChanged);
    model.setGroupName(QStringLiteral("tier"));
    QCOMPARE(header.size(), 1);
}

void tst_KeyListModel::changesAgainstTheBaseline_data()
{
    QTest::addColumn<qint64>("calls");
    QTest::addColumn<double>("p95");
    QTest::addColumn<qint64>("baselineCalls");
    QTest::addColumn<double>("baselineP95"); // < 0: the baseline had no calls
    QTest::addColumn<QString>("p95Change");
    QTest::addColumn<QString>("callsChange");
    QTest::addColumn<int>("colour"); // 1 red, -1 green, 0 neither
    const QString minus = QStringLiteral("\u2212");
    QTest::newRow("slower") << qint64(200) << 150.0 << qint64(100) << 100.0 << QStringLiteral("+50 %")
                            << QStringLiteral("+100 %") << 1;
    QTest::newRow("faster") << qint64(100) << 19.0 << qint64(100) << 29.0 << minus + QStringLiteral("34 %")
                            << QStringLiteral("±0.0 %") << -1;
    QTest::newRow("small change") << qint64(100) << 10.3 << qint64(104) << 10.0
                                  << QStringLiteral("+%1 %").arg(QLocale().toString(3.0, 'f', 1))
                                  << minus + QStringLiteral("%1 %").arg(QLocale().toString(3.8, 'f', 1)) << 0;
    QTest::newRow("new") << qint64(10) << 5.0 << qint64(0) << -1.0 << QStringLiteral("–") << QStringLiteral("new") << 0;
}

void tst_KeyListModel::changesAgainstTheBaseline()
{
    QFETCH(qint64, calls);
    QFETCH(double, p95);
    QFETCH(qint64, baselineCalls);
    QFETCH(double, baselineP95);
    QFETCH(QString, p95Change);
    QFETCH(QString, callsChange);
    QFETCH(int, colour);
    KeyListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    KeyRow compared = row(QStringLiteral("a"), {}, calls, 1, p95);
    RowChange change { baselineCalls };
    if (baselineP95 >= 0) {
        change.baselineP95 = baselineP95;
        change.p95Pct = percentChange(p95, baselineP95);
        change.callsPct = percentChange(double(calls), double(baselineCalls));
    }
    compared.change = change;
    model.setRows({ compared });
    QCOMPARE(text(model, 0, KeyListModel::P95ChangeColumn), p95Change);
    QCOMPARE(text(model, 0, KeyListModel::CallsChangeColumn), callsChange);
    const QVariant foreground = model.data(model.index(0, KeyListModel::P95ChangeColumn), Qt::ForegroundRole);
    if (colour == 0) {
        QVERIFY(!foreground.isValid());
    } else {
        const QColor shown = foreground.value<QColor>();
        QVERIFY(colour > 0 ? shown.red() > shown.green() : shown.green() > shown.red());
    }
    QVERIFY(text(model, 0, KeyListModel::KeyColumn, Qt::ToolTipRole).contains(QStringLiteral("baseline")));
}

void tst_KeyListModel::changesSortWithNewFirstAndNothingLast()
{
    KeyListModel model;
    const auto compared
        = [](const char* key, qint64 calls, std::optional<double> p95Pct, std::optional<double> callsPct) {
              KeyRow r = row(QString::fromLatin1(key), {}, calls);
              r.change = RowChange { 1, 1.0, p95Pct, callsPct };
              return r;
          };
    model.setRows({ compared("slower", 10, 40.0, 5.0), compared("faster", 10, -20.0, -5.0),
        compared("new", 10, std::nullopt, std::nullopt), compared("idle", 0, std::nullopt, std::nullopt) });
    const auto sortValue
        = [&](int row, int column) { return model.data(model.index(row, column), KeyListModel::SortRole).toDouble(); };
    // Descending, "what got slower" reads from the top; a function without calls on one side sorts last.
    QVERIFY(sortValue(0, KeyListModel::P95ChangeColumn) > sortValue(1, KeyListModel::P95ChangeColumn));
    QVERIFY(sortValue(1, KeyListModel::P95ChangeColumn) > sortValue(2, KeyListModel::P95ChangeColumn));
    // More calls than ever: a function new since the baseline is the largest increase of calls.
    QVERIFY(sortValue(2, KeyListModel::CallsChangeColumn) > sortValue(0, KeyListModel::CallsChangeColumn));
    QVERIFY(sortValue(3, KeyListModel::CallsChangeColumn) < sortValue(1, KeyListModel::CallsChangeColumn));
}

QTEST_GUILESS_MAIN(tst_KeyListModel)
#include "tst_keylistmodel.moc"
