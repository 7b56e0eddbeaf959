// SPDX-License-Identifier: MIT
#include "sqlite/rollup.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <QtEndian>

namespace Kodemon::Rollup {

namespace {

constexpr quint64 DayFormat = 1; // schema 8
constexpr quint64 HourFormat = 2; // schema 9

void putVarint(QByteArray& out, quint64 value)
{
    while (value >= 0x80) {
        out += char(value | 0x80);
        value >>= 7;
    }
    out += char(value);
}

void putDouble(QByteArray& out, double value)
{
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    char bytes[8];
    qToLittleEndian(bits, bytes);
    out.append(bytes, 8);
}

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
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at == m_end)
                return false;
            const auto byte = quint64(static_cast<unsigned char>(*m_at++));
            value |= (byte & 0x7f) << shift;
            if (byte < 0x80)
                return true;
        }
        return false;
    }
    bool number(double& value)
    {
        if (m_end - m_at < 8)
            return false;
        const quint64 bits = qFromLittleEndian<quint64>(m_at);
        std::memcpy(&value, &bits, sizeof value);
        m_at += 8;
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
    qsizetype remaining() const { return m_end - m_at; }

private:
    const char* m_at;
    const char* m_end;
};

bool readMinute(Reader& in, qint64 minute, MinuteSummary& out)
{
    quint64 count = 0, errors = 0;
    if (!in.varint(count) || !in.varint(errors) || count == 0 || errors > count || count > (1ull << 50))
        return false;
    out.minute = minute;
    CallSummary& s = out.summary;
    if (count == 1) {
        double value = 0;
        if (!in.number(value))
            return false;
        s = CallSummary {};
        s.add(value, errors == 1);
        return true;
    }
    quint64 sketchSize = 0;
    QByteArrayView sketch;
    if (!in.number(s.sum) || !in.number(s.sumSquares) || !in.number(s.min) || !in.number(s.max)
        || !in.varint(sketchSize) || !in.bytes(qsizetype(sketchSize), sketch))
        return false;
    auto decoded = LatencySketch::decode(sketch);
    if (!decoded || decoded->count() != qint64(count))
        return false;
    s.count = qint64(count);
    s.errors = qint64(errors);
    s.sketch = std::move(*decoded);
    return true;
}

} // namespace

qint64 minuteOf(double timestamp)
{
    constexpr double Bound = 4611686018427387904.0; // 2^62
    const double clamped = std::clamp(timestamp, -Bound, Bound);
    return qint64(std::floor(clamped / Minute)) * Minute;
}

namespace {

qint64 floorTo(qint64 value, qint64 unit)
{
    return (value >= 0 ? value / unit : -((-value + unit - 1) / unit)) * unit;
}

void putMinutes(QByteArray& out, const QList<MinuteSummary>& minutes, qint64 previous)
{
    for (const auto& minute : minutes) {
        putVarint(out, quint64((minute.minute - previous) / Minute));
        previous = minute.minute;
        const CallSummary& s = minute.summary;
        putVarint(out, quint64(s.count));
        putVarint(out, quint64(s.errors));
        if (s.count == 1) {
            putDouble(out, s.sum);
            continue;
        }
        for (const double value : { s.sum, s.sumSquares, s.min, s.max })
            putDouble(out, value);
        const QByteArray sketch = s.sketch.encode();
        putVarint(out, quint64(sketch.size()));
        out += sketch;
    }
}

QByteArray encodeRow(const QList<MinuteSummary>& minutes, quint64 format, qint64 start)
{
    QByteArray out;
    putVarint(out, format);
    putVarint(out, quint64(minutes.size()));
    putMinutes(out, minutes, start);
    return out;
}

} // namespace

qint64 hourOf(qint64 minute)
{
    return floorTo(minute, Hour);
}

qint64 dayOf(qint64 minute)
{
    return floorTo(minute, Day);
}

QByteArray encode(const QList<MinuteSummary>& minutes)
{
    return encodeRow(minutes, HourFormat, minutes.isEmpty() ? 0 : hourOf(minutes.first().minute));
}

QByteArray encodeDay(const QList<MinuteSummary>& minutes)
{
    return encodeRow(minutes, DayFormat, minutes.isEmpty() ? 0 : dayOf(minutes.first().minute));
}

std::optional<QByteArray> append(QByteArrayView blob, qint64 lastMinute, const QList<MinuteSummary>& added)
{
    Reader in(blob);
    quint64 format = 0, count = 0;
    if (!in.varint(format) || format != HourFormat || !in.varint(count) || count == 0
        || count + quint64(added.size()) > quint64(Hour / Minute) || added.isEmpty()
        || added.first().minute <= lastMinute || hourOf(added.last().minute) != hourOf(lastMinute))
        return std::nullopt;
    const qsizetype header = blob.size() - in.remaining();
    QByteArray out;
    out.reserve(blob.size() + added.size() * 64);
    putVarint(out, HourFormat);
    putVarint(out, count + quint64(added.size()));
    out.append(blob.data() + header, blob.size() - header);
    putMinutes(out, added, lastMinute);
    return out;
}

std::optional<QList<MinuteSummary>> decode(QByteArrayView blob, qint64 start)
{
    Reader in(blob);
    quint64 format = 0, count = 0;
    if (!in.varint(format) || (format != DayFormat && format != HourFormat))
        return std::nullopt;
    const qint64 span = format == DayFormat ? Day : Hour;
    const auto most = quint64(span / Minute);
    if (!in.varint(count) || count > most)
        return std::nullopt;
    QList<MinuteSummary> minutes;
    minutes.reserve(qsizetype(count));
    qint64 minute = start;
    for (quint64 i = 0; i < count; ++i) {
        quint64 step = 0;
        if (!in.varint(step) || step > most || (i > 0 && step == 0))
            return std::nullopt;
        minute += qint64(step) * Minute;
        if (minute >= start + span)
            return std::nullopt;
        MinuteSummary summary;
        if (!readMinute(in, minute, summary))
            return std::nullopt;
        minutes.append(std::move(summary));
    }
    if (!in.atEnd())
        return std::nullopt;
    return minutes;
}

void merge(QList<MinuteSummary>& minutes, const QList<MinuteSummary>& added)
{
    QList<MinuteSummary> out;
    out.reserve(minutes.size() + added.size());
    qsizetype i = 0, j = 0;
    while (i < minutes.size() || j < added.size()) {
        if (j == added.size() || (i < minutes.size() && minutes[i].minute < added[j].minute)) {
            out.append(std::move(minutes[i++]));
        } else if (i == minutes.size() || added[j].minute < minutes[i].minute) {
            out.append(added[j++]);
        } else {
            out.append(std::move(minutes[i++]));
            out.last().summary.merge(added[j++].summary);
        }
    }
    minutes = std::move(out);
}

CallSummary total(const QList<MinuteSummary>& minutes)
{
    CallSummary sum;
    for (const auto& minute : minutes)
        sum.merge(minute.summary);
    return sum;
}

} // namespace Kodemon::Rollup
