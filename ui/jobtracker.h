// SPDX-License-Identifier: MIT
#pragma once

#include "querythread.h"

#include <atomic>
#include <memory>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>

namespace Kodemon {

// Starts queries for one consumer (a panel, the chart) and delivers only the newest result: every start makes
// the earlier ones stale, and stale work stops early and is dropped (KDAB hotspot's job tracker pattern).
// Results are applied on the UI thread, and only while `context` lives.
class JobTracker final
{
public:
    using IsStale = std::function<bool()>;

    explicit JobTracker(QObject* context)
        : m_context(context)
    { }
    Q_DISABLE_COPY_MOVE(JobTracker)

    // Runs `compute(Query&, IsStale)` on `thread`, then `apply(result)` on the UI thread unless superseded.
    template<typename Compute, typename Apply> void start(QueryThread& thread, Compute compute, Apply apply)
    {
        const quint64 id = ++*m_latest;
        auto latest = m_latest;
        auto finished = m_finished;
        QPointer<QObject> context(m_context);
        m_started.start();
        thread.post([=](Query& query) {
            const IsStale stale = [latest, id] { return latest->load() != id; };
            if (stale())
                return;
            auto result = compute(query, stale);
            if (stale())
                return;
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [=] {
                    if (!context || latest->load() != id)
                        return;
                    finished->store(id);
                    apply(result);
                },
                Qt::QueuedConnection);
        });
    }

    // Makes every started job stale.
    void cancel()
    {
        ++*m_latest;
        m_finished->store(m_latest->load());
    }
    // True from start() until the newest job's result was applied.
    bool isBusy() const { return m_finished->load() != m_latest->load(); }
    // How long ago the newest job started.
    qint64 elapsedMs() const { return m_started.isValid() ? m_started.elapsed() : 0; }

private:
    QObject* m_context;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    std::shared_ptr<std::atomic<quint64>> m_finished = std::make_shared<std::atomic<quint64>>(0);
    QElapsedTimer m_started;
};

} // namespace Kodemon
