// SPDX-License-Identifier: MIT
// --udp-allow: which senders a list of addresses and ranges lets in.
#include "addressfilter.h"

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
};

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

QTEST_GUILESS_MAIN(tst_AddressFilter)
#include "tst_addressfilter.moc"
