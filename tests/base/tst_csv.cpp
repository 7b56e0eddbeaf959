// SPDX-License-Identifier: MIT
// The CSV format of exports: RFC 4180 quoting and numbers written exactly.
#include "base/csv.h"

#include <QtTest>

using namespace Kodemon;

class tst_Csv : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void field_data();
    void field();
    void number_data();
    void number();
    void rowHasFiveColumns();
    void fileNameIsSafe();
};

void tst_Csv::field_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("/srv/app/views.py-fetch") << QByteArray("/srv/app/views.py-fetch");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("\"a\nb\"");
    QTest::newRow("carriage return") << QByteArray("a\rb") << QByteArray("\"a\rb\"");
    QTest::newRow("json") << QByteArray(R"({"a":1,"b":"x"})") << QByteArray(R"("{""a"":1,""b"":""x""}")");
    QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QByteArray("caf\xc3\xa9");
}

void tst_Csv::field()
{
    QFETCH(QByteArray, value);
    QTEST(Csv::field(value), "expected");
}

void tst_Csv::number_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("epoch") << 1413404125.0 << QByteArray("1413404125");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("fraction") << 31.9 << QByteArray("31.9");
    QTest::newRow("tiny") << 0.00095367431640625 << QByteArray("0.00095367431640625");
    QTest::newRow("fractional epoch") << 1413404125.25 << QByteArray("1413404125.25");
    QTest::newRow("negative") << -60.0 << QByteArray("-60");
}

void tst_Csv::number()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(Csv::number(value), expected);
    QCOMPARE(Csv::number(value).toDouble(), value); // exact round trip
}

void tst_Csv::rowHasFiveColumns()
{
    StoredSample sample { 1413404125, 31.9, QStringLiteral("test-token"), QByteArray(R"({"tags":["a","b"]})"), 1 };
    QCOMPARE(Csv::row(QStringLiteral("/srv/my app/v.py-f"), sample),
        QByteArray(R"(1413404125,test-token,/srv/my app/v.py-f,31.9,"{""tags"":[""a"",""b""]}")"
                   "\r\n"));
    QCOMPARE(Csv::header(), QByteArray("timestamp,token,key,execution_time_ms,extra\r\n"));
}

void tst_Csv::fileNameIsSafe()
{
    TimeRange range { 1413404125.0, std::nullopt };
    QCOMPARE(Csv::fileName(QStringLiteral("/srv/app/views.py-fetch latest"), range),
        QStringLiteral("kodemon-views.py-fetch_latest-20141015T201525Z-now.csv"));
    QCOMPARE(Csv::fileName(QStringLiteral("../x/\"; rm -rf"), {}), QStringLiteral("kodemon-_rm_-rf-start-now.csv"));
}

QTEST_GUILESS_MAIN(tst_Csv)
#include "tst_csv.moc"
