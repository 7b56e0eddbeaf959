// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Kodemon {

// Builds ClickHouse RowBinary rows: numbers little-endian, strings as a LEB128 length and their bytes.
// Binary, so doubles travel exactly (ClickHouse 18.16's text parser rounds some of them).
class RowBinaryWriter final
{
public:
    void reserve(qsizetype bytes) { m_data.reserve(bytes); }
    void addString(const QByteArray& utf8);
    void addUInt8(quint8 value) { m_data.append(char(value)); }
    void addUInt32(quint32 value);
    void addFloat64(double value);
    void addUInt64(quint64 value);
    void addInt64(qint64 value);

    const QByteArray& data() const { return m_data; }

private:
    void addVarUInt(quint64 value);

    QByteArray m_data;
};

// Reads RowBinary answers; every read checks the bounds, and failed() stays true after the first short read.
class RowBinaryReader final
{
public:
    explicit RowBinaryReader(const QByteArray& data)
        : m_data(data)
    { }

    bool atEnd() const { return m_position >= m_data.size(); }
    bool failed() const { return m_failed; }

    QByteArray readBytes();
    // Array(String), each element handed to `visit` as a view into the answer (no copies).
    template<typename Visit> void readStringArray(Visit visit);
    QString readString() { return QString::fromUtf8(readBytes()); }
    double readFloat64();
    quint64 readUInt64();
    quint32 readUInt32();
    quint8 readUInt8();
    qint64 readInt64() { return qint64(readUInt64()); }
    QList<double> readFloat64Array();
    // Array(Tuple(Float64, Float64)), flattened: first, second, first, second, ...
    QList<double> readFloat64PairArray();

private:
    quint64 readVarUInt();
    bool take(qsizetype count, const char*& at);
    QByteArrayView readView();

    const QByteArray& m_data;
    qsizetype m_position = 0;
    bool m_failed = false;
};

template<typename Visit> void RowBinaryReader::readStringArray(Visit visit)
{
    const quint64 size = readVarUInt();
    if (size > quint64(m_data.size())) {
        m_failed = true;
        return;
    }
    for (quint64 i = 0; i < size && !m_failed; ++i) {
        const QByteArrayView element = readView();
        if (!m_failed)
            visit(element);
    }
}

} // namespace Kodemon
