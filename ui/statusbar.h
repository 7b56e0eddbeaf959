// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <QHostAddress>
#include <QStatusBar>
#include <QUrl>

class QLabel;
class QTimer;

namespace Kodemon {

class Collector;
class Store;
struct IngestSnapshot;

// The bottom line: where UDP is received and how it goes (rate, stored, rejected per reason, kernel drops),
// the database size, and the web page's address (click opens it). Refreshed once a second.
class StatusBar final : public QStatusBar
{
    Q_OBJECT
public:
    explicit StatusBar(QWidget* parent = nullptr);
    ~StatusBar() override;
    Q_DISABLE_COPY_MOVE(StatusBar)

    // What to show; a null collector or store shows "stopped". An empty URL hides the web link.
    void setSources(Collector* collector, std::shared_ptr<Store> store, const QUrl& webUrl);
    void refresh();

    QString udpText() const;
    QString storedText() const;
    QString rejectedToolTip() const;
    QString webText() const;

private:
    QLabel* addField(const QString& name, const QString& toolTip);
    void showCounters(const IngestSnapshot& snapshot);

    Collector* m_collector = nullptr;
    std::shared_ptr<Store> m_store;
    QLabel* m_udp;
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
