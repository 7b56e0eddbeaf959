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
    QByteArray extra; // compact JSON object, or empty
    qint64 series = 0; // the series' id, kept only in mixed chunks
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
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::ChunkRow)
