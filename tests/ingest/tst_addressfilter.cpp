// SPDX-License-Identifier: MIT
// --udp-allow: which senders a list of addresses and ranges lets in.
#include "ingest/addressfilter.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Kodemon;

class tst_AddressFilter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void allows_data();
    void allows();
    void rejectsBadLists_data();
    void rejectsBadLists();
    void emptyListAllowsEveryone();
    void rawSendersGetTheSameAnswers();
    void senderAddressRoundTrips_data();
    void senderAddressRoundTrips();
};

namespace {

// What allows() did before it read raw addresses: the answer the raw comparison must keep giving.
bool allowedByQHostAddress(const QString& list, const QHostAddress& sender)
{
    bool isMapped = false;
    const quint32 ipv4 = sender.toIPv4Address(&isMapped);
    const QHostAddress plain = isMapped ? QHostAddress(ipv4) : sender;
    for (const auto entry : QStringView(list).split(u',', Qt::SkipEmptyParts)) {
        const QString text = entry.trimmed().toString();
        auto range
            = text.contains(u'/') ? QHostAddress::parseSubnet(text) : QPair<QHostAddress, int>(QHostAddress(text), -1);
        if (range.second < 0)
            range.second = range.first.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32;
        if (plain.isInSubnet(range))
            return true;
    }
    return false;
}

QHostAddress randomAddress(QRandomGenerator& random)
{
    Q_IPV6ADDR bytes {};
    for (auto& byte : bytes.c)
        byte = quint8(random.bounded(256));
    switch (random.bounded(6)) {
    case 0:
        return QHostAddress(random.generate());
    case 1: // 10.x, to land inside the ranges now and then
        return QHostAddress((10u << 24) | random.bounded(1u << 24));
    case 2: // IPv4-mapped, as a dual-stack socket reports IPv4 senders
        std::fill(bytes.c, bytes.c + 10, 0);
        bytes.c[10] = bytes.c[11] = 0xff;
        bytes.c[12] = quint8(random.bounded(2) ? 10 : 192);
        return QHostAddress(bytes);
    case 3: // under fd00::/8 and fe80::/10
        bytes.c[0] = quint8(random.bounded(2) ? 0xfd : 0xfe);
        bytes.c[1] = quint8(0x80 | random.bounded(0x80));
        return QHostAddress(bytes);
    case 4: // ::, ::1 and the IPv4-compatible ::a.b.c.d
        std::fill(bytes.c, bytes.c + 15, 0);
        bytes.c[15] = quint8(random.bounded(3));
        return QHostAddress(bytes);
    default:
        return QHostAddress(bytes);
    }
}

} // namespace

void tst_AddressFilter::allows_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<QString>("sender");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("exact ipv4") << "127.0.0.1"
                                << "127.0.0.1" << true;
    QTest::newRow("other ipv4") << "127.0.0.1"
                                << "127.0.0.2" << false;
    QTest::newRow("in /8") << "10.0.0.0/8"
                           << "10.200.3.4" << true;
    QTest::newRow("outside /8") << "10.0.0.0/8"
                                << "11.0.0.1" << false;
    QTest::newRow("second entry") << "10.0.0.0/8, 192.168.1.0/24"
                                  << "192.168.1.77" << true;
    QTest::newRow("/24 edge") << "192.168.1.0/24"
                              << "192.168.2.0" << false;
    QTest::newRow("mapped ipv4 sender") << "10.0.0.0/8"
                                        << "::ffff:10.1.2.3" << true;
    QTest::newRow("ipv6 loopback") << "::1"
                                   << "::1" << true;
    QTest::newRow("ipv6 range") << "fd00::/8"
                                << "fd12:3456::1" << true;
    QTest::newRow("ipv6 outside") << "fd00::/8"
                                  << "fe80::1" << false;
    QTest::newRow("ipv4 list, ipv6 sender") << "127.0.0.1"
                                            << "::1" << false;
}

void tst_AddressFilter::allows()
{
    QFETCH(QString, list);
    QFETCH(QString, sender);
    QFETCH(bool, allowed);
    const auto filter = AddressFilter::parse(list);
    QVERIFY2(filter.ok(), filter.ok() ? "" : qPrintable(filter.error()));
    QCOMPARE(filter->allows(QHostAddress(sender)), allowed);
}

void tst_AddressFilter::rejectsBadLists_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<QString>("culprit");
    QTest::newRow("hostname") << "localhost"
                              << "localhost";
    QTest::newRow("bad octet") << "10.0.0.256"
                               << "10.0.0.256";
    QTest::newRow("bad prefix") << "10.0.0.0/33"
                                << "10.0.0.0/33";
    QTest::newRow("garbage in the middle") << "127.0.0.1,nope,10.0.0.0/8"
                                           << "nope";
}

void tst_AddressFilter::rejectsBadLists()
{
    QFETCH(QString, list);
    QFETCH(QString, culprit);
    const auto filter = AddressFilter::parse(list);
    QVERIFY(!filter.ok());
    QVERIFY2(filter.error().contains(culprit), qPrintable(filter.error()));
}

void tst_AddressFilter::emptyListAllowsEveryone()
{
    const auto filter = AddressFilter::parse(u"");
    QVERIFY(filter.ok());
    QVERIFY(filter->allowsEveryone());
    QVERIFY(filter->allows(QHostAddress(QStringLiteral("203.0.113.9"))));
}

void tst_AddressFilter::rawSendersGetTheSameAnswers()
{
    const QStringList lists = { QStringLiteral("10.0.0.0/8"), QStringLiteral("192.168.1.0/24,127.0.0.1"),
        QStringLiteral("0.0.0.0/0"), QStringLiteral("10.128.0.0/9,fd00::/8"), QStringLiteral("fe80::/10,::1"),
        QStringLiteral("::/0"), QStringLiteral("::ffff:10.0.0.0/104"), QStringLiteral("10.1.2.3/13,fd12:3456::/33"),
        QStringLiteral("0.0.0.0") };
    QRandomGenerator random(5);
    int allowed = 0;
    for (const auto& list : lists) {
        const auto filter = AddressFilter::parse(list);
        QVERIFY(filter.ok());
        for (int i = 0; i < 5000; ++i) {
            const QHostAddress sender = randomAddress(random);
            const bool expected = allowedByQHostAddress(list, sender);
            QVERIFY2(filter->allows(SenderAddress::fromHostAddress(sender)) == expected,
                qPrintable(list + QLatin1String(" / ") + sender.toString()));
            QCOMPARE(filter->allows(sender), expected);
            allowed += expected ? 1 : 0;
        }
    }
    QVERIFY(allowed > 5000); // the addresses did land inside the ranges, not only outside
}

void tst_AddressFilter::senderAddressRoundTrips_data()
{
    QTest::addColumn<QString>("address");
    for (const char* address :
        { "127.0.0.1", "203.0.113.9", "0.0.0.0", "::1", "::ffff:10.1.2.3", "fe80::1%eth0", "2001:db8::42" })
        QTest::newRow(address) << QString::fromLatin1(address);
}

void tst_AddressFilter::senderAddressRoundTrips()
{
    // Log lines name the sender: what comes back must be what QHostAddress said.
    QFETCH(QString, address);
    const QHostAddress original(address);
    const QHostAddress back = SenderAddress::fromHostAddress(original).toHostAddress();
    QCOMPARE(back.toString(), original.toString());
    QCOMPARE(back.protocol(), original.protocol());
}

QTEST_GUILESS_MAIN(tst_AddressFilter)
#include "tst_addressfilter.moc"
