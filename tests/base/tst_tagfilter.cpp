// SPDX-License-Identifier: MIT
// The one text form of tag filters (API, filter bar, command line) and what each filter selects.
#include "base/tagfilter.h"

#include <QtTest>

using namespace Kodemon;

class tst_TagFilter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void matches_data();
    void matches();
    void outcomes();
};

void tst_TagFilter::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("op");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("equals") << "endpoint:/cart" << int(TagFilter::Op::Equals) << "endpoint" << "/cart";
    QTest::newRow("not equals") << "tier!:gold" << int(TagFilter::Op::NotEquals) << "tier" << "gold";
    QTest::newRow("present") << "error" << int(TagFilter::Op::Present) << "error" << "";
    QTest::newRow("absent") << "!error" << int(TagFilter::Op::Absent) << "error" << "";
    QTest::newRow("empty value") << "region:" << int(TagFilter::Op::Equals) << "region" << "";
    QTest::newRow("value with colons and bangs") << "url:http://x/!a:b" << int(TagFilter::Op::Equals) << "url"
                                                 << "http://x/!a:b";
    QTest::newRow("escaped colon in name") << "a\\:b:1" << int(TagFilter::Op::Equals) << "a:b" << "1";
    QTest::newRow("escaped bang ends name") << "wow\\!:yes" << int(TagFilter::Op::Equals) << "wow!" << "yes";
    QTest::newRow("escaped leading bang") << "\\!x" << int(TagFilter::Op::Present) << "!x" << "";
    QTest::newRow("escaped backslash") << "a\\\\b!:c" << int(TagFilter::Op::NotEquals) << "a\\b" << "c";
    QTest::newRow("spaces and non-ASCII") << "my tag:värde med mellanslag + plus" << int(TagFilter::Op::Equals)
                                          << "my tag" << "värde med mellanslag + plus";
}

void tst_TagFilter::parses()
{
    QFETCH(QString, text);
    QFETCH(int, op);
    QFETCH(QString, name);
    QFETCH(QString, value);
    const auto filter = parseTagFilter(text);
    QVERIFY2(filter.ok(), filter.ok() ? "" : qPrintable(filter.error()));
    QCOMPARE(int(filter->op), op);
    QCOMPARE(filter->name, name);
    QCOMPARE(filter->value, value);
    // What is written reads back as the same filter.
    const auto again = parseTagFilter(formatTagFilter(*filter));
    QVERIFY(again.ok());
    QVERIFY(*again == *filter);
}

void tst_TagFilter::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("only a bang") << "!";
    QTest::newRow("no name") << ":value";
    QTest::newRow("absent with a value") << "!tier:gold";
    QTest::newRow("dangling backslash") << "abc\\";
    QTest::newRow("unknown escape") << "a\\nb:1";
    QTest::newRow("not equals without name") << "!:x";
}

void tst_TagFilter::refuses()
{
    QFETCH(QString, text);
    const auto filter = parseTagFilter(text);
    QVERIFY(!filter.ok());
    QCOMPARE(filter.errorKind(), ErrorKind::Invalid);
    QVERIFY(!filter.error().isEmpty());
}

void tst_TagFilter::matches_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<bool>("matches");
    const QByteArray cart = R"({"endpoint":"/cart","status":200})";
    QTest::newRow("equal") << "endpoint:/cart" << cart << true;
    QTest::newRow("other value") << "endpoint:/home" << cart << false;
    QTest::newRow("number as text") << "status:200" << cart << true;
    QTest::newRow("absent tag is not equal") << "tier:gold" << cart << false;
    QTest::newRow("not equal, other value") << "endpoint!:/home" << cart << true;
    QTest::newRow("not equal, same value") << "endpoint!:/cart" << cart << false;
    QTest::newRow("not equal, absent") << "tier!:gold" << cart << true;
    QTest::newRow("present") << "status" << cart << true;
    QTest::newRow("absent") << "!error" << cart << true;
    QTest::newRow("absent, but present") << "!status" << cart << false;
    QTest::newRow("nothing extra, absent") << "!tier" << QByteArray() << true;
    QTest::newRow("nothing extra, equal") << "tier:gold" << QByteArray() << false;
    QTest::newRow("objects are not tags") << "ctx" << QByteArray(R"({"ctx":{"a":1}})") << false;
}

void tst_TagFilter::matches()
{
    QFETCH(QString, filter);
    QFETCH(QByteArray, extra);
    QFETCH(bool, matches);
    const auto parsed = parseTagFilter(filter);
    QVERIFY(parsed.ok());
    QCOMPARE(tagFilterMatches(*parsed, readCallTags(extra)), matches);
}

void tst_TagFilter::outcomes()
{
    const CallTags failed = readCallTags(R"({"error":"ValueError","tier":"gold"})");
    const CallTags fine = readCallTags(R"({"tier":"gold"})");
    const QList<TagFilter> gold { *parseTagFilter(QStringLiteral("tier:gold")) };
    QVERIFY(callMatches(gold, CallOutcome::All, failed));
    QVERIFY(callMatches(gold, CallOutcome::Failed, failed));
    QVERIFY(!callMatches(gold, CallOutcome::Succeeded, failed));
    QVERIFY(callMatches(gold, CallOutcome::Succeeded, fine));
    QVERIFY(!callMatches(gold, CallOutcome::Failed, fine));
    QVERIFY(callMatches({}, CallOutcome::All, CallTags {}));
    for (const CallOutcome outcome : { CallOutcome::All, CallOutcome::Succeeded, CallOutcome::Failed })
        QCOMPARE(parseOutcome(outcomeName(outcome)), outcome);
    QCOMPARE(parseOutcome(QStringLiteral("ok")), CallOutcome::Succeeded);
    QVERIFY(!parseOutcome(QStringLiteral("broken")));
}

QTEST_GUILESS_MAIN(tst_TagFilter)
#include "tst_tagfilter.moc"
