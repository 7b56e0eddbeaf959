// SPDX-License-Identifier: MIT
#pragma once

#include "base/calltags.h"
#include "base/result.h"
#include "sqlite/chunkview.h"
#include "sqlite/sqlitestatement.h"

#include <QHash>
#include <QList>
#include <unordered_map>

namespace Kodemon {

// How a dictionary entry's value was written in the call's JSON, so that the extra fields can be rebuilt exactly.
enum class TagValueKind : quint8 {
    String = 0, // a JSON string
    Literal = 1, // a number, true or false, written as is
    Other = 2, // the entry of every value of a tag past TagLimits::MaxValuesPerTag: the value is not kept here
};

namespace TagLimits {
// At most this many distinct values of one tag get an id in one series: a careless `user_id` tag must not turn the
// dictionary into a copy of the calls. Later values share the tag's "other" entry (their calls keep their JSON,
// so filters still find them by reading it).
inline constexpr int MaxValuesPerTag = 1000;
} // namespace TagLimits

// One entry of a series' tag dictionary (the `tags` table): id 1, 2, ... within the series.
struct TagEntry
{
    QString name;
    QString value; // empty for TagValueKind::Other
    TagValueKind kind = TagValueKind::String;
    qint64 calls = 0; // calls stored with it, all time
};

// The dictionary of one series as readers use it: entries by id, and the JSON of a call rebuilt from its ids.
class SeriesTags final
{
public:
    // Reads the series' entries; an empty dictionary when it has none.
    static Result<SeriesTags> load(sqlite3* db, qint64 seriesId);

    const TagEntry* entry(quint32 id) const;
    qsizetype size() const { return m_entries.size(); }
    const QList<TagEntry>& entries() const { return m_entries; } // index = id - 1
    // The extra fields of a call whose JSON was not stored (ChunkRow::extraFromTags).
    QByteArray json(const QList<quint32>& ids) const;

private:
    QList<TagEntry> m_entries;
};

// The JSON object QJsonDocument writes (compact) for these members, values written as their kind says; used to
// check whether a call's extra fields are exactly its tags.
QByteArray tagsJson(const QList<const TagEntry*>& members);

// The writer's side of the `tags` table: gives each call's tags their ids (adding entries as new values arrive,
// up to TagLimits::MaxValuesPerTag per tag and series), counts calls per entry and writes both at flush(), inside
// the writer's transaction. Used by one thread.
// A text of extra fields seen before in the series is tagged from memory: OTLP spans of one service repeat a few
// sets of attributes (resource, scope, route, status) in every span, and reading, looking up and rebuilding their
// ten tags cost the writer most of its time a span (perf: readCallTags, QHash lookups, tagsJson).
class TagDictionary final
{
public:
    Status prepare(sqlite3* db);
    // Fills row.tagIds, row.failed and row.extraFromTags from row.extra for a call of `seriesId`.
    Status tag(qint64 seriesId, ChunkRow& row);
    // Takes back the calls of deleted or expired rows from the entries' call counts (written at flush()).
    Status release(qint64 seriesId, const QList<quint32>& ids);
    // Writes new entries and call counts (in the caller's transaction).
    Status flush();
    // After a rollback: everything cached may be void.
    void forget();
    // (series, tag) pairs that reached TagLimits::MaxValuesPerTag since this dictionary was made.
    qint64 overflowedTags() const { return m_overflowed; }

    // At most this many distinct extra texts, and this many bytes of them, are remembered with their tagging over
    // all series (16,384 texts take about 4 MB at the OTLP benchmark's 160 bytes a span); past either every one is
    // forgotten and tagging starts afresh. The bytes bound keeps large unique texts (a decorator's keyword
    // arguments may be kilobytes) from holding memory that the ingest memory bound does not count.
    static constexpr qsizetype MaxMemos = 16384;
    static constexpr qsizetype MaxMemoBytes = 4 << 20;
    qsizetype rememberedTexts() const { return m_memoCount; }
    qsizetype rememberedBytes() const { return m_memoBytes; }

private:
    struct Values
    {
        QHash<QString, quint32> strings;
        QHash<QString, quint32> literals;
        quint32 other = 0;
        int distinct = 0;
    };
    // How one extra text was tagged in a series. The ids of a text never change while the dictionary is cached:
    // entries are only added, and a value past the limit stays "other".
    struct Memo
    {
        QList<quint32> ids; // shared with the rows tagged by it
        bool failed = false;
        bool extraFromTags = false;
        qint64 calls = 0; // calls tagged by it since the last flush, not yet in `added`
    };
    struct Series
    {
        bool loaded = false;
        quint32 nextId = 1;
        QHash<QString, Values> byName;
        QList<TagEntry> entries; // index = id - 1
        QHash<quint32, qint64> added; // calls per id since the last flush
        QList<quint32> created; // ids not yet in the table
        bool dirty = false; // tagged since the last flush
        QHash<QByteArray, qsizetype> memoByExtra; // into memos
        QList<Memo> memos;
        QList<qsizetype> counted; // memos whose calls are not yet in `added`
    };
    Result<Series*> series(qint64 seriesId);
    quint32 idFor(Series& series, const Tag& tag, TagValueKind kind);
    Memo tagAnew(Series& series, const QByteArray& extra);
    void markDirty(qint64 seriesId, Series& series);
    void countMemo(Series& series, qsizetype memo);
    static void foldMemoCalls(Series& series);
    void dropMemos();

    sqlite3* m_db = nullptr;
    SqliteStatement m_load;
    SqliteStatement m_insert;
    SqliteStatement m_count;
    std::unordered_map<qint64, Series> m_series;
    QList<qint64> m_dirty;
    qint64 m_overflowed = 0;
    qsizetype m_memoCount = 0;
    qsizetype m_memoBytes = 0; // the remembered texts' allocations and their entries, roughly
};

} // namespace Kodemon
