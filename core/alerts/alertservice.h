// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"
#include "alerts/rulesfile.h"

#include <memory>
#include <QObject>

namespace Kodemon {

class AlertBoard;
class AlertEngine;
class AlertNotifier;
class Store;
class WorkerThread;

// The alerts as the rest of Kodemon sees them, used from the thread that made it (the main thread): starts the
// engine (kodemon-alerts) and the notifier (kodemon-notify) on their threads, passes edits to the engine and
// brings its snapshots and notifications back as signals. The same in the window and --headless.
class AlertService final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString rulesPath; // the rules file (--alerts); edits are written there
        RulesDocument rules; // as read and checked at start (loadRulesFile)
        QString link; // the web page's address for notifications, unless the file sets one
        double firstRetry = 1; // the notifier's first back-off, seconds (tests shorten it)
    };

    AlertService(std::shared_ptr<Store> store, Options options, QObject* parent = nullptr);
    ~AlertService() override;
    Q_DISABLE_COPY_MOVE(AlertService)

    // The web page's address for notifications (Kodemon's own HTTP server); before start().
    void setLink(const QString& link) { m_options.link = link; }
    void start();
    // Stops both threads; notifications still waiting are dropped (they are in the history).
    void stop();

    std::shared_ptr<AlertBoard> board() const { return m_board; }
    // The last snapshot delivered to this thread.
    const AlertSnapshot& snapshot() const { return m_snapshot; }
    QString rulesPath() const { return m_options.rulesPath; }

    // Edits of the rules file, answered by editFinished().
    void saveRule(const QString& previousName, const AlertRule& rule);
    void deleteRule(const QString& name);
    void setMuted(const QString& name, bool muted);
    void evaluateNow();

Q_SIGNALS:
    void updated(const Kodemon::AlertSnapshot& snapshot);
    // An alert of an unmuted rule fired or resolved (the tray shows it).
    void notified(const Kodemon::AlertEvent& event);
    void editFinished(const QString& error);

private:
    std::shared_ptr<Store> m_store;
    Options m_options;
    std::shared_ptr<AlertBoard> m_board;
    AlertSnapshot m_snapshot;
    std::unique_ptr<WorkerThread> m_notifierThread;
    std::unique_ptr<WorkerThread> m_engineThread;
    AlertNotifier* m_notifier = nullptr;
    AlertEngine* m_engine = nullptr;
};

} // namespace Kodemon
