// SPDX-License-Identifier: MIT
// Axis ticks: round local times whose labels adapt to the span, and round value scales.
#include "axisticks.h"

#include <QDateTime>
#include <QtTest>

using namespace Kodemon;

class tst_AxisTicks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void timeTicks_data();
    void timeTicks();
    void niceScale_data();
    void niceScale();
};

void tst_AxisTicks::initTestCase()
{
    qputenv("TZ", "UTC"); // labels are local time; fix it so the expected labels hold everywhere
}

void tst_AxisTicks::timeTicks_data()
{
    QTest::addColumn<double>("from");
    QTest::addColumn<double>("to");
    QTest::addColumn<int>("maxTicks");
    QTest::addColumn<QStringList>("labels");
    // 2026-11-24 15:30:00 UTC
    const double t = 1795534200;
    QTest::newRow("5 minutes: every minute")
        << t - 300 << t << 8
        << QStringList { QStringLiteral("15:25"), QStringLiteral("15:26"), QStringLiteral("15:27"),
               QStringLiteral("15:28"), QStringLiteral("15:29"), QStringLiteral("15:30") };
    QTest::newRow("1 minute: seconds") << t - 60 << t << 3
                                       << QStringList { QStringLiteral("15:29:00"), QStringLiteral("15:29:30"),
                                              QStringLiteral("15:30:00") };
    QTest::newRow("1 hour: ten minutes") << t - 3600 + 1 << t << 8
                                         << QStringList { QStringLiteral("14:40"), QStringLiteral("14:50"),
                                                QStringLiteral("15:00"), QStringLiteral("15:10"),
                                                QStringLiteral("15:20"), QStringLiteral("15:30") };
    QTest::newRow("24 hours: midnight shows the date")
        << t - 86400 << t << 5
        << QStringList { QStringLiteral("18:00"), QStringLiteral("Nov 24"), QStringLiteral("06:00"),
               QStringLiteral("12:00") };
    QTest::newRow("7 days: days") << t - 7 * 86400 << t << 8
                                  << QStringList { QStringLiteral("Nov 18"), QStringLiteral("Nov 19"),
                                         QStringLiteral("Nov 20"), QStringLiteral("Nov 21"), QStringLiteral("Nov 22"),
                                         QStringLiteral("Nov 23"), QStringLiteral("Nov 24") };
    QTest::newRow("empty span") << t << t << 8 << QStringList {};
}

void tst_AxisTicks::timeTicks()
{
    QFETCH(double, from);
    QFETCH(double, to);
    QFETCH(int, maxTicks);
    QFETCH(QStringList, labels);
    const auto ticks = AxisTicks::timeTicks(from, to, maxTicks);
    QStringList got;
    for (const auto& tick : ticks) {
        QVERIFY(tick.seconds >= from && tick.seconds <= to);
        got.append(tick.label);
    }
    QCOMPARE(got, labels);
    QVERIFY(ticks.size() <= maxTicks + 1);
}

void tst_AxisTicks::niceScale_data()
{
    QTest::addColumn<double>("peak");
    QTest::addColumn<bool>("integers");
    QTest::addColumn<double>("max");
    QTest::addColumn<int>("ticks");
    QTest::newRow("9630 ms") << 9630.0 << false << 10000.0 << 6;
    QTest::newRow("0.0019 ms") << 0.0019 << false << 0.002 << 5;
    QTest::newRow("122 calls") << 122.0 << true << 125.0 << 6;
    QTest::newRow("3 calls") << 3.0 << true << 4.0 << 5;
    QTest::newRow("nothing") << 0.0 << false << 1.0 << 6;
}

void tst_AxisTicks::niceScale()
{
    QFETCH(double, peak);
    QFETCH(bool, integers);
    QFETCH(double, max);
    QFETCH(int, ticks);
    const auto scale = AxisTicks::niceScale(peak, 6, integers);
    QCOMPARE(scale.max, max);
    QCOMPARE(scale.tickCount, ticks);
    QVERIFY(scale.max >= peak);
}

QTEST_GUILESS_MAIN(tst_AxisTicks)
#include "tst_axisticks.moc"
