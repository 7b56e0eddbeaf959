// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"

#include <optional>
#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Kodemon {

// One call as a chunk keeps it; which series it belongs to is the chunk's business.
struct ChunkRow
{
    double timestamp = 0; // epoch seconds
    double executionTime = 0; // milliseconds
    qint64 sequence = 0; // the series' arrival number
    qint64 receivedDelay = 0; // seconds from the call's start to its arrival (receivedDelay() in database.h)
    QByteArray extra; // compact JSON object, or empty (also when extraFromTags: it is rebuilt from the tags)
    qint64 series = 0; // the series' id, kept only in mixed chunks
    QList<quint32> tagIds = {}; // the call's tags as ids of its series' dictionary (TagDictionary), in extra's order
    bool failed = false; // calltags.h: the call has an `error` member that is neither false nor null
    bool extraFromTags = false; // the extra fields are exactly the tags: not stored, rebuilt from the dictionary
};

// The tag column of a chunk: only the rows that have tags or failed, in row order (most rows have neither).
struct TagColumn
{
    struct Entry
    {
        qsizetype row = 0;
        bool failed = false;
        bool extraFromTags = false;
        qsizetype firstId = 0; // into ids
        qsizetype idCount = 0;
    };
    QList<Entry> entries;
    QList<quint32> ids;
};

// The order rows have inside a chunk and pages have: by timestamp, then arrival.
bool chunkOrder(const ChunkRow& a, const ChunkRow& b);

// A chunk is many calls in one blob: the way Kodemon's SQLite file keeps samples, because one row per call
// costs SQLite several microseconds to insert into an index interleaving a thousand series, and one row per
// chunk costs next to nothing per call. A series chunk holds calls of one series (the row says which); a
// mixed chunk holds a commit's calls of any series and keeps each one's series. The blob is columnar, so that
// statistics read the execution times as one array and skip the rest:
//   format (1 series, 2 mixed) | count | [series bytes] | ts bytes | seq bytes | delay bytes | extra bytes
//   [series] | timestamps | execution times (count little-endian doubles) | sequences | delays | extras
// (header fields are LEB128 varints). Whole-second timestamps, the decorator's kind, take a varint of the
// difference from the previous whole one (usually 1 byte); any other value takes a marker and its 8 bytes.
// Series and sequences are zigzag differences, delays zigzag values, extras a length and the bytes. Every value
// round-trips bit for bit.
// Formats 3 (series) and 4 (mixed), written since schema version 5, add a tag column after the extras:
//   ... | extra bytes | tag bytes   and, after the extras column, the tag column
// which lists only the rows that have tags or failed: the number of rows skipped since the previous one listed,
// a header (tag count << 2 | extra rebuilt from tags << 1 | failed) and the tag ids, all varints. A call without
// tags costs nothing there; a tagged call whose extra fields are only its tags stores their ids instead of
// their JSON (a few bytes instead of tens). Formats 1 and 2 are still read: they hold no tags and no failures
// (schema version 5's migration rewrote every chunk that had extra fields).
namespace SampleChunk {

enum class Kind : quint8 { Series = 1, Mixed = 2 };

// Rows are kept in the order given; series chunks are written in chunkOrder.
QByteArray encode(Kind kind, const ChunkRow* rows, qsizetype count);
inline QByteArray encode(Kind kind, const QList<ChunkRow>& rows)
{
    return encode(kind, rows.constData(), rows.size());
}

} // namespace SampleChunk

// A checked view of one chunk blob, which it does not own: the blob must outlive it. parse() checks the header and the
// columns' sizes; the readers check every value as they decode, so a damaged blob gives an error and never reads
// outside itself. The readers that take a series skip a mixed chunk's rows of other series; a series chunk's rows are
// all of its series.
class ChunkView final
{
public:
    static Result<ChunkView> parse(QByteArrayView blob);

    SampleChunk::Kind kind() const { return m_kind; }
    qsizetype size() const { return m_count; }
    // False for chunks written before tags existed (formats 1 and 2): no row has tags or failed.
    bool hasTagColumn() const { return m_hasTags; }
    // Whether any row has extra fields stored as JSON (not counting those rebuilt from tags).
    bool hasStoredExtras() const { return m_extras.size() != m_count; }
    // Every row's series (0 for all in a series chunk). False on a damaged column.
    bool readSeriesColumn(QList<qint64>& out) const;
    // The rows that have tags or failed. False on a damaged column (`out` is then left empty).
    bool readTagColumn(TagColumn& out) const;
    // The JSON extra fields stored for every row (empty where there are none or they are rebuilt from tags).
    bool readStoredExtras(QList<QByteArrayView>& out) const;
    // The same readers over an explicit selection (a row is read when selected[row] is true), for filtered
    // queries; `selected` has size() entries.
    void appendExecutionTimes(const QList<bool>& selected, QList<double>& out) const;
    bool appendTimedValues(const QList<bool>& selected, QList<TimedValue>& out) const;
    bool readTimestampColumn(QList<double>& out) const;
    // Every row's execution time, in row order (a copy of the column: it cannot be damaged once parsed).
    void readExecutionTimeColumn(QList<double>& out) const;
    // The execution times of the series' rows, in row order. On a damaged column `out` is left as it was.
    bool appendExecutionTimes(qint64 series, QList<double>& out) const;
    // (timestamp, execution time) of the series' rows, in row order. On a damaged column `out` is left as it was.
    bool appendTimedValues(qint64 series, QList<TimedValue>& out) const;
    // The series' rows in full. On a damaged column `out` is left as it was.
    bool appendRows(qint64 series, QList<ChunkRow>& out) const;
    // Every row with its series (0 in a series chunk). On a damaged column `out` is left as it was.
    bool appendAllRows(QList<ChunkRow>& out) const;
    // Calls `visit` with every row's series (0 in a series chunk), timestamp and execution time, in row order;
    // on a damaged column it returns false without calling it.
    bool visitTimedValues(const std::function<void(qint64 series, const TimedValue& value)>& visit) const;

private:
    ChunkView() = default;
    bool readSeries(qint64* out) const;
    bool readTimestamps(double* out) const;
    void readExecutionTimes(double* out) const;
    bool readRows(std::optional<qint64> series, QList<ChunkRow>& out) const;
    // Which rows belong to `series` (all of them in a series chunk); false on a damaged series column.
    bool selectRows(qint64 series, QList<bool>& selected, qsizetype& count) const;

    SampleChunk::Kind m_kind = SampleChunk::Kind::Series;
    qsizetype m_count = 0;
    QByteArrayView m_series;
    QByteArrayView m_timestamps;
    QByteArrayView m_executionTimes;
    QByteArrayView m_sequences;
    QByteArrayView m_delays;
    QByteArrayView m_extras;
    QByteArrayView m_tags;
    bool m_hasTags = false;
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::ChunkRow)
