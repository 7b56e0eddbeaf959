// SPDX-License-Identifier: MIT
#include "clickhouse/rowbinary.h"

#include <cstring>
#include <QtEndian>

namespace Kodemon {

void RowBinaryWriter::addVarUInt(quint64 value)
{
    do {
        char byte = char(value & 0x7f);
        value >>= 7;
        if (value)
            byte = char(byte | 0x80);
        m_data.append(byte);
    } while (value);
}

void RowBinaryWriter::addString(const QByteArray& utf8)
{
    addVarUInt(quint64(utf8.size()));
    m_data.append(utf8);
}

void RowBinaryWriter::addFloat64(double value)
{
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    addUInt64(bits);
}

void RowBinaryWriter::addUInt64(quint64 value)
{
    char bytes[8];
    qToLittleEndian(value, bytes);
    m_data.append(bytes, 8);
}

void RowBinaryWriter::addUInt32(quint32 value)
{
    char bytes[4];
    qToLittleEndian(value, bytes);
    m_data.append(bytes, 4);
}

void RowBinaryWriter::addInt64(qint64 value)
{
    addUInt64(quint64(value));
}

bool RowBinaryReader::take(qsizetype count, const char*& at)
{
    if (m_failed || count < 0 || m_data.size() - m_position < count) {
        m_failed = true;
        return false;
    }
    at = m_data.constData() + m_position;
    m_position += count;
    return true;
}

quint64 RowBinaryReader::readVarUInt()
{
    quint64 value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const char* at = nullptr;
        if (!take(1, at))
            return 0;
        const auto byte = quint8(*at);
        value |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    m_failed = true;
    return 0;
}

QByteArrayView RowBinaryReader::readView()
{
    const quint64 size = readVarUInt();
    const char* at = nullptr;
    if (size > quint64(m_data.size())) {
        m_failed = true; // a length beyond the whole answer (before: an empty string, read as if nothing failed)
        return {};
    }
    if (!take(qsizetype(size), at))
        return {};
    return QByteArrayView(at, qsizetype(size));
}

QByteArray RowBinaryReader::readBytes()
{
    return readView().toByteArray();
}

double RowBinaryReader::readFloat64()
{
    const quint64 bits = readUInt64();
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

quint64 RowBinaryReader::readUInt64()
{
    const char* at = nullptr;
    if (!take(8, at))
        return 0;
    return qFromLittleEndian<quint64>(at);
}

quint32 RowBinaryReader::readUInt32()
{
    const char* at = nullptr;
    if (!take(4, at))
        return 0;
    return qFromLittleEndian<quint32>(at);
}

quint8 RowBinaryReader::readUInt8()
{
    const char* at = nullptr;
    if (!take(1, at))
        return 0;
    return quint8(*at);
}

QList<double> RowBinaryReader::readFloat64PairArray()
{
    const quint64 pairs = readVarUInt();
    if (pairs > quint64(m_data.size()) / 16) {
        m_failed = true;
        return {};
    }
    QList<double> values;
    values.reserve(qsizetype(pairs * 2));
    for (quint64 i = 0; i < pairs * 2 && !m_failed; ++i)
        values.append(readFloat64());
    return values;
}

QList<double> RowBinaryReader::readFloat64Array()
{
    const quint64 size = readVarUInt();
    QList<double> values;
    if (size > quint64(m_data.size()) / 8) {
        m_failed = true;
        return values;
    }
    values.reserve(qsizetype(size));
    for (quint64 i = 0; i < size && !m_failed; ++i)
        values.append(readFloat64());
    return values;
}

} // namespace Kodemon
