// SPDX-License-Identifier: MIT
// parseTimeExpression(): every accepted form and the errors users will make.
#include "base/timeexpr.h"

#include <QtTest>

using namespace Kodemon;

class tst_TimeExpr : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();
};

namespace {
constexpr double Now = 1795608118.5;
}

void tst_TimeExpr::accepted_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("expected");

    QTest::newRow("epoch seconds") << "1413404125" << 1413404125.0;
    QTest::newRow("epoch with fraction") << "1413404125.25" << 1413404125.25;
    QTest::newRow("epoch zero") << "0" << 0.0;
    QTest::newRow("negative epoch") << "-60" << -60.0;
    QTest::newRow("surrounding spaces") << "  1413404125 " << 1413404125.0;
    QTest::newRow("iso utc") << "2014-10-15T20:15:25Z" << 1413404125.0;
    QTest::newRow("iso without zone is utc") << "2014-10-15T20:15:25" << 1413404125.0;
    QTest::newRow("iso with space separator") << "2014-10-15 20:15:25" << 1413404125.0;
    QTest::newRow("iso with offset") << "2014-10-15T22:15:25+02:00" << 1413404125.0;
    QTest::newRow("iso with negative offset") << "2014-10-15T15:15:25-05:00" << 1413404125.0;
    QTest::newRow("iso with milliseconds") << "2014-10-15T20:15:25.250Z" << 1413404125.25;
    QTest::newRow("iso minutes only") << "2014-10-15T20:15Z" << 1413404100.0;
    QTest::newRow("iso date only") << "2014-10-15" << 1413331200.0;
    QTest::newRow("now") << "now" << Now;
    QTest::newRow("now-30s") << "now-30s" << Now - 30;
    QTest::newRow("now-15m") << "now-15m" << Now - 15 * 60;
    QTest::newRow("now-6h") << "now-6h" << Now - 6 * 3600;
    QTest::newRow("now-7d") << "now-7d" << Now - 7 * 86400;
    QTest::newRow("now-2w") << "now-2w" << Now - 14 * 86400;
    QTest::newRow("now+1h") << "now+1h" << Now + 3600;
    QTest::newRow("fractional amount") << "now-1.5h" << Now - 5400;
}

void tst_TimeExpr::accepted()
{
    QFETCH(QString, text);
    QFETCH(double, expected);
    const auto result = parseTimeExpression(text, Now);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error()));
    QCOMPARE(*result, expected);
}

void tst_TimeExpr::rejected_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << "";
    QTest::newRow("blank") << "   ";
    QTest::newRow("word") << "yesterday";
    QTest::newRow("now with unknown unit") << "now-15y";
    QTest::newRow("now without amount") << "now-";
    QTest::newRow("now with spaces inside") << "now - 15m";
    QTest::newRow("now minus negative") << "now--5m";
    QTest::newRow("iso with bad month") << "2014-13-15T20:15:25Z";
    QTest::newRow("iso with bad day") << "2014-02-30";
    QTest::newRow("number with garbage") << "1413404125abc";
    QTest::newRow("exponent") << "1e9";
    QTest::newRow("hex") << "0x10";
    QTest::newRow("sql") << "1; DROP TABLE samples";
    QTest::newRow("relative overflow") << QStringLiteral("now+") + QString(400, u'9') + QStringLiteral("d");
    QTest::newRow("epoch overflow") << QString(400, u'9');
}

void tst_TimeExpr::rejected()
{
    QFETCH(QString, text);
    const auto result = parseTimeExpression(text, Now);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().contains(QLatin1String("now-15m")) || result.error().contains(QLatin1String("epoch")),
        qPrintable(result.error()));
}

QTEST_GUILESS_MAIN(tst_TimeExpr)
#include "tst_timeexpr.moc"
