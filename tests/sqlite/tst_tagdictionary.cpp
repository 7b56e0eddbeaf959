// SPDX-License-Identifier: MIT
// The tag dictionary: ids for tag values, extras rebuilt byte for byte from them, the cardinality bound, and
// what a later writer (a restart) finds in the table.
#include "sqlite/schema.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/tagdictionary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_TagDictionary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void extrasOfOnlyTagsAreRebuiltExactly_data();
    void extrasOfOnlyTagsAreRebuiltExactly();
    void otherExtrasAreKept_data();
    void otherExtrasAreKept();
    void textThatIsNotUnicodeIsNoTag();
    void sameValueSameId();
    void valuesPastTheLimitShareOneEntry();
    void aLaterDictionaryContinues();

private:
    sqlite3* db() const { return SqliteStatement::handle(m_connection->database()); }
    ChunkRow tag(TagDictionary& dictionary, const QByteArray& extra, qint64 series = 1);
    QTemporaryDir m_dir;
    std::unique_ptr<SqliteConnection> m_connection;
};

void tst_TagDictionary::init()
{
    QFile::remove(m_dir.filePath(QStringLiteral("t.sqlite")));
    auto connection = SqliteConnection::open(m_dir.filePath(QStringLiteral("t.sqlite")));
    QVERIFY(connection.ok());
    m_connection = std::move(connection).value();
    QVERIFY(Schema::migrate(*m_connection).ok());
}

void tst_TagDictionary::cleanup()
{
    m_connection.reset();
}

ChunkRow tst_TagDictionary::tag(TagDictionary& dictionary, const QByteArray& extra, qint64 series)
{
    ChunkRow row { 1, 1, 1, 0, extra, series };
    const auto status = dictionary.tag(series, row);
    if (!status)
        qWarning() << status.error();
    return row;
}

void tst_TagDictionary::extrasOfOnlyTagsAreRebuiltExactly_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::newRow("one string") << QJsonObject { { QStringLiteral("endpoint"), QStringLiteral("/cart") } };
    QTest::newRow("numbers and booleans") << QJsonObject { { QStringLiteral("status"), 200 },
        { QStringLiteral("ratio"), 0.1 }, { QStringLiteral("big"), 1e300 }, { QStringLiteral("neg"), -3.5 },
        { QStringLiteral("cached"), true }, { QStringLiteral("hot"), false } };
    QTest::newRow("escapes") << QJsonObject { { QStringLiteral("q\"uote"), QStringLiteral("back\\slash/ \t\n\r\b\f") },
        { QStringLiteral("ctl"), QStringLiteral("\x01\x1f\x7f") } };
    QTest::newRow("non-ASCII") << QJsonObject { { QStringLiteral("ключ"), QStringLiteral("日本語 🎉 é") } };
    QTest::newRow("error class") << QJsonObject { { QStringLiteral("error"), QStringLiteral("ValueError") },
        { QStringLiteral("project"), QStringLiteral("shop") } };
}

void tst_TagDictionary::extrasOfOnlyTagsAreRebuiltExactly()
{
    QFETCH(QJsonObject, object);
    const QByteArray extra = QJsonDocument(object).toJson(QJsonDocument::Compact);
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const ChunkRow row = tag(dictionary, extra);
    QVERIFY(row.extraFromTags);
    QVERIFY(row.extra.isEmpty());
    QCOMPARE(row.tagIds.size(), object.size());
    QCOMPARE(row.failed, object.contains(QStringLiteral("error")));
    QVERIFY(dictionary.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    QVERIFY(tags.ok());
    QCOMPARE(tags->json(row.tagIds), extra);
}

void tst_TagDictionary::otherExtrasAreKept_data()
{
    QTest::addColumn<QByteArray>("extra");
    QTest::addColumn<int>("tags");
    QTest::addColumn<bool>("failed");
    QTest::newRow("object beside a tag") << QByteArray(R"({"ctx":{"a":1},"tier":"gold"})") << 1 << false;
    QTest::newRow("array") << QByteArray(R"({"ids":[1,2]})") << 0 << false;
    QTest::newRow("null") << QByteArray(R"({"n":null})") << 0 << false;
    QTest::newRow("error object") << QByteArray(R"({"error":{"type":"IOError"}})") << 0 << true;
    QTest::newRow("not Qt's spelling") << QByteArray(R"({"a": 1.50})") << 1 << false;
}

void tst_TagDictionary::otherExtrasAreKept()
{
    QFETCH(QByteArray, extra);
    QFETCH(int, tags);
    QFETCH(bool, failed);
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const ChunkRow row = tag(dictionary, extra);
    QVERIFY(!row.extraFromTags);
    QCOMPARE(row.extra, extra);
    QCOMPARE(row.tagIds.size(), tags);
    QCOMPARE(row.failed, failed);
}

void tst_TagDictionary::textThatIsNotUnicodeIsNoTag()
{
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const QByteArray extra
        = QJsonDocument(QJsonObject { { QStringLiteral("s"), QString(QChar(0xD83D)) }, { QStringLiteral("t"), 1 } })
              .toJson(QJsonDocument::Compact);
    const ChunkRow row = tag(dictionary, extra);
    QCOMPARE(row.tagIds.size(), 1); // only "t"
    QVERIFY(!row.extraFromTags);
    QCOMPARE(row.extra, extra);
}

void tst_TagDictionary::sameValueSameId()
{
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const auto a = tag(dictionary, R"({"tier":"gold"})");
    const auto b = tag(dictionary, R"({"tier":"gold"})");
    const auto c = tag(dictionary, R"({"tier":"silver"})");
    const auto otherSeries = tag(dictionary, R"({"tier":"gold"})", 2);
    const auto number = tag(dictionary, R"({"tier":1})");
    const auto string = tag(dictionary, R"({"tier":"1"})");
    QCOMPARE(a.tagIds, b.tagIds);
    QVERIFY(a.tagIds != c.tagIds);
    QCOMPARE(otherSeries.tagIds, QList<quint32> { 1 }); // ids are per series
    QVERIFY(number.tagIds != string.tagIds); // 1 and "1" are written differently
    QVERIFY(dictionary.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    QCOMPARE(tags->size(), 4);
    QCOMPARE(tags->entry(a.tagIds[0])->calls, 2);
    QCOMPARE(tags->entry(number.tagIds[0])->kind, TagValueKind::Literal);
    QCOMPARE(tags->json(number.tagIds), QByteArray(R"({"tier":1})"));
    QCOMPARE(tags->json(string.tagIds), QByteArray(R"({"tier":"1"})"));
}

void tst_TagDictionary::valuesPastTheLimitShareOneEntry()
{
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    QSet<quint32> ids;
    for (int i = 0; i < TagLimits::MaxValuesPerTag; ++i) {
        const auto row = tag(dictionary, QByteArray(R"({"user":"u)") + QByteArray::number(i) + "\"}");
        QVERIFY(row.extraFromTags);
        ids.insert(row.tagIds[0]);
    }
    QCOMPARE(ids.size(), TagLimits::MaxValuesPerTag);
    QCOMPARE(dictionary.overflowedTags(), 0);
    const auto past = tag(dictionary, R"({"tier":"gold","user":"u-new"})");
    const auto again = tag(dictionary, R"({"user":"u-newer"})");
    QCOMPARE(dictionary.overflowedTags(), 1);
    QCOMPARE(past.tagIds.size(), 2);
    QCOMPARE(past.tagIds[1], again.tagIds[0]); // one "other" entry for every later value
    QVERIFY(!past.extraFromTags); // its value is not in the dictionary: the JSON stays
    QCOMPARE(past.extra, QByteArray(R"({"tier":"gold","user":"u-new"})"));
    const auto known = tag(dictionary, R"({"user":"u7"})");
    QVERIFY(known.extraFromTags); // values indexed before the limit still are
    QVERIFY(dictionary.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    const TagEntry* other = tags->entry(again.tagIds[0]);
    QCOMPARE(other->kind, TagValueKind::Other);
    QCOMPARE(other->calls, 2);
    QCOMPARE(other->name, QStringLiteral("user"));
}

void tst_TagDictionary::aLaterDictionaryContinues()
{
    QList<quint32> first;
    {
        TagDictionary dictionary;
        QVERIFY(dictionary.prepare(db()).ok());
        first = tag(dictionary, R"({"endpoint":"/cart","tier":"gold"})").tagIds;
        QVERIFY(dictionary.flush().ok());
    }
    TagDictionary later;
    QVERIFY(later.prepare(db()).ok());
    QCOMPARE(tag(later, R"({"endpoint":"/cart","tier":"gold"})").tagIds, first);
    const auto added = tag(later, R"({"endpoint":"/home"})");
    QCOMPARE(added.tagIds, QList<quint32> { 3 });
    QVERIFY(later.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    QCOMPARE(tags->entry(first[0])->calls, 2);
    QCOMPARE(tags->entry(3)->value, QStringLiteral("/home"));
}

QTEST_GUILESS_MAIN(tst_TagDictionary)
#include "tst_tagdictionary.moc"
