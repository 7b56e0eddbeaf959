// SPDX-License-Identifier: MIT
#pragma once

#include "base/filelock.h"
#include "store/store.h"

#include <atomic>
#include <QLockFile>

namespace Kodemon {

// The default store: one SQLite file, locked against a second Kodemon writing to it.
class SqliteStore final : public Store
{
public:
    explicit SqliteStore(QString path);
    ~SqliteStore() override;
    Q_DISABLE_COPY_MOVE(SqliteStore)

    Status open() override;
    std::unique_ptr<StoreWriter> createWriter() override;
    std::unique_ptr<StoreReader> createReader() override;
    std::unique_ptr<StoreReader> createScopedReader(const ReadScope& scope) override;
    std::unique_ptr<AlertHistory> createAlertHistory() override;
    QString location() const override { return m_path; }
    qint64 sizeOnDisk() const override;

    // Opens without taking the instance lock, for readers in another process (tools, tests).
    Status openShared();

    // A quota for the file in bytes (0: none), applied by writers before their next transaction. Writes beyond
    // it fail like a full disk does, and succeed again once the quota is raised.
    void setSizeLimit(qint64 bytes);
    // Above this many calls in range readers answer from summaries (SqliteReader::DefaultExactCallLimit);
    // tests lower it to check summary answers on small data.
    void setExactCallLimit(qint64 calls) { m_exactCallLimit = calls; }
    // How long writers made from now on keep calls and summaries (retention.h); by default every call 30 days,
    // summaries a year.
    void setRetention(const RetentionPolicy& policy) { m_retention = policy; }
    const RetentionPolicy& retention() const { return m_retention; }

private:
    LockSubject subject() const; // "the database <path>", for the errors of checkPath() and lock()
    Status checkPath() const;
    Status lock();

    QString m_path;
    std::unique_ptr<QLockFile> m_lock;
    std::shared_ptr<std::atomic<qint64>> m_sizeLimit = std::make_shared<std::atomic<qint64>>(0);
    qint64 m_exactCallLimit = 1000000;
    RetentionPolicy m_retention;
};

} // namespace Kodemon
