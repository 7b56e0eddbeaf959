// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertsnapshot.h"

#include <memory>
#include <QHash>
#include <QObject>
#include <QQueue>

class QNetworkAccessManager;
class QNetworkReply;
class QProcess;
class QTimer;

namespace Kodemon {

class AlertBoard;

// Sends what the alerts say, on its own thread (kodemon-notify), so that a slow or dead receiver delays nothing
// else: webhooks (an HTTP POST of alertjson.h's body, retried with exponential back-off on network errors, time-
// outs, 408, 429 and 5xx) and commands (run once by /bin/sh -c, the alert in KODEMON_ALERT_* variables). The notifications of
// one alert leave in order: a resolution never overtakes the firing it resolves.
class AlertNotifier final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::shared_ptr<AlertBoard> board; // gets the counters; may be null
        double firstRetry = 1; // seconds before the second attempt; each further one waits twice as long
        double maxRetryDelay = 300;
        int maxAttempts = 10; // 1 + 2 + ... + 256 s: a receiver down for eight minutes still gets it
        int maxWaiting = 1000; // notifications queued at most; more are dropped and counted
        int maxCommands = 4; // commands running at once
        double commandTimeout = 60; // seconds; then the command is killed and counted as failed
        QString userAgent = QStringLiteral("Kodemon");
    };

    explicit AlertNotifier(Options options);
    ~AlertNotifier() override;
    Q_DISABLE_COPY_MOVE(AlertNotifier)

    // Queues the event's webhook and command. Call on the notifier's thread (a queued connection does).
    void send(const Kodemon::AlertEvent& event);

    const DeliveryCounters& counters() const { return m_counters; }

Q_SIGNALS:
    // One webhook or command finished: delivered, or given up (`error` says why).
    void delivered(const Kodemon::AlertEvent& event, const QString& target, const QString& error);

private:
    struct Delivery
    {
        AlertEvent event;
        bool command = false;
        int attempt = 0; // attempts made
        QString lastError;
    };
    using Queue = QQueue<Delivery>;

    void enqueue(const QString& lane, Delivery delivery);
    void startHead(const QString& lane);
    void post(const QString& lane, Delivery& delivery);
    void onReply(const QString& lane, QNetworkReply* reply);
    void run(const QString& lane, Delivery& delivery);
    void onCommandDone(const QString& lane, QProcess* process, const QString& error);
    void finishHead(const QString& lane, const QString& error);
    void retryHead(const QString& lane, const QString& error);
    void startWaitingCommands();
    void publish();

    Options m_options;
    QNetworkAccessManager* m_network;
    QHash<QString, Queue> m_lanes; // one per alert and target: its notifications in order, the head in flight
    QHash<QString, bool> m_busy; // the lane's head is being sent or waits for its retry
    QQueue<QString> m_commandLanes; // lanes whose head command waits for a free slot
    int m_runningCommands = 0;
    qint64 m_waiting = 0;
    DeliveryCounters m_counters;
};

// The environment a notification command runs with: KODEMON_ALERT_RULE, _STATE (firing or resolved), _FUNCTION,
// _TOKEN, _VALUE, _THRESHOLD, _CONDITION, _TIME (epoch seconds), _TIME_ISO, _LINK, _TEXT (one line) and _JSON
// (the webhook's body), added to Kodemon's own environment.
QStringList alertEnvironment(const AlertEvent& event);

} // namespace Kodemon
