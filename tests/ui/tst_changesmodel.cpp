// SPDX-License-Identifier: MIT
// The "What changed" rows: what each column says about a change, in the words of the web page.
#include "changesmodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QtTest>

using namespace Kodemon;

namespace {

constexpr double Now = 1764950400; // 2025-12-05 16:00 UTC

Change slowerP95()
{
    Change change;
    change.id = KeyId { QStringLiteral("shop"), QStringLiteral("/srv/app/views.py-checkout") };
    change.time = Now - 3600;
    change.bucketSeconds = 300;
    change.metric = ChangeMetric::P95;
    change.before = ChangeSide { Now - 7200, Now - 3601, 800, 0, 20, 31.9 };
    change.after = ChangeSide { Now - 3600, Now, 900, 0, 24, 44.0 };
    change.relativeChange = 0.38;
    change.pValue = 3.1e-9;
    change.callsAffected = 900;
    change.releaseTag = QStringLiteral("release");
    change.release = QStringLiteral("1.4.2");
    Annotation deploy;
    deploy.time = Now - 3720;
    deploy.text = QStringLiteral("deploy 1.4.2");
    change.annotation = deploy;
    return change;
}

Change fewerFailures()
{
    Change change;
    change.id = KeyId { QStringLiteral("shop"), QStringLiteral("/srv/app/db.py-load_cart") };
    change.time = Now - 600;
    change.metric = ChangeMetric::ErrorRate;
    change.before = ChangeSide { Now - 7200, Now - 601, 1000, 80, 5, 9 };
    change.after = ChangeSide { Now - 600, Now, 500, 5, 5, 9 };
    change.relativeChange = -0.875;
    change.pValue = 0.0004;
    change.improvement = true;
    return change;
}

} // namespace

class tst_ChangesModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void passesTheModelTester();
    void aRegressionSaysHowMuchWorseInRed();
    void anImprovementIsGreen();
    void pValues_data();
    void pValues();
};

void tst_ChangesModel::passesTheModelTester()
{
    ChangesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setChanges({ slowerP95(), fewerFailures() }, Now);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(ChangesModel::ColumnCount));
    model.setChanges({}, Now);
    QCOMPARE(model.rowCount(), 0);
}

void tst_ChangesModel::aRegressionSaysHowMuchWorseInRed()
{
    ChangesModel model;
    model.setChanges({ slowerP95() }, Now);
    const auto text = [&](int column) { return model.index(0, column).data().toString(); };
    QCOMPARE(text(ChangesModel::ChangeColumn), QStringLiteral("p95 +38 %"));
    QCOMPARE(text(ChangesModel::FunctionColumn), QStringLiteral("views.py-checkout"));
    QCOMPARE(text(ChangesModel::FiguresColumn), QStringLiteral("31.9 ms → 44.0 ms"));
    QCOMPARE(text(ChangesModel::PValueColumn), QStringLiteral("3.1 × 10⁻⁹"));
    QCOMPARE(text(ChangesModel::ReleaseColumn), QStringLiteral("release 1.4.2"));
    QCOMPARE(text(ChangesModel::DeployColumn), QStringLiteral("2.0 min after “deploy 1.4.2”"));
    QVERIFY(!text(ChangesModel::WhenColumn).isEmpty());
    QCOMPARE(model.index(0, ChangesModel::ChangeColumn).data(Qt::ForegroundRole).value<QColor>(),
        ChangesModel::regressionColor());
    QVERIFY(model.index(0, ChangesModel::FunctionColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("/srv/app/views.py-checkout")));
    QCOMPARE(
        model.headerData(ChangesModel::FiguresColumn, Qt::Horizontal).toString(), QStringLiteral("Before → after"));
}

void tst_ChangesModel::anImprovementIsGreen()
{
    ChangesModel model;
    model.setChanges({ fewerFailures() }, Now);
    QCOMPARE(model.index(0, ChangesModel::ChangeColumn).data().toString(), QStringLiteral("errors −88 %"));
    QCOMPARE(model.index(0, ChangesModel::FiguresColumn).data().toString(), QStringLiteral("8.0 % → 1.0 %"));
    QCOMPARE(model.index(0, ChangesModel::ChangeColumn).data(Qt::ForegroundRole).value<QColor>(),
        ChangesModel::improvementColor());
    QCOMPARE(model.index(0, ChangesModel::DeployColumn).data().toString(), QString());
}

void tst_ChangesModel::pValues_data()
{
    QTest::addColumn<double>("p");
    QTest::addColumn<QString>("text");
    QTest::newRow("large") << 0.43 << QStringLiteral("0.43");
    QTest::newRow("small") << 0.0021 << QStringLiteral("0.0021");
    QTest::newRow("tiny") << 3.14e-9 << QStringLiteral("3.1 × 10⁻⁹");
    QTest::newRow("tinier") << 2e-120 << QStringLiteral("2.0 × 10⁻¹²⁰");
    QTest::newRow("zero") << 0.0 << QStringLiteral("< 10⁻³⁰⁰");
}

void tst_ChangesModel::pValues()
{
    QFETCH(double, p);
    QFETCH(QString, text);
    QCOMPARE(ChangesModel::pValueText(p), text);
}

QTEST_MAIN(tst_ChangesModel)
#include "tst_changesmodel.moc"
