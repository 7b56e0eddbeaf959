// SPDX-License-Identifier: MIT
#include "base/latencysketch.h"

#include "base/sketchindex.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Kodemon {

namespace {

constexpr double Gamma = (1 + LatencySketch::RelativeAccuracy) / (1 - LatencySketch::RelativeAccuracy);
constexpr double Smallest = 1e-6; // milliseconds: 1 ns
constexpr int MaxIndex = SketchIndex::MaxIndex;

void putVarint(QByteArray& out, quint64 value)
{
    while (value >= 0x80) {
        out += char(value | 0x80);
        value >>= 7;
    }
    out += char(value);
}

bool getVarint(const char*& at, const char* end, quint64& value)
{
    if (at != end && static_cast<unsigned char>(*at) < 0x80) { // most counts of a stored sketch: one byte
        value = static_cast<unsigned char>(*at++);
        return true;
    }
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (at == end)
            return false;
        const auto byte = quint64(static_cast<unsigned char>(*at++));
        value |= (byte & 0x7f) << shift;
        if (byte < 0x80)
            return true;
    }
    return false;
}

} // namespace

int LatencySketch::indexOf(double milliseconds)
{
    return SketchIndex::of(milliseconds);
}

double LatencySketch::valueOf(int index)
{
    return 2 * std::pow(Gamma, index) / (Gamma + 1);
}

void LatencySketch::cover(int index)
{
    if (m_counts.isEmpty()) {
        m_first = index;
        m_counts.append(0);
        return;
    }
    if (index < m_first) {
        m_counts.insert(0, m_first - index, 0);
        m_first = index;
    } else if (index >= m_first + m_counts.size()) {
        m_counts.resize(index - m_first + 1, 0);
    }
}

void LatencySketch::add(double milliseconds, qint64 count)
{
    if (count <= 0)
        return;
    m_count += count;
    if (!(milliseconds > Smallest)) { // NaN is never stored; negative times are not accepted by the parser
        m_zero += count;
        return;
    }
    const int index = indexOf(milliseconds);
    cover(index);
    m_counts.data()[index - m_first] += count; // data(): QList's operator[] checked for a detach at every call
}

void LatencySketch::merge(const LatencySketch& other)
{
    m_count += other.m_count;
    m_zero += other.m_zero;
    if (other.m_counts.isEmpty())
        return;
    cover(other.m_first);
    cover(other.m_first + int(other.m_counts.size()) - 1);
    qint64* into = m_counts.data() + (other.m_first - m_first);
    const qint64* from = other.m_counts.constData();
    for (qsizetype i = 0; i < other.m_counts.size(); ++i)
        into[i] += from[i];
}

void LatencySketch::subtract(const LatencySketch& other)
{
    m_zero = std::max<qint64>(0, m_zero - other.m_zero);
    for (qsizetype i = 0; i < other.m_counts.size(); ++i) {
        const qsizetype at = other.m_first + i - m_first;
        if (at >= 0 && at < m_counts.size())
            m_counts[at] = std::max<qint64>(0, m_counts[at] - other.m_counts[i]);
    }
    m_count = m_zero;
    for (const qint64 n : std::as_const(m_counts))
        m_count += n;
    trim();
}

void LatencySketch::trim()
{
    qsizetype begin = 0;
    while (begin < m_counts.size() && m_counts[begin] == 0)
        ++begin;
    qsizetype end = m_counts.size();
    while (end > begin && m_counts[end - 1] == 0)
        --end;
    m_counts = m_counts.mid(begin, end - begin);
    m_first += int(begin);
}

double LatencySketch::quantile(int permille) const
{
    if (m_count == 0)
        return 0;
    const qint64 rank = std::clamp<qint64>((m_count * permille + 999) / 1000, 1, m_count);
    if (rank <= m_zero)
        return 0;
    qint64 seen = m_zero;
    for (qsizetype i = 0; i < m_counts.size(); ++i) {
        seen += m_counts[i];
        if (seen >= rank)
            return valueOf(m_first + int(i));
    }
    return valueOf(m_first + int(m_counts.size()) - 1);
}

void LatencySketch::forEachBucket(const std::function<void(double lower, double upper, qint64 count)>& visit) const
{
    if (m_zero > 0)
        visit(0, 0, m_zero);
    for (qsizetype i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] > 0) {
            const int index = m_first + int(i);
            visit(std::pow(Gamma, index - 1), std::pow(Gamma, index), m_counts[i]);
        }
    }
}

QByteArray LatencySketch::encode() const
{
    QByteArray out;
    out.reserve(16 + m_counts.size() * 2);
    putVarint(out, quint64(m_zero));
    const qint64 first = m_first;
    putVarint(out, (quint64(first) << 1) ^ quint64(first >> 63)); // zigzag, without shifting a negative
    putVarint(out, quint64(m_counts.size()));
    for (const qint64 n : m_counts)
        putVarint(out, quint64(n));
    return out;
}

std::optional<LatencySketch> LatencySketch::decode(QByteArrayView bytes)
{
    const char* at = bytes.data();
    const char* end = at + bytes.size();
    quint64 zero = 0, zigzagFirst = 0, size = 0;
    if (!getVarint(at, end, zero) || !getVarint(at, end, zigzagFirst) || !getVarint(at, end, size))
        return std::nullopt;
    const qint64 first = qint64(zigzagFirst >> 1) ^ -qint64(zigzagFirst & 1);
    // `first` bounded before `first + size`: a huge first index overflowed the sum (fuzz_summaries).
    if (size > quint64(end - at) || first < -MaxIndex || first > MaxIndex || qint64(size) > MaxIndex + 1 - first
        || zero > (1ull << 62))
        return std::nullopt;
    LatencySketch sketch;
    sketch.m_zero = qint64(zero);
    sketch.m_first = int(first);
    sketch.m_count = sketch.m_zero;
    sketch.m_counts.reserve(qsizetype(size));
    for (quint64 i = 0; i < size; ++i) {
        quint64 n = 0;
        if (!getVarint(at, end, n) || n > (1ull << 62))
            return std::nullopt;
        // Checked before adding: a sum past qint64 is undefined, not negative (fuzz_summaries found one).
        if (qint64(n) > std::numeric_limits<qint64>::max() - sketch.m_count)
            return std::nullopt;
        sketch.m_counts.append(qint64(n));
        sketch.m_count += qint64(n);
    }
    if (at != end)
        return std::nullopt;
    return sketch;
}

bool LatencySketch::mergeEncoded(QByteArrayView bytes, qint64 count)
{
    const char* at = bytes.data();
    const char* end = at + bytes.size();
    quint64 zero = 0, zigzagFirst = 0, size = 0;
    if (!getVarint(at, end, zero) || !getVarint(at, end, zigzagFirst) || !getVarint(at, end, size))
        return false;
    const qint64 first = qint64(zigzagFirst >> 1) ^ -qint64(zigzagFirst & 1);
    // `first` bounded before `first + size`: a huge first index overflowed the sum (fuzz_summaries).
    if (size > quint64(end - at) || first < -MaxIndex || first > MaxIndex || qint64(size) > MaxIndex + 1 - first
        || zero > (1ull << 62))
        return false;
    // The same checks as decode() before anything changes: a damaged sketch merges nothing. The counts are decoded
    // once, into the stack, and added from there: decoding the varints twice (check, then merge) was half of this
    // function, itself half of the instructions of 1,000 buckets over a summarized year (callgrind, querybench).
    qint64 decoded[MaxIndex * 2 + 1];
    qint64 total = qint64(zero);
    for (quint64 i = 0; i < size; ++i) {
        quint64 n = 0;
        if (!getVarint(at, end, n) || n > (1ull << 62) || qint64(n) > std::numeric_limits<qint64>::max() - total)
            return false;
        decoded[i] = qint64(n);
        total += qint64(n);
    }
    // Every bucket's count after the merge is at most the merged total, so no addition below overflows either.
    if (at != end || total != count || total > std::numeric_limits<qint64>::max() - m_count)
        return false;
    m_count += total;
    m_zero += qint64(zero);
    if (size == 0)
        return true;
    cover(int(first));
    cover(int(first + qint64(size)) - 1);
    qint64* into = m_counts.data() + (first - m_first);
    for (quint64 i = 0; i < size; ++i)
        into[i] += decoded[i];
    return true;
}

bool operator==(const LatencySketch& a, const LatencySketch& b)
{
    LatencySketch x = a;
    LatencySketch y = b;
    x.trim();
    y.trim();
    return x.m_count == y.m_count && x.m_zero == y.m_zero && x.m_counts == y.m_counts
        && (x.m_counts.isEmpty() || x.m_first == y.m_first);
}

} // namespace Kodemon
