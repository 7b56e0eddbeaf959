// SPDX-License-Identifier: MIT
// What the Settings dialog and the upgrade notice say about retention: the policy in words, the oldest call and
// summary, bytes per tier, and the notice only while an upgraded file waits.
#include "displayformat.h"
#include "storagesummary.h"

#include <QtTest>

using namespace Kodemon;

class tst_StorageSummary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void policy_data();
    void policy();
    void whatIsKept();
    void upgradeNotice_data();
    void upgradeNotice();
};

namespace {

constexpr qint64 Day = RetentionPolicy::Day;

} // namespace

void tst_StorageSummary::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void tst_StorageSummary::policy_data()
{
    QTest::addColumn<RetentionPolicy>("policy");
    QTest::addColumn<QString>("firstLine");
    QTest::newRow("the defaults") << RetentionPolicy {}
                                  << QStringLiteral("Keeps every call for 30 days, then per-minute summaries until 1 year.");
    QTest::newRow("everything") << RetentionPolicy { 0, 0, 0 } << QStringLiteral("Keeps every call for ever (no retention).");
    QTest::newRow("summaries for ever") << RetentionPolicy { 7 * Day, 0, 0 }
                                        << QStringLiteral("Keeps every call for 7 days, then per-minute summaries for ever.");
    QTest::newRow("hours") << RetentionPolicy { 12 * 3600, 2 * 365 * Day, 0 }
                           << QStringLiteral("Keeps every call for 12 hours, then per-minute summaries until 2 years.");
    QTest::newRow("only a size") << RetentionPolicy { 0, 0, 5LL * 1024 * 1024 * 1024 }
                                 << QStringLiteral("Keeps every call for ever; past 5.0 GB the oldest calls become "
                                                   "summaries first, then the oldest summaries go.");
}

void tst_StorageSummary::policy()
{
    QFETCH(RetentionPolicy, policy);
    QFETCH(QString, firstLine);
    const QString text = StorageSummary::describe(policy, StorageStatus {});
    QCOMPARE(text.section(QLatin1Char('\n'), 0, 0), firstLine);
    QVERIFY(text.contains(QStringLiteral("No calls kept yet.")));
    QVERIFY(text.endsWith(QStringLiteral("Change with --retention-raw, --retention and --retention-size.")));
}

void tst_StorageSummary::whatIsKept()
{
    StorageStatus status;
    status.oldestCall = 1796600000;
    status.oldestSummary = 1765000000;
    status.callBytes = 3 * 1024 * 1024;
    status.summaryBytes = 512 * 1024;
    status.summarizedCalls = 1234567;
    const QStringList lines = StorageSummary::describe(RetentionPolicy {}, status).split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 5);
    // Dates in the local time zone, as DisplayFormat writes them everywhere in the window.
    QCOMPARE(lines[1], QStringLiteral("Oldest call kept: %1.").arg(DisplayFormat::dateTime(1796600000)));
    QCOMPARE(lines[2],
        QStringLiteral("Oldest summarized minute: %1 (1,234,567 calls kept only as summaries).")
            .arg(DisplayFormat::dateTime(1765000000)));
    QCOMPARE(lines[3], QStringLiteral("On disk: calls 3.0 MB, summaries 512.0 kB."));
}

void tst_StorageSummary::upgradeNotice_data()
{
    QTest::addColumn<RetentionPolicy>("policy");
    QTest::addColumn<std::optional<qint64>>("startsAt");
    QTest::addColumn<double>("now");
    QTest::addColumn<bool>("shown");
    const qint64 start = 1796600000;
    QTest::newRow("an upgraded file, before the start") << RetentionPolicy {} << std::optional<qint64>(start) << double(start - 3600) << true;
    QTest::newRow("the wait is over") << RetentionPolicy {} << std::optional<qint64>(start) << double(start + 1) << false;
    QTest::newRow("a new file: no wait") << RetentionPolicy {} << std::optional<qint64>() << double(start) << false;
    QTest::newRow("keeping everything") << RetentionPolicy { 0, 0, 0 } << std::optional<qint64>(start) << double(start - 3600) << false;
}

void tst_StorageSummary::upgradeNotice()
{
    QFETCH(RetentionPolicy, policy);
    QFETCH(std::optional<qint64>, startsAt);
    QFETCH(double, now);
    QFETCH(bool, shown);
    StorageStatus status;
    status.retentionStartsAt = startsAt;
    const QString notice = StorageSummary::upgradeNotice(policy, status, now);
    QCOMPARE(!notice.isEmpty(), shown);
    if (shown) {
        QVERIFY2(notice.contains(QStringLiteral("From %1").arg(DisplayFormat::dateTime(double(*startsAt)))),
            qPrintable(notice));
        QVERIFY(notice.contains(QStringLiteral("Keeps every call for 30 days")));
        QVERIFY(notice.contains(QStringLiteral("--retention-raw 0 --retention 0")));
    }
}

QTEST_GUILESS_MAIN(tst_StorageSummary)
#include "tst_storagesummary.moc"
