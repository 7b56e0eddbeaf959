// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "store/store.h"

#include <functional>
#include <memory>
#include <QMessageBox>
#include <QObject>
#include <QPointer>

class QStatusBar;
class QWidget;

namespace Kodemon {

// The window's deletion of a function's calls from the user's side: counts what would go (in the shown range
// and in all), asks with those counts, hands the deletion to the collector's writer (the only thread that writes)
// and says in the status bar how it ended.
class DeletionFlow final : public QObject
{
    Q_OBJECT
public:
    // Deletes on the writer's thread; `done` may run on any thread (Collector::remove).
    using Deleter = std::function<void(const DeleteRequest&, std::function<void(Result<qint64>)>)>;

    DeletionFlow(QWidget* window, QStatusBar* status);
    ~DeletionFlow() override;
    Q_DISABLE_COPY_MOVE(DeletionFlow)

    // Without a deleter (a remote Kodemon, ClickHouse) deletion is unavailable.
    void setServices(std::shared_ptr<Store> store, Deleter deleter);
    bool isAvailable() const { return m_store && m_deleter; }

    // What a confirmation offers: the function's calls in the shown range, and all of them.
    struct Plan
    {
        KeyId key;
        TimeRange range; // unbounded: only "all" is offered
        qint64 inRange = 0;
        qint64 all = 0;
    };
    Result<Plan> plan(const KeyId& key, const TimeRange& range) const;
    // Counts, asks, deletes what was chosen; explains instead when nothing can be deleted.
    void ask(const std::optional<KeyId>& key, const TimeRange& range);
    // Deletes at once; false while another deletion runs or when unavailable.
    bool start(const DeleteRequest& request);
    bool isRunning() const { return m_running; }
    // The open confirmation (tests answer it); null when none is shown.
    QMessageBox* confirmation() const { return m_box; }

Q_SIGNALS:
    // `error` empty on success; `calls` is how many went.
    void finished(qint64 calls, const QString& error);

private:
    void onFinished(qint64 calls, const QString& error);

    QWidget* m_window;
    QPointer<QStatusBar> m_status;
    QPointer<QMessageBox> m_box;
    std::shared_ptr<Store> m_store;
    Deleter m_deleter;
    bool m_running = false;
};

} // namespace Kodemon
