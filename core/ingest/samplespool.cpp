// SPDX-License-Identifier: MIT
#include "ingest/samplespool.h"

#include "base/filelock.h"
#include "base/logging.h"

#include <QDataStream>
#include <QFileInfo>
#include <QSaveFile>
#include <QtEndian>
#include <unistd.h>

namespace Kodemon {

namespace {

constexpr char HeaderMagic[] = "KODEMON-SPOOL-1\n"; // 16 bytes
constexpr qint64 HeaderSize = 24; // magic + offset of the first unsent record
constexpr char RecordMagic[] = "KSR1";
constexpr qint64 FrameSize = 12; // magic, payload length, checksum

QByteArray encode(const SampleBatch& batch)
{
    QByteArray payload;
    QDataStream out(&payload, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << batch.origin << batch.firstSequence << qint64(batch.samples.size());
    for (const auto& sample : batch.samples)
        out << sample.token.toUtf8() << sample.key.toUtf8() << sample.timestamp << sample.executionTime
            << sample.receivedAt << sample.extra;
    return payload;
}

std::optional<SampleBatch> decode(const QByteArray& payload)
{
    QDataStream in(payload);
    in.setVersion(QDataStream::Qt_6_0);
    SampleBatch batch;
    qint64 count = 0;
    in >> batch.origin >> batch.firstSequence >> count;
    if (in.status() != QDataStream::Ok || count < 0 || count > payload.size())
        return std::nullopt;
    batch.samples.reserve(count);
    for (qint64 i = 0; i < count && in.status() == QDataStream::Ok; ++i) {
        QByteArray token, key;
        Sample sample;
        in >> token >> key >> sample.timestamp >> sample.executionTime >> sample.receivedAt >> sample.extra;
        sample.token = QString::fromUtf8(token);
        sample.key = QString::fromUtf8(key);
        batch.samples.append(std::move(sample));
    }
    if (in.status() != QDataStream::Ok || !in.atEnd())
        return std::nullopt;
    return batch;
}

QByteArray frame(const QByteArray& payload)
{
    char numbers[8];
    qToLittleEndian(quint32(payload.size()), numbers);
    qToLittleEndian(quint32(qChecksum(payload)), numbers + 4);
    return QByteArray(RecordMagic, 4) + QByteArray(numbers, 8) + payload;
}

} // namespace

SampleSpool::SampleSpool(const QString& path, qint64 limitBytes)
    : m_file(path)
    , m_limit(limitBytes)
{ }

SampleSpool::~SampleSpool() = default;

Result<std::unique_ptr<SampleSpool>> SampleSpool::open(const QString& path, qint64 limitBytes)
{
    std::unique_ptr<SampleSpool> spool(new SampleSpool(QFileInfo(path).absoluteFilePath(), limitBytes));
    auto lock = lockBeside(spool->path(), { QStringLiteral("the spool file %1").arg(spool->path()),
                                              QStringLiteral("give each collector its own --spool") });
    if (!lock)
        return lock.failure();
    spool->m_lock = std::move(*lock);
    if (!spool->m_file.open(QIODevice::ReadWrite))
        return Error { QStringLiteral("cannot open the spool file %1: %2").arg(path, spool->m_file.errorString()) };
    if (auto status = spool->load(); !status)
        return status.failure();
    return spool;
}

Status SampleSpool::load()
{
    if (m_file.size() == 0)
        return writeHeader(HeaderSize);
    QByteArray header = m_file.read(HeaderSize);
    if (header.size() != HeaderSize || !header.startsWith(HeaderMagic))
        return Error {
            QStringLiteral("%1 is not a Kodemon spool file; it was left untouched, choose another --spool").arg(path())
        };
    const auto first = qint64(qFromLittleEndian<quint64>(header.constData() + 16));
    if (first < HeaderSize || first > m_file.size())
        return Error { QStringLiteral("the spool file %1 is damaged (its header points past its end)").arg(path()) };
    return scan(first);
}

Status SampleSpool::scan(qint64 from)
{
    qint64 offset = from;
    while (offset + FrameSize <= m_file.size()) {
        m_file.seek(offset);
        const QByteArray head = m_file.read(FrameSize);
        const auto length = qint64(qFromLittleEndian<quint32>(head.constData() + 4));
        if (!head.startsWith(RecordMagic) || offset + FrameSize + length > m_file.size())
            break;
        const QByteArray payload = m_file.read(length);
        const auto batch = decode(payload);
        if (qChecksum(payload) != qFromLittleEndian<quint32>(head.constData() + 8) || !batch)
            break;
        m_records.append({ offset, FrameSize + length, batch->samples.size() });
        m_samples += batch->samples.size();
        m_bytes += FrameSize + length;
        offset += FrameSize + length;
    }
    if (offset < m_file.size()) {
        // A collector killed while appending leaves a torn record: its batch never counted as spooled.
        qCWarning(lcStorage).noquote() << "the spool" << path() << "ends in a damaged record; cutting"
                                       << m_file.size() - offset << "bytes";
        if (!m_file.resize(offset))
            return Error { QStringLiteral("cannot repair the spool file %1: %2").arg(path(), m_file.errorString()) };
    }
    if (m_samples > 0)
        qCInfo(lcStorage).noquote() << "the spool" << path() << "holds" << m_samples
                                    << "samples from before; sending them when the store takes them";
    return writeHeader(m_records.isEmpty() ? m_file.size() : m_records.first().offset);
}

Status SampleSpool::writeHeader(qint64 firstUnsent)
{
    char offset[8];
    qToLittleEndian(quint64(firstUnsent), offset);
    const QByteArray header = QByteArray(HeaderMagic, 16) + QByteArray(offset, 8);
    if (!m_file.seek(0) || m_file.write(header) != HeaderSize)
        return Error { QStringLiteral("cannot write the spool file %1: %2").arg(path(), m_file.errorString()) };
    return sync();
}

Status SampleSpool::sync()
{
    if (!m_file.flush() || ::fdatasync(m_file.handle()) != 0)
        return Error { QStringLiteral("cannot write the spool file %1: %2").arg(path(), m_file.errorString()) };
    return Ok {};
}

Result<bool> SampleSpool::append(const SampleBatch& batch)
{
    const QByteArray record = frame(encode(batch));
    if (m_bytes + record.size() > m_limit)
        return false;
    if (m_file.size() + record.size() > m_limit + HeaderSize) {
        // Sent records still take room at the front: drop them before growing past the limit.
        if (auto status = compact(); !status)
            return status.failure();
    }
    const qint64 offset = m_file.size();
    if (!m_file.seek(offset) || m_file.write(record) != record.size()) {
        m_file.resize(offset);
        return Error { QStringLiteral("cannot write the spool file %1: %2").arg(path(), m_file.errorString()) };
    }
    if (auto status = sync(); !status)
        return status.failure();
    m_records.append({ offset, record.size(), batch.samples.size() });
    m_samples += batch.samples.size();
    m_bytes += record.size();
    return true;
}

Result<SampleBatch> SampleSpool::front()
{
    if (m_records.isEmpty())
        return Error { QStringLiteral("the spool is empty") };
    const Record& record = m_records.first();
    m_file.seek(record.offset + FrameSize);
    const auto batch = decode(m_file.read(record.size - FrameSize));
    if (!batch)
        return Error { QStringLiteral("cannot read back a batch of the spool file %1").arg(path()) };
    return *batch;
}

Status SampleSpool::popFront()
{
    if (m_records.isEmpty())
        return Ok {};
    const Record sent = m_records.takeFirst();
    m_samples -= sent.samples;
    m_bytes -= sent.size;
    if (m_records.isEmpty()) {
        if (!m_file.resize(HeaderSize))
            return Error { QStringLiteral("cannot truncate the spool file %1: %2").arg(path(), m_file.errorString()) };
        return writeHeader(HeaderSize);
    }
    return writeHeader(m_records.first().offset);
}

Status SampleSpool::compact()
{
    if (m_records.isEmpty() || m_records.first().offset == HeaderSize)
        return Ok {};
    const qint64 start = m_records.first().offset;
    QSaveFile copy(path());
    if (!copy.open(QIODevice::WriteOnly))
        return Error { QStringLiteral("cannot compact the spool file %1: %2").arg(path(), copy.errorString()) };
    char offset[8];
    qToLittleEndian(quint64(HeaderSize), offset);
    copy.write(QByteArray(HeaderMagic, 16) + QByteArray(offset, 8));
    m_file.seek(start);
    while (!m_file.atEnd())
        copy.write(m_file.read(1 << 20));
    if (!copy.commit())
        return Error { QStringLiteral("cannot compact the spool file %1: %2").arg(path(), copy.errorString()) };
    m_file.close();
    if (!m_file.open(QIODevice::ReadWrite))
        return Error { QStringLiteral("cannot reopen the spool file %1: %2").arg(path(), m_file.errorString()) };
    for (auto& record : m_records)
        record.offset -= start - HeaderSize;
    return Ok {};
}

} // namespace Kodemon
