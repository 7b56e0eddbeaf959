// SPDX-License-Identifier: MIT
// How numbers read in the window: durations, shares in percent, changes with their sign.
#include "displayformat.h"

#include <QtTest>

using namespace Kodemon;

class tst_DisplayFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void durations_data();
    void durations();
    void percents_data();
    void percents();
    void changes_data();
    void changes();
};

void tst_DisplayFormat::initTestCase()
{
    QLocale::setDefault(QLocale::c()); // "1,234.5" whatever the machine's language
}

void tst_DisplayFormat::durations_data()
{
    QTest::addColumn<double>("milliseconds");
    QTest::addColumn<QString>("shown");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 ms");
    QTest::newRow("microseconds") << 0.412 << QStringLiteral("412 µs");
    QTest::newRow("milliseconds") << 31.94 << QStringLiteral("31.9 ms");
    QTest::newRow("seconds") << 2400.0 << QStringLiteral("2.40 s");
}

void tst_DisplayFormat::durations()
{
    QFETCH(double, milliseconds);
    QFETCH(QString, shown);
    QCOMPARE(DisplayFormat::duration(milliseconds), shown);
}

void tst_DisplayFormat::percents_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("shown");
    QTest::newRow("none") << 0.0 << QStringLiteral("0 %");
    QTest::newRow("tiny") << 0.004 << QStringLiteral("<0.01 %");
    QTest::newRow("below one") << 0.35 << QStringLiteral("0.35 %");
    QTest::newRow("a few") << 7.0 << QStringLiteral("7.0 %");
    QTest::newRow("many") << 12.34 << QStringLiteral("12 %");
    QTest::newRow("all") << 100.0 << QStringLiteral("100 %");
    QTest::newRow("not a number") << std::nan("") << QStringLiteral("0 %");
}

void tst_DisplayFormat::percents()
{
    QFETCH(double, value);
    QFETCH(QString, shown);
    QCOMPARE(DisplayFormat::percent(value), shown);
}

void tst_DisplayFormat::changes_data()
{
    QTest::addColumn<double>("percent");
    QTest::addColumn<QString>("shown");
    QTest::newRow("slower") << 21.4 << QStringLiteral("+21 %");
    QTest::newRow("faster") << -8.34 << QStringLiteral("\u22128.3 %");
    QTest::newRow("a little") << 0.4 << QStringLiteral("+0.4 %");
    QTest::newRow("nothing") << 0.0 << QStringLiteral("±0.0 %");
    QTest::newRow("rounds to nothing") << -0.04 << QStringLiteral("±0.0 %");
    QTest::newRow("twice") << 100.0 << QStringLiteral("+100 %");
}

void tst_DisplayFormat::changes()
{
    QFETCH(double, percent);
    QFETCH(QString, shown);
    QCOMPARE(DisplayFormat::change(percent), shown);
}

QTEST_GUILESS_MAIN(tst_DisplayFormat)
#include "tst_displayformat.moc"
