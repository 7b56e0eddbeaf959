// SPDX-License-Identifier: MIT
// Which extra members are tags and when a call failed: the definitions every query, filter and protocol shares.
#include "base/calltags.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

Q_DECLARE_METATYPE(QList<Kodemon::Tag>)

class tst_CallTags : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsTags_data();
    void readsTags();
    void failedCalls_data();
    void failedCalls();
    void agreesWithQtOnEveryStringQtWrites();
};

namespace {

QList<Tag> tags(std::initializer_list<std::pair<const char*, const char*>> list)
{
    QList<Tag> out;
    for (const auto& [name, value] : list)
        out.append({ QString::fromUtf8(name), QString::fromUtf8(value) });
    return out;
}

} // namespace

void tst_CallTags::readsTags_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<QList<Tag>>("expected");
    QTest::addColumn<bool>("failed");
    QTest::newRow("none") << QByteArray() << QList<Tag>() << false;
    QTest::newRow("empty object") << QByteArray("{}") << QList<Tag>() << false;
    QTest::newRow("string") << QByteArray(R"({"endpoint":"/cart"})") << tags({ { "endpoint", "/cart" } }) << false;
    QTest::newRow("number and bool") << QByteArray(R"({"status":200,"ratio":1.5,"cached":true,"hot":false})")
                                     << tags({ { "status", "200" }, { "ratio", "1.5" }, { "cached", "true" },
                                            { "hot", "false" } })
                                     << false;
    QTest::newRow("objects, arrays and null are not tags")
        << QByteArray(R"({"a":{"b":1},"c":[1,2],"d":null,"e":"x"})") << tags({ { "e", "x" } }) << false;
    QTest::newRow("escapes and non-ASCII") << QByteArray(R"({"na\"me":"a\\b\u00e9 ü/\n"})")
                                           << tags({ { "na\"me", "a\\bé ü/\n" } }) << false;
    QTest::newRow("error class") << QByteArray(R"({"project":"shop","error":"ValueError"})")
                                 << tags({ { "project", "shop" }, { "error", "ValueError" } }) << true;
    QTest::newRow("error true") << QByteArray(R"({"error":true})") << tags({ { "error", "true" } }) << true;
    QTest::newRow("error false is no failure") << QByteArray(R"({"error":false})") << tags({ { "error", "false" } })
                                               << false;
    QTest::newRow("error null is no failure") << QByteArray(R"({"error":null})") << QList<Tag>() << false;
    QTest::newRow("error object is a failure") << QByteArray(R"({"error":{"type":"IOError"}})") << QList<Tag>()
                                               << true;
    QTest::newRow("malformed") << QByteArray(R"({"a":"b")") << QList<Tag>() << false;
    QTest::newRow("not an object") << QByteArray(R"(["a"])") << QList<Tag>() << false;
}

void tst_CallTags::readsTags()
{
    QFETCH(QByteArray, extra);
    QFETCH(QList<Tag>, expected);
    QFETCH(bool, failed);
    const CallTags read = readCallTags(extra);
    QCOMPARE(read.tags.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(read.tags[i].name, expected[i].name);
        QCOMPARE(read.tags[i].value, expected[i].value);
    }
    QCOMPARE(read.failed, failed);
    QCOMPARE(isFailedCall(extra), failed);
}

void tst_CallTags::failedCalls_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<bool>("failed");
    QTest::newRow("a member named like it") << QByteArray(R"({"errors":"x","kind":"error"})") << false;
    QTest::newRow("nested error") << QByteArray(R"({"ctx":{"error":"x"}})") << false;
    QTest::newRow("empty string") << QByteArray(R"({"error":""})") << true;
    QTest::newRow("zero") << QByteArray(R"({"error":0})") << true;
}

void tst_CallTags::failedCalls()
{
    QFETCH(QByteArray, extra);
    QFETCH(bool, failed);
    QCOMPARE(isFailedCall(extra), failed);
    QCOMPARE(readCallTags(extra).failed, failed);
}

// Kodemon stores extra fields as QJsonDocument writes them: every string Qt writes must read back as Qt reads it.
void tst_CallTags::agreesWithQtOnEveryStringQtWrites()
{
    const QString strings[] = { QStringLiteral("plain"), QStringLiteral("tab\tnew\nline"), QStringLiteral("\x01\x1f"),
        QStringLiteral("quote\" back\\ slash/"), QStringLiteral("日本語 ✓ 🎉") };
    for (const QString& value : strings) {
        const QByteArray extra = QJsonDocument(QJsonObject { { value, value } }).toJson(QJsonDocument::Compact);
        const CallTags read = readCallTags(extra);
        const QString qtRead = QJsonDocument::fromJson(extra).object().value(value).toString();
        QCOMPARE(read.tags.size(), 1);
        QCOMPARE(read.tags[0].value, qtRead);
        QCOMPARE(read.tags[0].name, QJsonDocument::fromJson(extra).object().keys().value(0));
    }
    // A lone surrogate is not Unicode: such a member is kept with the call but is no tag.
    const QString lone(QChar(0xD800));
    const QByteArray extra = QJsonDocument(QJsonObject { { QStringLiteral("s"), lone } }).toJson(QJsonDocument::Compact);
    QVERIFY(readCallTags(extra).tags.isEmpty());
}

QTEST_GUILESS_MAIN(tst_CallTags)
#include "tst_calltags.moc"
