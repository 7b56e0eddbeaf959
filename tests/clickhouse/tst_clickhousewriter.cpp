// SPDX-License-Identifier: MIT
// The ClickHouse writer: the time windows a resent batch announces (data-driven), and on a real server which
// batches are announced: the first one of an origin this writer did not number, retries and resends, never the
// batches after them.
#include "clickhouse/clickhouseclient.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouse/clickhousewriter.h"
#include "clickhouse/rowbinary.h"
#include "clickhouseserver.h"

#include <QtTest>

using namespace Kodemon;

using Windows = QList<QPair<double, double>>;

class tst_ClickHouseWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resentWindows_data();
    void resentWindows();
    void announcesOnlyWhatMayBeStoredTwice();
};

void tst_ClickHouseWriter::resentWindows_data()
{
    QTest::addColumn<QList<double>>("timestamps");
    QTest::addColumn<Windows>("windows");
    QTest::newRow("none") << QList<double> {} << Windows {};
    QTest::newRow("one") << QList<double> { 5 } << Windows { { 5, 5 } };
    QTest::newRow("a minute apart stay one") << QList<double> { 160, 100, 130 } << Windows { { 100, 160 } };
    // A call stamped 0 by a broken clock must not stretch the window over 56 years.
    QTest::newRow("odd timestamp apart") << QList<double> { 1795600000, 0, 1795600010 }
                                         << Windows { { 0, 0 }, { 1795600000, 1795600010 } };
    // Nine gaps of 100 to 900 s: the seven widest split, the two narrowest do not.
    const QList<double> spread { 0, 100, 300, 600, 1000, 1500, 2100, 2800, 3600, 4500 };
    const Windows eight { { 0, 300 }, { 600, 600 }, { 1000, 1000 }, { 1500, 1500 }, { 2100, 2100 }, { 2800, 2800 },
        { 3600, 3600 }, { 4500, 4500 } };
    QTest::newRow("at most eight, at the widest gaps") << spread << eight;
}

void tst_ClickHouseWriter::resentWindows()
{
    QFETCH(QList<double>, timestamps);
    QFETCH(Windows, windows);
    QCOMPARE(Kodemon::resentWindows(timestamps), windows);
}

void tst_ClickHouseWriter::announcesOnlyWhatMayBeStoredTwice()
{
    Kodemon::Test::ClickHouseServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const auto config = server.config(QStringLiteral("announce"));
    ClickHouseStore store(config);
    QVERIFY(store.open().ok());
    ClickHouseClient client(config);
    const auto announced = [&client] {
        auto answer = client.query("SELECT toUInt64(count()) FROM announce.resent FORMAT RowBinary");
        return answer ? RowBinaryReader(*answer).readUInt64() : quint64(-1);
    };
    QList<Sample> samples;
    for (int i = 0; i < 10; ++i)
        samples.append({ QStringLiteral("t"), QStringLiteral("k"), 1795600000.0 + i, 1.0, 0, {} });
    auto writer = store.createWriter();
    // Numbered by the writer itself: nothing could have been stored before.
    QVERIFY(writer->write(samples).ok());
    QCOMPARE(announced(), 0u);
    // Another origin: a spool of an earlier run may have been sent in part. Announced once, its next batch not.
    QVERIFY(writer->writeIdentified({ 9, 1, samples.first(5) }).ok());
    QCOMPARE(announced(), 1u);
    QVERIFY(writer->writeIdentified({ 9, 6, samples.mid(5) }).ok());
    QCOMPARE(announced(), 1u);
    // A retry of what was sent: announced again.
    QVERIFY(writer->writeIdentified({ 9, 4, samples.mid(3) }).ok());
    QCOMPARE(announced(), 2u);
    auto answer = client.query("SELECT first, last FROM announce.resent ORDER BY first FORMAT RowBinary");
    QVERIFY(answer.ok());
    RowBinaryReader reader(*answer);
    QCOMPARE(reader.readFloat64(), 1795600000.0);
    QCOMPARE(reader.readFloat64(), 1795600004.0);
    QCOMPARE(reader.readFloat64(), 1795600003.0);
    QCOMPARE(reader.readFloat64(), 1795600009.0);
}

QTEST_GUILESS_MAIN(tst_ClickHouseWriter)
#include "tst_clickhousewriter.moc"
