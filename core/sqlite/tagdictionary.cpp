// SPDX-License-Identifier: MIT
#include "sqlite/tagdictionary.h"

#include "base/logging.h"

#include <algorithm>
#include <sqlite3.h>
#include <string>

namespace Kodemon {

namespace {

// What a remembered text costs beside its bytes: the hash node, the memo and its id list (an estimate).
constexpr qsizetype MemoOverheadBytes = 128;

char hexDigit(uint value)
{
    return char(value < 10 ? '0' + value : 'a' + value - 10);
}

void appendEscape(QByteArray& out, char16_t unit)
{
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
        out += hexDigit((unit >> shift) & 0xf);
}

// A JSON string as QJsonDocument writes it: the short escapes, \u00XX for other control characters, UTF-8 for the
// rest, \uXXXX for a lone surrogate.
void appendJsonString(QByteArray& out, QStringView text)
{
    out += '"';
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text[i].unicode();
        if (unit >= 0x20 && unit < 0x80 && unit != '"' && unit != '\\') {
            out += char(unit);
            continue;
        }
        if (unit < 0x80) {
            static constexpr char16_t Short[] = u"\"\\\b\f\n\r\t";
            static constexpr char Letter[] = "\"\\bfnrt";
            const auto* found = std::char_traits<char16_t>::find(Short, 7, unit);
            if (found) {
                out += '\\';
                out += Letter[found - Short];
            } else {
                appendEscape(out, unit);
            }
            continue;
        }
        const bool high = QChar::isHighSurrogate(unit);
        if (high && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            out += QStringView(text.data() + i, 2).toUtf8();
            ++i;
        } else if (high || QChar::isLowSurrogate(unit)) {
            appendEscape(out, unit);
        } else {
            out += QStringView(text.data() + i, 1).toUtf8();
        }
    }
    out += '"';
}

} // namespace

QByteArray tagsJson(const QList<const TagEntry*>& members)
{
    QByteArray out("{");
    for (const TagEntry* member : members) {
        if (out.size() > 1)
            out += ',';
        appendJsonString(out, member->name);
        out += ':';
        if (member->kind == TagValueKind::String)
            appendJsonString(out, member->value);
        else
            out += member->value.toUtf8();
    }
    out += '}';
    return out;
}

Result<SeriesTags> SeriesTags::load(sqlite3* db, qint64 seriesId)
{
    auto statement = SqliteStatement::prepareCached(
        db, "SELECT tag_id, name, value, kind, calls FROM tags WHERE series_id = ? ORDER BY tag_id");
    if (!statement)
        return statement.failure();
    statement->bind(1, seriesId);
    SeriesTags tags;
    while (statement->step()) {
        const qint64 id = statement->columnInt(0);
        if (id < 1 || id > qint64(1) << 30)
            continue; // not an id this build writes: ignored rather than trusted as an index
        if (tags.m_entries.size() < id)
            tags.m_entries.resize(id);
        tags.m_entries[id - 1] = { QString::fromUtf8(statement->columnText(1)),
            QString::fromUtf8(statement->columnText(2)), TagValueKind(statement->columnInt(3)),
            statement->columnInt(4) };
    }
    if (statement->failed())
        return statement->failure(QStringLiteral("cannot read the tag dictionary"));
    return tags;
}

const TagEntry* SeriesTags::entry(quint32 id) const
{
    return id >= 1 && id <= quint32(m_entries.size()) ? &m_entries[id - 1] : nullptr;
}

QByteArray SeriesTags::json(const QList<quint32>& ids) const
{
    QList<const TagEntry*> members;
    for (const quint32 id : ids) {
        const TagEntry* found = entry(id);
        if (!found || found->kind == TagValueKind::Other)
            return {}; // never written so: the call's JSON would have been stored
        members.append(found);
    }
    return tagsJson(members);
}

Status TagDictionary::prepare(sqlite3* db)
{
    m_db = db;
    struct Entry
    {
        SqliteStatement* statement;
        const char* sql;
    };
    const Entry entries[] = {
        { &m_load, "SELECT tag_id, name, value, kind FROM tags WHERE series_id = ? ORDER BY tag_id" },
        { &m_insert, "INSERT INTO tags (series_id, tag_id, name, value, kind, calls) VALUES (?, ?, ?, ?, ?, 0)" },
        { &m_count, "UPDATE tags SET calls = calls + ? WHERE series_id = ? AND tag_id = ?" },
    };
    for (const auto& entry : entries) {
        auto statement = SqliteStatement::prepare(db, entry.sql);
        if (!statement)
            return statement.failure();
        *entry.statement = std::move(statement).value();
    }
    return Ok {};
}

void TagDictionary::forget()
{
    m_series.clear();
    m_dirty.clear();
    m_memoCount = 0;
    m_memoBytes = 0;
}

Result<TagDictionary::Series*> TagDictionary::series(qint64 seriesId)
{
    Series& series = m_series[seriesId];
    if (series.loaded)
        return &series;
    m_load.reset();
    m_load.bind(1, seriesId);
    while (m_load.step()) {
        const auto id = quint32(m_load.columnInt(0));
        TagEntry entry { QString::fromUtf8(m_load.columnText(1)), QString::fromUtf8(m_load.columnText(2)),
            TagValueKind(m_load.columnInt(3)), 0 };
        Values& values = series.byName[entry.name];
        if (entry.kind == TagValueKind::Other) {
            values.other = id;
        } else {
            (entry.kind == TagValueKind::String ? values.strings : values.literals).insert(entry.value, id);
            ++values.distinct;
        }
        if (series.entries.size() < qsizetype(id))
            series.entries.resize(id);
        series.entries[id - 1] = std::move(entry);
        series.nextId = std::max(series.nextId, id + 1);
    }
    if (m_load.failed())
        return m_load.failure(QStringLiteral("cannot read the tag dictionary"));
    m_load.reset();
    series.loaded = true;
    return &series;
}

quint32 TagDictionary::idFor(Series& series, const Tag& tag, TagValueKind kind)
{
    Values& values = series.byName[tag.name];
    auto& byValue = kind == TagValueKind::String ? values.strings : values.literals;
    if (const auto found = byValue.constFind(tag.value); found != byValue.constEnd())
        return *found;
    const bool full = values.distinct >= TagLimits::MaxValuesPerTag;
    if (full && values.other != 0)
        return values.other;
    const quint32 id = series.nextId++;
    series.entries.resize(id);
    series.created.append(id);
    if (full) {
        series.entries[id - 1] = { tag.name, QString(), TagValueKind::Other, 0 };
        values.other = id;
        ++m_overflowed;
        qCInfo(lcStorage).noquote() << "tag" << tag.name << "has" << TagLimits::MaxValuesPerTag
                                    << "values in one series; further values are kept but not indexed";
    } else {
        series.entries[id - 1] = { tag.name, tag.value, kind, 0 };
        byValue.insert(tag.value, id);
        ++values.distinct;
    }
    return id;
}

// The tagging of `extra` (non-empty) read from its JSON; new values get their ids, no call is counted.
TagDictionary::Memo TagDictionary::tagAnew(Series& dictionary, const QByteArray& extra)
{
    Memo memo;
    const CallTags tags = readCallTags(extra);
    memo.failed = tags.failed;
    if (tags.tags.isEmpty())
        return memo;
    memo.ids.reserve(tags.tags.size());
    for (const Tag& tag : tags.tags)
        memo.ids.append(idFor(dictionary, tag, tag.string ? TagValueKind::String : TagValueKind::Literal));
    // Pointers only once every id is given: adding an entry may move the list.
    QList<const TagEntry*> members;
    members.reserve(memo.ids.size());
    bool rebuildable = true;
    for (const quint32 id : std::as_const(memo.ids)) {
        const TagEntry& entry = dictionary.entries[id - 1];
        rebuildable = rebuildable && entry.kind != TagValueKind::Other;
        members.append(&entry);
    }
    // Only when the rebuilt text is the stored text byte for byte: the API returns extra fields as they came.
    memo.extraFromTags = rebuildable && tagsJson(members) == extra;
    return memo;
}

void TagDictionary::markDirty(qint64 seriesId, Series& dictionary)
{
    if (!dictionary.dirty) {
        dictionary.dirty = true;
        m_dirty.append(seriesId);
    }
}

void TagDictionary::countMemo(Series& dictionary, qsizetype index)
{
    if (dictionary.memos[index].calls++ == 0)
        dictionary.counted.append(index);
}

// The calls counted on memos go into the entries' counts.
void TagDictionary::foldMemoCalls(Series& dictionary)
{
    for (const qsizetype index : std::as_const(dictionary.counted)) {
        Memo& memo = dictionary.memos[index];
        for (const quint32 id : std::as_const(memo.ids))
            dictionary.added[id] += memo.calls;
        memo.calls = 0;
    }
    dictionary.counted.clear();
}

void TagDictionary::dropMemos()
{
    for (auto& [id, dictionary] : m_series) {
        foldMemoCalls(dictionary);
        dictionary.memoByExtra.clear();
        dictionary.memos.clear();
    }
    m_memoCount = 0;
    m_memoBytes = 0;
}

Status TagDictionary::tag(qint64 seriesId, ChunkRow& row)
{
    row.tagIds.clear();
    row.failed = false;
    row.extraFromTags = false;
    if (row.extra.isEmpty())
        return Ok {};
    auto found = series(seriesId);
    if (!found)
        return found.failure();
    Series* dictionary = *found;
    auto memo = dictionary->memoByExtra.constFind(row.extra);
    if (memo == dictionary->memoByExtra.constEnd()) {
        const qsizetype bytes = std::max(row.extra.size(), row.extra.capacity()) + MemoOverheadBytes;
        if (m_memoCount >= MaxMemos || m_memoBytes + bytes > MaxMemoBytes)
            dropMemos();
        Memo made = tagAnew(*dictionary, row.extra);
        dictionary->memos.append(std::move(made));
        memo = dictionary->memoByExtra.insert(row.extra, dictionary->memos.size() - 1);
        ++m_memoCount;
        m_memoBytes += bytes;
    }
    const qsizetype index = *memo;
    const Memo& tagged = dictionary->memos.at(index);
    row.failed = tagged.failed;
    if (tagged.ids.isEmpty())
        return Ok {};
    row.tagIds = tagged.ids;
    row.extraFromTags = tagged.extraFromTags;
    if (row.extraFromTags)
        row.extra.clear();
    markDirty(seriesId, *dictionary);
    countMemo(*dictionary, index);
    return Ok {};
}

Status TagDictionary::release(qint64 seriesId, const QList<quint32>& ids)
{
    if (ids.isEmpty())
        return Ok {};
    auto found = series(seriesId);
    if (!found)
        return found.failure();
    Series& dictionary = **found;
    markDirty(seriesId, dictionary);
    for (const quint32 id : ids)
        --dictionary.added[id];
    return Ok {};
}

Status TagDictionary::flush()
{
    for (const qint64 seriesId : std::as_const(m_dirty)) {
        Series& series = m_series[seriesId];
        series.dirty = false;
        foldMemoCalls(series);
        for (const quint32 id : std::as_const(series.created)) {
            const TagEntry& entry = series.entries[id - 1];
            const QByteArray name = entry.name.toUtf8();
            const QByteArray value = entry.value.toUtf8();
            m_insert.reset();
            m_insert.bind(1, seriesId);
            m_insert.bind(2, qint64(id));
            m_insert.bindText(3, name);
            entry.kind == TagValueKind::Other ? m_insert.bindNull(4) : m_insert.bindText(4, value);
            m_insert.bind(5, qint64(entry.kind));
            m_insert.step();
            if (m_insert.failed())
                return m_insert.failure(QStringLiteral("cannot add a tag value"));
        }
        series.created.clear();
        for (auto it = series.added.cbegin(); it != series.added.cend(); ++it) {
            m_count.reset();
            m_count.bind(1, it.value());
            m_count.bind(2, seriesId);
            m_count.bind(3, qint64(it.key()));
            m_count.step();
            if (m_count.failed())
                return m_count.failure(QStringLiteral("cannot count a tag's calls"));
        }
        series.added.clear();
    }
    m_dirty.clear();
    m_insert.reset();
    m_count.reset();
    return Ok {};
}

} // namespace Kodemon
