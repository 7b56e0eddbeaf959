// SPDX-License-Identifier: MIT
// The table-driven bucket of a time is the bucket the logarithm gives, for every double: at and beside every
// bucket's lower bound, across each scale a duration takes, and outside the tables (tiny, huge, NaN, infinity).
#include "base/sketchindex.h"

#include <cmath>
#include <limits>
#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_SketchIndex : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyLowerBoundIsWhereTheLogarithmChanges();
    void equalsTheLogarithm_data();
    void equalsTheLogarithm();
    void outsideTheTablesIsTheLogarithm_data();
    void outsideTheTablesIsTheLogarithm();
};

void tst_SketchIndex::everyLowerBoundIsWhereTheLogarithmChanges()
{
    QElapsedTimer built;
    built.start();
    SketchIndex::of(1.0); // the first use builds the tables
    qInfo("tables built in %.2f ms", built.nsecsElapsed() / 1e6);
    for (int index = SketchIndex::LowestTabled; index <= SketchIndex::MaxIndex; ++index) {
        const double bound = SketchIndex::lowerBound(index);
        const double below = std::nextafter(bound, 0.0);
        QCOMPARE(SketchIndex::byLog(bound), index);
        QVERIFY2(SketchIndex::byLog(below) < index, qPrintable(QString::number(index)));
        // the table's answer on both sides of the bound, and one and two doubles further
        for (const double at : { bound, below, std::nextafter(below, 0.0), std::nextafter(bound, HUGE_VAL),
                 std::nextafter(std::nextafter(bound, HUGE_VAL), HUGE_VAL) })
            QCOMPARE(SketchIndex::of(at), SketchIndex::byLog(at));
    }
}

void tst_SketchIndex::equalsTheLogarithm_data()
{
    QTest::addColumn<double>("lowest");
    QTest::addColumn<double>("highest");
    QTest::newRow("nanoseconds") << 1e-6 << 1e-3;
    QTest::newRow("microseconds") << 1e-3 << 1.0;
    QTest::newRow("milliseconds") << 1.0 << 1e3;
    QTest::newRow("seconds to hours") << 1e3 << 1e7;
    QTest::newRow("days to the clamp") << 1e7 << 1e18;
}

void tst_SketchIndex::equalsTheLogarithm()
{
    QFETCH(double, lowest);
    QFETCH(double, highest);
    QRandomGenerator random(20261206);
    const double span = std::log(highest / lowest);
    for (int i = 0; i < 200'000; ++i) {
        const double at = lowest * std::exp(random.generateDouble() * span);
        if (SketchIndex::of(at) != SketchIndex::byLog(at))
            QFAIL(qPrintable(QStringLiteral("%1: %2 by the tables, %3 by log")
                                 .arg(at, 0, 'g', 17).arg(SketchIndex::of(at)).arg(SketchIndex::byLog(at))));
    }
    // the decimals the decorator sends (milliseconds with a few digits), exactly
    for (double at = lowest; at < std::min(highest, 1e4); at = std::round((at * 1.0137 + 1e-3) * 1000) / 1000)
        QCOMPARE(SketchIndex::of(at), SketchIndex::byLog(at));
}

void tst_SketchIndex::outsideTheTablesIsTheLogarithm_data()
{
    QTest::addColumn<double>("at");
    QTest::newRow("below the lowest bound") << std::nextafter(SketchIndex::lowerBound(SketchIndex::LowestTabled), 0.0);
    QTest::newRow("1e-9") << 1e-9;
    QTest::newRow("smallest denormal") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("past the clamp") << 1e30;
    QTest::newRow("largest double") << std::numeric_limits<double>::max();
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity();
}

void tst_SketchIndex::outsideTheTablesIsTheLogarithm()
{
    QFETCH(double, at);
    QCOMPARE(SketchIndex::of(at), SketchIndex::byLog(at));
}

QTEST_APPLESS_MAIN(tst_SketchIndex)
#include "tst_sketchindex.moc"
