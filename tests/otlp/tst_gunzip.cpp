// SPDX-License-Identifier: MIT
// gzip bodies: what gzip(1) and zlib write comes back exactly, several members are one stream, and bombs, truncated
// and corrupt data are refused with their reason before the memory fills.
#include "otlp/gunzip.h"

#include <QProcess>
#include <QtTest>
#include <zlib.h>

using namespace Kodemon;

class tst_Gunzip : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrips_data();
    void roundTrips();
    void concatenatedMembers();
    void limits();
    void badData_data();
    void badData();
};

namespace {

QByteArray gzipped(const QByteArray& data, int level = Z_DEFAULT_COMPRESSION)
{
    z_stream z {};
    deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(data.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    quint32 state = 7;
    for (auto& c : out) {
        state = state * 1664525u + 1013904223u;
        c = char(state >> 24);
    }
    return out;
}

} // namespace

void tst_Gunzip::roundTrips_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("text") << QByteArray("{\"resourceSpans\":[]}");
    QTest::newRow("repetitive 1 MiB") << QByteArray(1024 * 1024, 'x');
    QTest::newRow("random 300 KiB") << randomBytes(300 * 1024);
}

void tst_Gunzip::roundTrips()
{
    QFETCH(QByteArray, data);
    for (int level : { 1, 9 }) {
        const Gunzipped out = gunzip(gzipped(data, level), 2 * 1024 * 1024);
        QCOMPARE(out.outcome, Gunzipped::Outcome::Ok);
        QCOMPARE(out.data, data);
    }
}

void tst_Gunzip::concatenatedMembers()
{
    const Gunzipped out = gunzip(QByteArray(gzipped("hello ") + gzipped("world")), 100);
    QCOMPARE(out.outcome, Gunzipped::Outcome::Ok);
    QCOMPARE(out.data, QByteArray("hello world"));
}

void tst_Gunzip::limits()
{
    const QByteArray data(100000, 'a');
    QCOMPARE(gunzip(gzipped(data), 100000).outcome, Gunzipped::Outcome::Ok);
    const Gunzipped over = gunzip(gzipped(data), 99999);
    QCOMPARE(over.outcome, Gunzipped::Outcome::TooLarge);
    QVERIFY(over.data.isEmpty());
    QVERIFY(over.error.contains(QStringLiteral("larger than 99999 bytes")));
    // A bomb: 64 MiB of zeros in about 64 KiB, refused at 1 MiB.
    const Gunzipped bomb = gunzip(gzipped(QByteArray(64 * 1024 * 1024, '\0'), 9), 1024 * 1024);
    QCOMPARE(bomb.outcome, Gunzipped::Outcome::TooLarge);
}

void tst_Gunzip::badData_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("says");
    const QByteArray good = gzipped("some text that is long enough to be cut somewhere in the middle");
    QTest::newRow("not gzip") << QByteArray("plain text, not gzip") << "corrupt";
    QTest::newRow("zlib, not gzip") << qCompress(QByteArray("x")).sliced(4) << "corrupt";
    QTest::newRow("truncated") << good.first(good.size() / 2) << "truncated";
    QTest::newRow("no trailer") << good.first(good.size() - 4) << "truncated";
    QTest::newRow("bad checksum") << QByteArray(good).replace(good.size() - 6, 1, "\x7f") << "corrupt";
    QTest::newRow("empty input") << QByteArray() << "truncated";
    QTest::newRow("garbage after a member") << QByteArray(good + "garbage") << "corrupt";
}

void tst_Gunzip::badData()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, says);
    const Gunzipped out = gunzip(data, 1024 * 1024);
    QCOMPARE(out.outcome, Gunzipped::Outcome::Corrupt);
    QVERIFY2(out.error.contains(says), qPrintable(out.error));
}

QTEST_GUILESS_MAIN(tst_Gunzip)
#include "tst_gunzip.moc"
