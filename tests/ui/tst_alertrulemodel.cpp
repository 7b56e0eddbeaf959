// SPDX-License-Identifier: MIT
// The Alerts panel's model under QAbstractItemModelTester: rows keep their place while the rules stay, values and
// states as the user reads them.
#include "alerts/rulesfile.h"
#include "alertrulemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;

class tst_AlertRuleModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsRulesAsTheUserReadsThem();
    void sameRulesUpdateInPlace();
    void otherRulesReset();
};

namespace {

AlertSnapshot snapshot(const QString& rules, AlertState state, double value)
{
    AlertSnapshot snapshot;
    snapshot.time = 1795608100;
    const auto document = RulesDocument::parse(rules); // kept: a range-for over a temporary's member would dangle
    for (const auto& rule : document->rules().rules) {
        AlertRuleStatus status;
        status.rule = rule;
        AlertInstance instance;
        instance.series = { QStringLiteral("shop"), rule.function };
        instance.state = state;
        instance.value = value;
        instance.threshold = rule.condition.isRelative() ? std::optional<double>(13) : rule.condition.threshold;
        status.instances.append(instance);
        status.recent.append({ 1795608040, rule.name, instance.series, AlertState::Ok, state, value, 25.0,
            conditionText(rule.condition) });
        snapshot.rules.append(status);
    }
    return snapshot;
}

const QString Two = QStringLiteral("[slow]\nfunction = /srv/a.py-f\nwhen = p95 > 25 ms\nfor = 30s\n\n"
                                   "[slower than last week]\nfunctions = /srv/*\nwhen = p95 30% above baseline\n"
                                   "baseline = -1w\ntoken = shop\n");

} // namespace

void tst_AlertRuleModel::showsRulesAsTheUserReadsThem()
{
    AlertRuleModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshot(Two, AlertState::Firing, 41.5));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(AlertRuleModel::ColumnCount));
    const auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(0, AlertRuleModel::StateColumn), QStringLiteral("firing"));
    QCOMPARE(text(0, AlertRuleModel::FunctionColumn), QStringLiteral("a.py-f"));
    QCOMPARE(text(0, AlertRuleModel::ConditionColumn), QStringLiteral("p95 > 25 ms for 30s (window 5m)"));
    QCOMPARE(text(0, AlertRuleModel::ValueColumn), QStringLiteral("41.5 ms"));
    QVERIFY(text(0, AlertRuleModel::ChangedColumn).startsWith(QStringLiteral("firing ")));
    QCOMPARE(text(1, AlertRuleModel::FunctionColumn), QStringLiteral("/srv/* (1 function(s)) · shop"));
    QCOMPARE(text(1, AlertRuleModel::ValueColumn), QStringLiteral("41.5 ms (threshold 13 ms)"));
    QCOMPARE(model.index(1, 0).data(AlertRuleModel::RuleNameRole).toString(), QStringLiteral("slower than last week"));
    QCOMPARE(model.index(1, 0).data(AlertRuleModel::StateRole).toInt(), int(AlertState::Firing));
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("firing since")));
    QCOMPARE(model.headerData(AlertRuleModel::ValueColumn, Qt::Horizontal).toString(), QStringLiteral("Now"));
}

void tst_AlertRuleModel::sameRulesUpdateInPlace()
{
    AlertRuleModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshot(Two, AlertState::Pending, 30));
    const QPersistentModelIndex kept = model.index(1, 0);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setSnapshot(snapshot(Two, AlertState::Firing, 41));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QVERIFY(kept.isValid());
    QCOMPARE(kept.row(), 1);
    QCOMPARE(model.index(0, AlertRuleModel::StateColumn).data().toString(), QStringLiteral("firing"));
}

void tst_AlertRuleModel::otherRulesReset()
{
    AlertRuleModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshot(Two, AlertState::Ok, 3));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setSnapshot(snapshot(QStringLiteral("[only]\nfunction = f\nwhen = no calls\n"), AlertState::Ok, 0));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(QStringLiteral("only")), 0);
    QCOMPARE(model.rowOf(QStringLiteral("slow")), -1);
    model.setSnapshot({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(tst_AlertRuleModel)
#include "tst_alertrulemodel.moc"
