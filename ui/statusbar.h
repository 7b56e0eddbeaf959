// SPDX-License-Identifier: MIT
#pragma once

#include <QPointer>
#include <QStatusBar>
#include <QUrl>

class QLabel;
class QTimer;

namespace Kodemon {

class StatusSource;
struct CollectorStatus;
struct IngestSnapshot;

// The bottom line: where UDP is received and how it goes (rate, stored, rejected per reason, kernel drops), the
// optional StatsD and OTLP listeners (or why one could not listen),
// the database size, and the web page's address (click opens it). Refreshed once a second, from the local
// collector or from a remote Kodemon's /api/status (`remote`: the link names that server).
class StatusBar final : public QStatusBar
{
    Q_OBJECT
public:
    explicit StatusBar(QWidget* parent = nullptr);
    ~StatusBar() override;
    Q_DISABLE_COPY_MOVE(StatusBar)

    // What to show; without a source, "stopped". An empty URL hides the web link.
    void setSources(StatusSource* source, const QUrl& webUrl, bool remote = false);
    void refresh();

    QString udpText() const;
    QString listenersText() const;
    QString listenersToolTip() const;
    QString storedText() const;
    QString rejectedToolTip() const;
    QString webText() const;
    QString databaseText() const;

private:
    QLabel* addField(const QString& name, const QString& toolTip);
    void showState(const CollectorStatus& status);
    void showListeners(const CollectorStatus& status);
    void showCounters(const CollectorStatus& status);
    void showRate(const CollectorStatus& status);
    void showDatabase(const CollectorStatus& status);

    QPointer<StatusSource> m_source;
    bool m_remote = false;
    QLabel* m_udp;
    QLabel* m_listeners; // StatsD and OTLP/HTTP: where they listen, or why they do not
    QLabel* m_rate;
    QLabel* m_stored;
    QLabel* m_rejected;
    QLabel* m_drops;
    QLabel* m_database;
    QLabel* m_web;
    QTimer* m_timer;
    qint64 m_lastDatagrams = -1;
    qint64 m_lastMs = 0;
};

} // namespace Kodemon
