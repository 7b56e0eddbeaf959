// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "store/store.h"

#include <memory>
#include <QFile>
#include <QLockFile>

namespace Kodemon {

// A bounded file of batches that the store could not take (`--spool PATH`, `--spool-limit MiB`): the writer
// appends a failed batch with its ids, sends the oldest first when the store works again and removes it only
// after the store took it. Survives a restart: what a stopped collector left is sent by the next one.
// Layout: a 24-byte header (magic, offset of the first unsent record), then records of
// [magic, payload length, checksum, payload]. Used by one thread at a time (the writer's).
class SampleSpool final
{
public:
    ~SampleSpool();
    Q_DISABLE_COPY_MOVE(SampleSpool)

    // Opens or creates the file and locks it against a second collector; a torn last record is cut off.
    static Result<std::unique_ptr<SampleSpool>> open(const QString& path, qint64 limitBytes);

    // Appends and syncs the batch; false when it does not fit within the limit (nothing is written then).
    Result<bool> append(const SampleBatch& batch);
    bool isEmpty() const { return m_records.isEmpty(); }
    // The oldest unsent batch; an error when its bytes cannot be read back.
    Result<SampleBatch> front();
    qint64 frontSamples() const { return m_records.isEmpty() ? 0 : m_records.first().samples; }
    // Forgets the oldest batch (after the store took it).
    Status popFront();

    qint64 samples() const { return m_samples; } // samples waiting in the file
    qint64 bytes() const { return m_bytes; } // bytes of the unsent records
    qint64 limit() const { return m_limit; }
    QString path() const { return m_file.fileName(); }

private:
    struct Record
    {
        qint64 offset = 0;
        qint64 size = 0; // with its frame
        qint64 samples = 0;
    };

    SampleSpool(const QString& path, qint64 limitBytes);
    Status load();
    Status scan(qint64 from);
    Status writeHeader(qint64 firstUnsent);
    Status compact();
    Status sync();

    QFile m_file;
    qint64 m_limit;
    std::unique_ptr<QLockFile> m_lock;
    QList<Record> m_records;
    qint64 m_samples = 0;
    qint64 m_bytes = 0;
};

} // namespace Kodemon
