// SPDX-License-Identifier: MIT
#include "viewerfixture.h"

#include "appsettings.h"

#include <QDateTime>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace Kodemon::Test {

ViewerFixture::ViewerFixture()
    : store(std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("kodemon.sqlite"))))
{
    clearSettings();
    m_valid = m_dir.isValid() && store->open().ok();
}

ViewerFixture::~ViewerFixture()
{
    feed.reset();
    status.reset();
    if (collector)
        collector->stop();
}

bool ViewerFixture::startCollector(quint16 port, std::optional<quint16> statsdPort)
{
    Collector::Options options;
    options.udp.port = port;
    options.udp.receiveBufferBytes = 1024 * 1024;
    if (statsdPort) {
        options.statsd = options.udp;
        options.statsd->port = *statsdPort;
    }
    collector = std::make_unique<Collector>(store, options);
    feed = std::make_unique<CollectorFeed>(collector.get());
    status = std::make_unique<LocalStatus>(collector.get(), store);
    return collector->start().ok();
}

bool ViewerFixture::write(const QList<Sample>& samples)
{
    return store->createWriter()->write(samples).ok();
}

ViewerServices ViewerFixture::services() const
{
    ViewerServices services;
    services.store = store;
    if (collector && collector->isRunning())
        services.udp = UdpEndpoint { collector->udpAddress(), collector->udpPort() };
    services.feed = feed.get();
    services.status = status.get();
    services.settings.udpPort = collector ? collector->udpPort() : 0;
    services.settings.databasePath = store->location();
    if (collector && collector->isRunning()) {
        services.deleter = [collector = collector.get()](const DeleteRequest& request, auto done) {
            collector->remove(request, std::move(done));
        };
    }
    return services;
}

Sample ViewerFixture::sample(const QString& key, const QString& token, double timestamp, double milliseconds)
{
    return Sample { token, key, timestamp, milliseconds, qint64(timestamp), {} };
}

double ViewerFixture::now()
{
    return double(QDateTime::currentSecsSinceEpoch());
}

void ViewerFixture::clearSettings()
{
    // Test mode alone shares ~/.qttest between processes, and CTest runs the window tests in parallel:
    // each process gets settings of its own, or one test's saved range shows up in another's window.
    static QTemporaryDir settingsDir;
    static const bool pathSet = [] {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
        return true;
    }();
    Q_UNUSED(pathSet);
    appSettings().clear();
}

} // namespace Kodemon::Test
