// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <atomic>
#include <memory>
#include <QObject>

namespace Kodemon {

class QueryThread;
class Store;

// Exports the calls of some keys over a range (those that pass the tag filters and outcome) to a CSV file (the
// API's columns) on its own thread, reporting progress; cancelling leaves no partial file behind.
class CsvExporter final : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString path;
        QList<KeyId> keys;
        TimeRange range;
        QList<TagFilter> tags = {};
        CallOutcome outcome = CallOutcome::All;
    };

    explicit CsvExporter(QObject* parent = nullptr);
    ~CsvExporter() override;
    Q_DISABLE_COPY_MOVE(CsvExporter)

    // The store to read from; nullptr stops exporting.
    void setStore(std::shared_ptr<Store> store);
    // Starts an export; false while another one runs or without a store.
    bool start(const Request& request);
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(int permille);
    // `rows` written; `error` empty on success, "cancelled" words when cancelled.
    void finished(qint64 rows, const QString& error);

private:
    void done(qint64 rows, const QString& error);

    std::unique_ptr<QueryThread> m_thread;
    std::shared_ptr<std::atomic_bool> m_cancelled;
    bool m_running = false;
};

} // namespace Kodemon
