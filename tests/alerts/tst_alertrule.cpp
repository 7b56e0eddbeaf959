// SPDX-License-Identifier: MIT
// The pieces of a rule: durations as people write them, key patterns, values and links as notifications show
// them.
#include "alerts/alertrule.h"
#include "alerts/alertsnapshot.h"

#include <QtTest>
#include <QUrlQuery>

using namespace Kodemon;

class tst_AlertRule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void durations_data();
    void durations();
    void durationFormat_data();
    void durationFormat();
    void patterns_data();
    void patterns();
    void values_data();
    void values();
    void linkOpensTheWebPageAtThatTime();
};

void tst_AlertRule::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("seconds"); // -1: refused
    QTest::newRow("ms") << "500ms" << 0.5;
    QTest::newRow("s") << "30s" << 30.0;
    QTest::newRow("spaced") << " 5 m " << 300.0;
    QTest::newRow("fraction") << "1.5h" << 5400.0;
    QTest::newRow("day") << "1d" << 86400.0;
    QTest::newRow("week") << "2w" << 1209600.0;
    QTest::newRow("plain seconds") << "45" << 45.0;
    QTest::newRow("zero") << "0s" << 0.0;
    QTest::newRow("negative") << "-5s" << -1.0;
    QTest::newRow("unknown unit") << "5y" << -1.0;
    QTest::newRow("words") << "five minutes" << -1.0;
    QTest::newRow("empty") << "" << -1.0;
    QTest::newRow("huge") << "99999999999w" << -1.0;
}

void tst_AlertRule::durations()
{
    QFETCH(QString, text);
    QFETCH(double, seconds);
    const auto parsed = parseRuleDuration(text);
    if (seconds < 0) {
        QVERIFY(!parsed);
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(*parsed, seconds);
}

void tst_AlertRule::durationFormat_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << 0.0 << "0s";
    QTest::newRow("half second") << 0.5 << "500ms";
    QTest::newRow("90s") << 90.0 << "90s";
    QTest::newRow("5m") << 300.0 << "5m";
    QTest::newRow("1h") << 3600.0 << "1h";
    QTest::newRow("1w") << 604800.0 << "1w";
    QTest::newRow("36h") << 129600.0 << "36h";
    QTest::newRow("odd") << 0.0005 << "0.0005s";
}

void tst_AlertRule::durationFormat()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(seconds), text);
    QCOMPARE(*parseRuleDuration(text), seconds);
}

void tst_AlertRule::patterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("matches");
    QTest::newRow("star crosses folders") << "/srv/shop/*" << "/srv/shop/api/v2/views.py-fetch" << true;
    QTest::newRow("prefix only") << "/srv/shop/*" << "/srv/shopping/views.py-f" << false;
    QTest::newRow("suffix") << "*-checkout" << "/srv/shop/views.py-checkout" << true;
    QTest::newRow("middle") << "/srv/*/views.py-*" << "/srv/a b/views.py-fetch" << true;
    QTest::newRow("question mark") << "/srv/v?.py-f" << "/srv/v2.py-f" << true;
    QTest::newRow("question mark needs one") << "/srv/v?.py-f" << "/srv/v.py-f" << false;
    QTest::newRow("literal") << "/srv/app.py-f" << "/srv/app.py-f" << true;
    QTest::newRow("literal differs") << "/srv/app.py-f" << "/srv/app.py-g" << false;
    QTest::newRow("stars only") << "**" << "" << true;
    QTest::newRow("non-ASCII") << "/home/jörg/*" << "/home/jörg/app.py-ünïcode" << true;
    QTest::newRow("backtracking") << "*a*a*a*a*b" << QString(200, u'a') << false;
}

void tst_AlertRule::patterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, key);
    QFETCH(bool, matches);
    AlertRule rule;
    rule.function = pattern;
    rule.pattern = true;
    QCOMPARE(rule.matchesKey(key), matches);
}

void tst_AlertRule::values_data()
{
    QTest::addColumn<int>("statistic");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("ms") << int(AlertStatistic::P95) << 42.123 << "42.1 ms";
    QTest::newRow("big ms") << int(AlertStatistic::Max) << 12345.6 << "12346 ms";
    QTest::newRow("percent") << int(AlertStatistic::ErrorRate) << 10.0 << "10%";
    QTest::newRow("calls") << int(AlertStatistic::CallsPerMinute) << 3.0 << "3";
}

void tst_AlertRule::values()
{
    QFETCH(int, statistic);
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(formatAlertValue(AlertStatistic(statistic), value), text);
}

void tst_AlertRule::linkOpensTheWebPageAtThatTime()
{
    const KeyId series { QStringLiteral("my shop"), QStringLiteral("/home/me/My Project/app.py-c++ handler") };
    const QString link = alertLink(QStringLiteral("http://127.0.0.1:4000/#old"), series, 1795608000.5);
    QVERIFY(link.startsWith(QStringLiteral("http://127.0.0.1:4000/#key=")));
    QVERIFY(!link.contains(u' '));
    // The web page reads its hash with URLSearchParams, which decodes "+" as a space.
    const QString hash = link.section(u'#', 1);
    QUrlQuery query(hash);
    const auto value = [&](const char* name) {
        return query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded).replace(u'+', u' ');
    };
    QCOMPARE(QUrl::fromPercentEncoding(hash.section(u'&', 0, 0).mid(4).replace(u'+', u' ').toUtf8()), series.key);
    QCOMPARE(value("token"), QStringLiteral("my shop"));
    QCOMPARE(value("from").toLongLong(), 1795608000LL - 1800);
    QCOMPARE(value("to").toLongLong(), 1795608000LL + 600);
}

QTEST_GUILESS_MAIN(tst_AlertRule)
#include "tst_alertrule.moc"
