// SPDX-License-Identifier: MIT
#pragma once

#include "ingest/collector.h"
#include "live/collectorfeed.h"
#include "live/localstatus.h"
#include "sqlite/sqlitestore.h"
#include "viewerservices.h"

#include <memory>
#include <optional>
#include <QTemporaryDir>

namespace Kodemon::Test {

// What the desktop viewer runs against in tests: a real SQLite file in a temporary folder and, when started,
// a real collector on a free loopback UDP port. Also isolates QSettings from the user's.
class ViewerFixture final
{
public:
    ViewerFixture();
    ~ViewerFixture();
    Q_DISABLE_COPY_MOVE(ViewerFixture)

    bool isValid() const { return m_valid; }
    // A real collector on loopback; `port` 0 picks a free one.
    // With `statsdPort`, a StatsD listener there too (optional: a taken port leaves the collector running).
    bool startCollector(quint16 port = 0, std::optional<quint16> statsdPort = std::nullopt);
    // Stores samples directly (not over UDP), for data in the past.
    bool write(const QList<Sample>& samples);
    ViewerServices services() const;
    QString filePath(const QString& name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir; // first: the store's file lives in it

public:
    std::shared_ptr<SqliteStore> store;
    std::unique_ptr<Collector> collector;
    std::unique_ptr<CollectorFeed> feed; // the collector's, as the composition root makes them
    std::unique_ptr<LocalStatus> status;

    static Sample sample(const QString& key, const QString& token, double timestamp, double milliseconds);
    static double now();
    // Forgets settings saved by earlier windows (test mode keeps them away from the user's).
    static void clearSettings();

private:
    bool m_valid = false;
};

} // namespace Kodemon::Test
