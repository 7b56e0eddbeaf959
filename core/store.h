// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"
#include "types.h"

#include <memory>

namespace Kodemon {

// Writes batches of samples; used by exactly one thread (the writer thread).
class StoreWriter
{
public:
    virtual ~StoreWriter() = default;
    // Stores the whole batch in one transaction, or nothing of it.
    virtual Status write(const QList<Sample>& batch) = 0;
};

// Answers the query layer's questions; each thread that queries makes its own reader.
class StoreReader
{
public:
    virtual ~StoreReader() = default;

    // Every series, or those of one token, sorted by key then token.
    virtual Result<QList<SeriesInfo>> listSeries(const std::optional<QString>& token) = 0;
    // Samples of the selected series in range, oldest first; `cursor` continues a previous page.
    virtual Result<SamplePage> samples(const SeriesSelector& selector, const QString& cursor, int limit) = 0;
    virtual Result<KeyStats> stats(const SeriesSelector& selector) = 0;
    virtual Result<BucketedSeries> buckets(const SeriesSelector& selector, int bucketCount) = 0;
};

// A place where samples are kept (an SQLite file, later a server). Thread-safe: open() once, then
// every thread asks for its own reader or writer.
class Store
{
public:
    virtual ~Store() = default;

    // Creates or upgrades the schema; fails with a message when the store cannot be used.
    virtual Status open() = 0;
    virtual std::unique_ptr<StoreWriter> createWriter() = 0;
    virtual std::unique_ptr<StoreReader> createReader() = 0;

    // Where the data lives, for logs and the status display (a path or a URL).
    virtual QString location() const = 0;
    // Bytes used on disk, or -1 when unknown.
    virtual qint64 sizeOnDisk() const = 0;
};

} // namespace Kodemon
