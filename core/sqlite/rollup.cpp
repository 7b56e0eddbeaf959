// SPDX-License-Identifier: MIT
#include "sqlite/rollup.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <QtEndian>

namespace Kodemon::Rollup {

namespace {

constexpr quint64 Format = 1;

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

qint64 dayOf(qint64 minute)
{
    return (minute >= 0 ? minute / Day : -((-minute + Day - 1) / Day)) * Day;
}

QByteArray encode(const QList<MinuteSummary>& minutes)
{
    QByteArray out;
    putVarint(out, Format);
    putVarint(out, quint64(minutes.size()));
    qint64 previous = minutes.isEmpty() ? 0 : dayOf(minutes.first().minute);
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
    return out;
}

std::optional<QList<MinuteSummary>> decode(QByteArrayView blob, qint64 day)
{
    Reader in(blob);
    quint64 format = 0, count = 0;
    if (!in.varint(format) || format != Format || !in.varint(count) || count > 1440)
        return std::nullopt;
    QList<MinuteSummary> minutes;
    minutes.reserve(qsizetype(count));
    qint64 minute = day;
    for (quint64 i = 0; i < count; ++i) {
        quint64 step = 0;
        if (!in.varint(step) || step > 1440 || (i > 0 && step == 0))
            return std::nullopt;
        minute += qint64(step) * Minute;
        if (minute >= day + Day)
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

} // namespace Kodemon::Rollup
