// SPDX-License-Identifier: MIT
#include "sqlite/chunkview.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <QtEndian>
#include <tuple>

namespace Kodemon {

namespace {

constexpr int MaxVarintBytes = 10;
constexpr qsizetype MaxHeaderBytes = 7 * MaxVarintBytes;
constexpr double MaxExactWhole = 9007199254740992.0; // 2^53: every whole number up to here is a double

quint64 zigzag(quint64 value)
{
    return (value << 1) ^ quint64(qint64(value) >> 63);
}

quint64 unzigzag(quint64 value)
{
    return (value >> 1) ^ (~(value & 1) + 1);
}

bool isWholeSecond(double timestamp)
{
    // -0.0 equals 0 but is a different double: it takes the raw form so that it comes back as written.
    return std::abs(timestamp) <= MaxExactWhole && std::trunc(timestamp) == timestamp
        && !(timestamp == 0 && std::signbit(timestamp));
}

quint64 bitsOf(double value)
{
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

double doubleOf(quint64 bits)
{
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// Appends varints and raw bytes to a buffer sized for the worst case beforehand.
class Writer
{
public:
    explicit Writer(char* at)
        : m_at(at)
    { }
    void varint(quint64 value)
    {
        while (value >= 0x80) {
            *m_at++ = char(value | 0x80);
            value >>= 7;
        }
        *m_at++ = char(value);
    }
    void littleEndian(quint64 value)
    {
        qToLittleEndian(value, m_at);
        m_at += sizeof value;
    }
    void bytes(QByteArrayView data)
    {
        if (data.isEmpty())
            return;
        std::memcpy(m_at, data.constData(), size_t(data.size()));
        m_at += data.size();
    }
    char* at() const { return m_at; }

private:
    char* m_at;
};

// Reads what Writer wrote; every read checks the bounds and the encoding.
class Reader
{
public:
    explicit Reader(QByteArrayView data)
        : m_at(data.data())
        , m_end(data.data() + data.size())
    { }
    bool varint(quint64& value)
    {
        value = 0;
        for (int shift = 0; shift < 7 * MaxVarintBytes; shift += 7) {
            if (m_at == m_end)
                return false;
            const auto byte = quint64(static_cast<unsigned char>(*m_at++));
            if (shift == 63 && byte > 1)
                return false; // more than 64 bits
            value |= (byte & 0x7f) << shift;
            if (byte < 0x80)
                return true;
        }
        return false;
    }
    bool littleEndian(quint64& value)
    {
        if (m_end - m_at < qsizetype(sizeof value))
            return false;
        value = qFromLittleEndian<quint64>(m_at);
        m_at += sizeof value;
        return true;
    }
    bool bytes(qsizetype size, QByteArrayView& out)
    {
        if (size < 0 || m_end - m_at < size)
            return false;
        out = QByteArrayView(m_at, size);
        m_at += size;
        return true;
    }
    bool atEnd() const { return m_at == m_end; }

private:
    const char* m_at;
    const char* m_end;
};

class TimestampEncoder
{
public:
    void put(Writer& out, double timestamp)
    {
        if (!isWholeSecond(timestamp)) {
            out.varint(1);
            out.littleEndian(bitsOf(timestamp));
            return;
        }
        const auto whole = qint64(timestamp);
        out.varint(zigzag(quint64(whole - m_previousWhole)) << 1);
        m_previousWhole = whole;
    }

private:
    qint64 m_previousWhole = 0;
};

class TimestampDecoder
{
public:
    bool get(Reader& in, double& timestamp)
    {
        quint64 tagged = 0;
        if (!in.varint(tagged))
            return false;
        if (tagged & 1) {
            quint64 bits = 0;
            if (tagged != 1 || !in.littleEndian(bits))
                return false;
            timestamp = doubleOf(bits);
            return true;
        }
        // |difference| < 2^62 and |previous| <= 2^53: the sum cannot overflow.
        const qint64 whole = m_previousWhole + qint64(unzigzag(tagged >> 1));
        if (double(std::abs(whole)) > MaxExactWhole)
            return false;
        timestamp = double(whole);
        m_previousWhole = whole;
        return true;
    }

private:
    qint64 m_previousWhole = 0;
};

struct Columns
{
    QByteArray series;
    QByteArray timestamps;
    QByteArray sequences;
    QByteArray delays;
    QByteArray extras;
    QByteArray tags;
};

// The on-disk format byte: 1 and 2 before tags existed, 3 and 4 with the tag column.
constexpr quint64 TaggedFormatOffset = 2;

constexpr quint64 FailedBit = 1;
constexpr quint64 ExtraFromTagsBit = 2;
constexpr int TagCountShift = 2;

bool isListedInTagColumn(const ChunkRow& row)
{
    return row.failed || row.extraFromTags || !row.tagIds.isEmpty();
}

QByteArrayView storedExtra(const ChunkRow& row)
{
    return row.extraFromTags ? QByteArrayView() : QByteArrayView(row.extra);
}

// Encodes one column into a buffer of `maxBytes`, then trims it.
template<typename Fill> QByteArray column(qsizetype maxBytes, Fill fill)
{
    QByteArray bytes(maxBytes, Qt::Uninitialized);
    Writer out(bytes.data());
    fill(out);
    bytes.truncate(out.at() - bytes.constData());
    return bytes;
}

// Zigzag differences from the previous value; unsigned differences wrap, so any two int64 round-trip.
template<typename Value> QByteArray differences(const ChunkRow* rows, qsizetype count, Value value)
{
    return column(count * MaxVarintBytes, [&](Writer& out) {
        quint64 previous = 0;
        for (qsizetype i = 0; i < count; ++i) {
            const auto current = quint64(value(rows[i]));
            out.varint(zigzag(current - previous));
            previous = current;
        }
    });
}

Columns encodeColumns(SampleChunk::Kind kind, const ChunkRow* rows, qsizetype count)
{
    qsizetype extraBytes = 0;
    qsizetype tagBytes = 0;
    for (qsizetype i = 0; i < count; ++i) {
        extraBytes += storedExtra(rows[i]).size();
        if (isListedInTagColumn(rows[i]))
            tagBytes += (2 + rows[i].tagIds.size()) * MaxVarintBytes;
    }
    const qsizetype perRow = count * MaxVarintBytes;
    Columns columns;
    if (kind == SampleChunk::Kind::Mixed)
        columns.series = differences(rows, count, [](const ChunkRow& row) { return row.series; });
    columns.timestamps = column(perRow, [&](Writer& out) {
        TimestampEncoder encoder;
        for (qsizetype i = 0; i < count; ++i)
            encoder.put(out, rows[i].timestamp);
    });
    columns.sequences = differences(rows, count, [](const ChunkRow& row) { return row.sequence; });
    columns.delays = column(perRow, [&](Writer& out) {
        for (qsizetype i = 0; i < count; ++i)
            out.varint(zigzag(quint64(rows[i].receivedDelay)));
    });
    columns.extras = column(perRow + extraBytes, [&](Writer& out) {
        for (qsizetype i = 0; i < count; ++i) {
            const QByteArrayView extra = storedExtra(rows[i]);
            out.varint(quint64(extra.size()));
            out.bytes(extra);
        }
    });
    columns.tags = column(tagBytes, [&](Writer& out) {
        qsizetype previous = -1;
        for (qsizetype i = 0; i < count; ++i) {
            const ChunkRow& row = rows[i];
            if (!isListedInTagColumn(row))
                continue;
            out.varint(quint64(i - previous - 1));
            previous = i;
            out.varint((quint64(row.tagIds.size()) << TagCountShift) | (row.extraFromTags ? ExtraFromTagsBit : 0)
                | (row.failed ? FailedBit : 0));
            for (const quint32 id : row.tagIds)
                out.varint(id);
        }
    });
    return columns;
}

} // namespace

bool chunkOrder(const ChunkRow& a, const ChunkRow& b)
{
    return std::tie(a.timestamp, a.sequence) < std::tie(b.timestamp, b.sequence);
}

QByteArray SampleChunk::encode(Kind kind, const ChunkRow* rows, qsizetype count)
{
    const Columns columns = encodeColumns(kind, rows, count);
    const qsizetype body = columns.series.size() + columns.timestamps.size() + count * qsizetype(sizeof(double))
        + columns.sequences.size() + columns.delays.size() + columns.extras.size() + columns.tags.size();
    QByteArray blob(MaxHeaderBytes + body, Qt::Uninitialized);
    Writer out(blob.data());
    out.varint(quint64(kind) + TaggedFormatOffset);
    out.varint(quint64(count));
    if (kind == Kind::Mixed)
        out.varint(quint64(columns.series.size()));
    for (const qsizetype size : { columns.timestamps.size(), columns.sequences.size(), columns.delays.size(),
             columns.extras.size(), columns.tags.size() })
        out.varint(quint64(size));
    out.bytes(columns.series);
    out.bytes(columns.timestamps);
    for (qsizetype i = 0; i < count; ++i)
        out.littleEndian(bitsOf(rows[i].executionTime));
    out.bytes(columns.sequences);
    out.bytes(columns.delays);
    out.bytes(columns.extras);
    out.bytes(columns.tags);
    blob.truncate(out.at() - blob.constData());
    return blob;
}

Result<ChunkView> ChunkView::parse(QByteArrayView blob)
{
    const Error damaged { QStringLiteral("a chunk of %1 bytes is damaged").arg(blob.size()) };
    Reader in(blob);
    quint64 format = 0;
    if (!in.varint(format) || format < 1 || format > 2 + TaggedFormatOffset)
        return Error { QStringLiteral("a chunk has format %1, this build reads formats 1 to 4").arg(format) };
    ChunkView view;
    view.m_hasTags = format > TaggedFormatOffset;
    view.m_kind = SampleChunk::Kind(view.m_hasTags ? format - TaggedFormatOffset : format);
    const int fields = (view.m_kind == SampleChunk::Kind::Mixed ? 6 : 5) + (view.m_hasTags ? 1 : 0);
    quint64 sizes[7] = {};
    for (int i = 0; i < fields; ++i) {
        if (!in.varint(sizes[i]) || sizes[i] > quint64(blob.size()))
            return damaged;
    }
    const quint64* size = sizes;
    view.m_count = qsizetype(*size++);
    const bool complete = (view.m_kind != SampleChunk::Kind::Mixed || in.bytes(qsizetype(*size++), view.m_series))
        && in.bytes(qsizetype(*size++), view.m_timestamps)
        && in.bytes(view.m_count * qsizetype(sizeof(double)), view.m_executionTimes)
        && in.bytes(qsizetype(*size++), view.m_sequences) && in.bytes(qsizetype(*size++), view.m_delays)
        && in.bytes(qsizetype(*size++), view.m_extras)
        && (!view.m_hasTags || in.bytes(qsizetype(*size++), view.m_tags)) && in.atEnd();
    if (!complete)
        return damaged;
    return view;
}

void ChunkView::readExecutionTimes(double* out) const
{
    if (m_count == 0)
        return; // memcpy must not see the null pointers of empty lists
    if constexpr (Q_BYTE_ORDER == Q_LITTLE_ENDIAN) {
        std::memcpy(out, m_executionTimes.data(), size_t(m_executionTimes.size()));
    } else {
        for (qsizetype i = 0; i < m_count; ++i)
            out[i] = doubleOf(qFromLittleEndian<quint64>(m_executionTimes.data() + i * qsizetype(sizeof(double))));
    }
}

bool ChunkView::readTimestamps(double* out) const
{
    Reader in(m_timestamps);
    TimestampDecoder decoder;
    for (qsizetype i = 0; i < m_count; ++i) {
        if (!decoder.get(in, out[i]))
            return false;
    }
    return in.atEnd();
}

bool ChunkView::readSeries(qint64* out) const
{
    Reader in(m_series);
    quint64 series = 0;
    for (qsizetype i = 0; i < m_count; ++i) {
        quint64 difference = 0;
        if (!in.varint(difference))
            return false;
        series += unzigzag(difference);
        out[i] = qint64(series);
    }
    return in.atEnd();
}

bool ChunkView::selectRows(qint64 series, QList<bool>& selected, qsizetype& count) const
{
    if (m_kind == SampleChunk::Kind::Series) {
        count = m_count;
        return true;
    }
    QList<qint64> ids(m_count);
    if (!readSeries(ids.data()))
        return false;
    selected.resize(m_count);
    count = 0;
    for (qsizetype i = 0; i < m_count; ++i) {
        selected[i] = ids[i] == series;
        count += selected[i] ? 1 : 0;
    }
    return true;
}

bool ChunkView::appendExecutionTimes(qint64 series, QList<double>& out) const
{
    QList<bool> selected;
    qsizetype count = 0;
    if (!selectRows(series, selected, count))
        return false;
    if (count == m_count) {
        const qsizetype start = out.size();
        out.resize(start + m_count);
        readExecutionTimes(out.data() + start); // the common case: one copy of the column
        return true;
    }
    QList<double> times(m_count);
    readExecutionTimes(times.data());
    out.reserve(out.size() + count);
    for (qsizetype i = 0; i < m_count; ++i) {
        if (selected[i])
            out.append(times[i]);
    }
    return true;
}

bool ChunkView::appendTimedValues(qint64 series, QList<TimedValue>& out) const
{
    QList<bool> selected;
    qsizetype count = 0;
    QList<double> timestamps(m_count);
    if (!selectRows(series, selected, count) || !readTimestamps(timestamps.data()))
        return false;
    QList<double> times(m_count);
    readExecutionTimes(times.data());
    out.reserve(out.size() + count);
    for (qsizetype i = 0; i < m_count; ++i) {
        if (count == m_count || selected[i])
            out.append({ timestamps[i], times[i] });
    }
    return true;
}

bool ChunkView::visitTimedValues(const std::function<void(qint64 series, const TimedValue& value)>& visit) const
{
    QList<qint64> ids(m_count, 0);
    QList<double> timestamps(m_count);
    if ((m_kind == SampleChunk::Kind::Mixed && !readSeries(ids.data())) || !readTimestamps(timestamps.data()))
        return false;
    QList<double> times(m_count);
    readExecutionTimes(times.data());
    for (qsizetype i = 0; i < m_count; ++i)
        visit(ids[i], { timestamps[i], times[i] });
    return true;
}

bool ChunkView::appendRows(qint64 series, QList<ChunkRow>& out) const
{
    return readRows(series, out);
}

bool ChunkView::appendAllRows(QList<ChunkRow>& out) const
{
    return readRows(std::nullopt, out);
}

bool ChunkView::readSeriesColumn(QList<qint64>& out) const
{
    out.fill(0, m_count);
    return m_kind != SampleChunk::Kind::Mixed || readSeries(out.data());
}

bool ChunkView::readTimestampColumn(QList<double>& out) const
{
    out.resize(m_count);
    return readTimestamps(out.data());
}

void ChunkView::readExecutionTimeColumn(QList<double>& out) const
{
    out.resize(m_count);
    readExecutionTimes(out.data());
}

bool ChunkView::readTagColumn(TagColumn& out) const
{
    out.entries.clear();
    out.ids.clear();
    if (m_tags.isEmpty())
        return true; // the common case: no call of the chunk has tags or failed
    Reader in(m_tags);
    qsizetype row = -1;
    while (!in.atEnd()) {
        quint64 skipped = 0, header = 0;
        if (!in.varint(skipped) || !in.varint(header) || skipped >= quint64(m_count - row - 1)) {
            out = {};
            return false;
        }
        row += qsizetype(skipped) + 1;
        const quint64 idCount = header >> TagCountShift;
        if (idCount > quint64(m_tags.size())) {
            out = {};
            return false;
        }
        TagColumn::Entry entry { row, (header & FailedBit) != 0, (header & ExtraFromTagsBit) != 0, out.ids.size(),
            qsizetype(idCount) };
        for (quint64 i = 0; i < idCount; ++i) {
            quint64 id = 0;
            if (!in.varint(id) || id > 0xFFFFFFFFu) {
                out = {};
                return false;
            }
            out.ids.append(quint32(id));
        }
        out.entries.append(entry);
    }
    return true;
}

bool ChunkView::readStoredExtras(QList<QByteArrayView>& out) const
{
    out.clear();
    out.reserve(m_count);
    Reader in(m_extras);
    for (qsizetype i = 0; i < m_count; ++i) {
        quint64 length = 0;
        QByteArrayView extra;
        if (!in.varint(length) || !in.bytes(qsizetype(length), extra)) {
            out.clear();
            return false;
        }
        out.append(extra);
    }
    return in.atEnd();
}

void ChunkView::appendExecutionTimes(const QList<bool>& selected, QList<double>& out) const
{
    QList<double> times(m_count);
    readExecutionTimes(times.data());
    for (qsizetype i = 0; i < m_count; ++i) {
        if (selected[i])
            out.append(times[i]);
    }
}

bool ChunkView::appendTimedValues(const QList<bool>& selected, QList<TimedValue>& out) const
{
    QList<double> timestamps(m_count);
    if (!readTimestamps(timestamps.data()))
        return false;
    QList<double> times(m_count);
    readExecutionTimes(times.data());
    for (qsizetype i = 0; i < m_count; ++i) {
        if (selected[i])
            out.append({ timestamps[i], times[i] });
    }
    return true;
}

bool ChunkView::readRows(std::optional<qint64> series, QList<ChunkRow>& out) const
{
    QList<qint64> ids(m_count, 0);
    QList<double> timestamps(m_count);
    QList<double> times(m_count);
    TagColumn tags;
    if ((m_kind == SampleChunk::Kind::Mixed && !readSeries(ids.data())) || !readTimestamps(timestamps.data())
        || !readTagColumn(tags))
        return false;
    readExecutionTimes(times.data());
    Reader sequences(m_sequences);
    Reader delays(m_delays);
    Reader extras(m_extras);
    const qsizetype start = out.size();
    quint64 sequence = 0;
    qsizetype nextTagged = 0;
    for (qsizetype i = 0; i < m_count; ++i) {
        quint64 difference = 0, delay = 0, length = 0;
        QByteArrayView extra;
        if (!sequences.varint(difference) || !delays.varint(delay) || !extras.varint(length)
            || !extras.bytes(qsizetype(length), extra)) {
            out.resize(start);
            return false;
        }
        sequence += unzigzag(difference);
        const bool wanted = !series || m_kind == SampleChunk::Kind::Series || ids[i] == *series;
        const bool listed = nextTagged < tags.entries.size() && tags.entries[nextTagged].row == i;
        const TagColumn::Entry* tagged = listed ? &tags.entries[nextTagged++] : nullptr;
        if (!wanted)
            continue;
        ChunkRow row { timestamps[i], times[i], qint64(sequence), qint64(unzigzag(delay)), extra.toByteArray(), ids[i] };
        if (tagged) {
            row.tagIds = tags.ids.mid(tagged->firstId, tagged->idCount);
            row.failed = tagged->failed;
            row.extraFromTags = tagged->extraFromTags;
        }
        out.append(std::move(row));
    }
    if (!sequences.atEnd() || !delays.atEnd() || !extras.atEnd()) {
        out.resize(start);
        return false;
    }
    return true;
}

} // namespace Kodemon
