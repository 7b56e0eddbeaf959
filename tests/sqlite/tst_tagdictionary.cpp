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
    void repeatedTextsAreTaggedAndCountedAsTheFirst();
    void rememberedTextsAreForgottenPastTheBound();

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

// A text seen before is tagged from memory (the OTLP spans of a service repeat a few): the same ids, failed bit and
// rebuilt extra as the first time, the rows' ids shared, and every call counted, also across flushes.
void tst_TagDictionary::repeatedTextsAreTaggedAndCountedAsTheFirst()
{
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const QByteArray span = R"({"http.route":"/cart","http.status_code":200,"service":"shop"})";
    const QByteArray failed = R"({"error":"timeout","http.route":"/cart"})";
    const QByteArray kept = R"({"args":[1,2],"http.route":"/cart"})";
    const auto first = tag(dictionary, span);
    QVERIFY(first.extraFromTags);
    QVERIFY(first.extra.isEmpty());
    for (int i = 0; i < 5; ++i) {
        const auto again = tag(dictionary, span);
        QCOMPARE(again.tagIds, first.tagIds);
        QVERIFY(again.extraFromTags);
        QVERIFY(again.extra.isEmpty());
        QVERIFY(!again.failed);
        const auto error = tag(dictionary, failed);
        QVERIFY(error.failed);
        QVERIFY(error.extraFromTags);
        QCOMPARE(error.tagIds.size(), 2);
        const auto json = tag(dictionary, kept);
        QVERIFY(!json.extraFromTags);
        QCOMPARE(json.extra, kept); // the JSON stays for what the tags cannot rebuild
        QCOMPARE(json.tagIds, QList<quint32> { first.tagIds[0] });
    }
    const auto none = tag(dictionary, R"({"args":[1]})");
    QVERIFY(none.tagIds.isEmpty());
    QVERIFY(!none.extraFromTags);
    QVERIFY(dictionary.flush().ok());
    tag(dictionary, span); // after a flush the counts go on
    tag(dictionary, span, 2); // another series has its own ids and counts
    QVERIFY(dictionary.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    QCOMPARE(tags->entry(first.tagIds[0])->calls, 7 + 5 + 5); // "/cart": every span, error and kept call
    QCOMPARE(tags->entry(first.tagIds[1])->calls, 7);
    QCOMPARE(tags->json(first.tagIds), span);
    QCOMPARE(SeriesTags::load(db(), 2)->entry(1)->calls, 1);
}

// The memory of texts is bounded over all series; forgetting it loses no count and changes no id, nor does a
// rollback's forget() leave a stale memory behind.
void tst_TagDictionary::rememberedTextsAreForgottenPastTheBound()
{
    TagDictionary dictionary;
    QVERIFY(dictionary.prepare(db()).ok());
    const QByteArray common = R"({"tier":"gold"})";
    const auto first = tag(dictionary, common);
    for (qsizetype i = 0; i < TagDictionary::MaxMemos + 10; ++i) {
        const auto row = tag(dictionary, QByteArray(R"({"args":[)") + QByteArray::number(i) + R"(],"tier":"gold"})",
            1 + i % 3);
        QCOMPARE(row.tagIds, QList<quint32> { 1 });
        QVERIFY(!row.extraFromTags);
        if (i % 1000 == 0)
            QCOMPARE(tag(dictionary, common).tagIds, first.tagIds);
        QVERIFY(dictionary.rememberedTexts() <= TagDictionary::MaxMemos);
    }
    QVERIFY(dictionary.rememberedTexts() < 100); // forgotten once, then a few remembered again
    QCOMPARE(tag(dictionary, common).tagIds, first.tagIds);
    QVERIFY(dictionary.flush().ok());
    const auto tags = SeriesTags::load(db(), 1);
    const qint64 spread = (TagDictionary::MaxMemos + 10 + 2) / 3; // the numbered calls of series 1
    const qint64 commons = 1 + (TagDictionary::MaxMemos + 10 + 999) / 1000 + 1;
    QCOMPARE(tags->entry(first.tagIds[0])->calls, spread + commons);
    // Large texts are forgotten by their bytes long before their number: 60 of 100 KB each pass 4 MiB.
    const QByteArray padding(100 * 1024, 'x');
    for (int i = 0; i < 60; ++i) {
        const auto row = tag(dictionary, R"({"blob":[")" + padding + QByteArray::number(i) + R"("],"tier":"gold"})");
        QCOMPARE(row.tagIds, first.tagIds);
        QVERIFY(dictionary.rememberedBytes() <= TagDictionary::MaxMemoBytes);
    }
    QVERIFY(dictionary.rememberedTexts() < 60);
    QCOMPARE(tag(dictionary, common).tagIds, first.tagIds);
    QVERIFY(dictionary.flush().ok());
    QCOMPARE(SeriesTags::load(db(), 1)->entry(first.tagIds[0])->calls, spread + commons + 61);
    // A rollback voids what was cached: the next tagging reads the table again and agrees with it.
    tag(dictionary, common);
    dictionary.forget();
    QCOMPARE(tag(dictionary, common).tagIds, first.tagIds);
    QVERIFY(dictionary.flush().ok());
    QCOMPARE(SeriesTags::load(db(), 1)->entry(first.tagIds[0])->calls, spread + commons + 61 + 1);
}

QTEST_GUILESS_MAIN(tst_TagDictionary)
#include "tst_tagdictionary.moc"
