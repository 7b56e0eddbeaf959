// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"
#include "alerts/rulesfile.h"

#include <functional>
#include <map>
#include <memory>
#include <QElapsedTimer>
#include <QObject>

class QFileSystemWatcher;
class QTimer;

namespace Kodemon {

class AlertBoard;
class AlertHistory;
class Query;
class Store;

// Evaluates the alert rules every `interval` seconds on its own thread (kodemon-alerts) with its own Query, so
// that neither the window nor ingest ever waits for it: each rule's calls over its window, one alert per
// function and token it matches, Prometheus' state machine (alertevaluator.h), each transition stored in the
// store's alert history. Owns the rules file: edits from the window are written back here, and a file changed
// on disk is read again (an unreadable one leaves the rules in force and says why).
class AlertEngine final : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<double()>; // epoch seconds

    struct Options
    {
        QString rulesPath; // where edits are written; empty: rules cannot be edited
        RulesDocument rules; // as read at start
        QString link; // the web page's address for notifications when the file sets none
        std::shared_ptr<AlertBoard> board; // may be null
        Clock clock; // the system clock when empty
    };

    AlertEngine(std::shared_ptr<Store> store, Options options);
    ~AlertEngine() override;
    Q_DISABLE_COPY_MOVE(AlertEngine)

    // Call on the engine's thread: resumes every alert from the stored history, evaluates once and then every
    // interval.
    void start();
    // One evaluation now (the timer keeps its rhythm: evaluations on schedule fall on multiples of the interval).
    void evaluate();

    // Edits of the rules file; each answers with editFinished (an empty error on success) and evaluates at once.
    void saveRule(const QString& previousName, const Kodemon::AlertRule& rule);
    void deleteRule(const QString& name);
    void setMuted(const QString& name, bool muted);
    // Reads the rules file again (the file watcher calls it when the file changes).
    void reloadRules();

    const AlertSnapshot& snapshot() const { return m_snapshot; }

Q_SIGNALS:
    void evaluated(const Kodemon::AlertSnapshot& snapshot);
    // An alert of an unmuted rule fired or resolved: to be notified.
    void fired(const Kodemon::AlertEvent& event);
    void editFinished(const QString& error);

private:
    // A rule with its alerts, kept across evaluations and edits.
    struct RuleState
    {
        AlertRule rule;
        std::map<std::pair<QString, QString>, AlertInstance> instances; // by (key, token)
        QList<AlertTransition> recent; // newest first
        QString error;
        // The baseline's statistics per alert, read again when older than baselineTtl().
        struct Baseline
        {
            double readAt = 0;
            std::optional<KeyStats> stats;
        };
        QHash<KeyId, Baseline> baselines;
    };

    double now() const;
    double interval() const;
    void schedule();
    void evaluateOnSchedule();
    void evaluateAt(double time);
    void apply(const RulesDocument& document);
    void edit(const Result<RulesDocument>& edited);
    Status matchSeries();
    void evaluateRules(double now, QList<AlertTransition>& transitions);
    std::optional<SeriesSelector> baselineDue(RuleState& state, const KeyId& series, const TimeRange& current, double now);
    void store(QList<AlertTransition> transitions);
    void notify(const RuleState& state, const AlertTransition& transition);
    void publish(double now, double elapsedMs);
    void watchFile();
    void scheduleReload();
    AlertInstance newInstance(const QString& rule, const KeyId& series) const;

    std::shared_ptr<Store> m_store;
    Options m_options;
    std::unique_ptr<Query> m_query;
    std::unique_ptr<AlertHistory> m_history;
    RulesDocument m_document;
    QList<RuleState> m_rules;
    // The last stored transition of every (rule, key, token), for alerts that appear after a restart.
    QHash<QString, AlertTransition> m_resumed;
    QList<AlertTransition> m_unstored; // transitions the history refused, stored with the next ones
    qsizetype m_seriesSeen = -1; // the key list's size when rules were last matched against it
    QString m_rulesError;
    double m_lastScheduled = 0; // the planned moment of the last evaluation on schedule
    AlertSnapshot m_snapshot;
    QTimer* m_timer = nullptr;
    QTimer* m_reloadTimer = nullptr;
    QFileSystemWatcher* m_watcher = nullptr;
};

} // namespace Kodemon
