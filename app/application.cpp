// SPDX-License-Identifier: MIT
#include "application.h"

#include "alerts/alertboard.h"
#include "alerts/alertjson.h"
#include "alerts/alertservice.h"
#include "alerts/rulesfile.h"
#include "base/hostport.h"
#include "base/logging.h"
#include "base/sentence.h"
#include "clickhouse/clickhousestore.h"
#include "http/httpserver.h"
#include "ingest/collector.h"
#include "ingest/ingestcounters.h"
#include "ingest/listenercounters.h"
#include "ingest/samplespool.h"
#include "live/collectorfeed.h"
#include "live/localstatus.h"
#include "live/pollingfeed.h"
#include "live/remotestatus.h"
#include "mainwindow.h"
#include "metrics/callmetrics.h"
#include "otlp/otlpreceiver.h"
#include "remote/remotestore.h"
#include "singleinstance.h"
#include "sqlite/sqlitestore.h"
#include "unixsignals.h"

#include <cstdio>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMessageBox>

namespace Kodemon {

namespace {

void printLine(const QString& line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

// A launch from the desktop menu has no terminal to read: say why Kodemon stops in a window too.
void showStartError(const QString& error, const UnixSignals& termination)
{
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal"))
        return; // tests: nobody would close the box
    QMessageBox box(QMessageBox::Critical, QStringLiteral("Kodemon cannot start"), sentence(error));
    box.setInformativeText(QStringLiteral("Stop the other program, or start Kodemon from a terminal with other "
                                          "ports or another database (kodemon --help lists the options)."));
    // QCoreApplication::quit() does nothing before exec(): SIGTERM closes the box itself.
    QObject::connect(&termination, &UnixSignals::terminationRequested, &box, &QMessageBox::reject);
    box.exec();
}

void bringToFront(QWidget& window)
{
    qCInfo(lcApp) << "another launch on this database: showing the window";
    window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    window.show();
    window.raise();
    window.activateWindow();
}

// SQLite unless --store names a ClickHouse server.
std::shared_ptr<Store> makeStore(const AppOptions& options)
{
    if (options.clickhouse)
        return std::make_shared<ClickHouseStore>(*options.clickhouse);
    auto sqlite = std::make_shared<SqliteStore>(QFileInfo(options.databasePath).absoluteFilePath());
    sqlite->setSizeLimit(options.databaseLimitBytes);
    sqlite->setRetention(options.retention);
    return sqlite;
}

// The one log line of a failed start, in the category of the part that failed.
void logStartFailure(const StartStatus& started)
{
    switch (started.stage) {
    case StartStage::Storage:
        qCCritical(lcStorage).noquote() << started.status.error();
        return;
    case StartStage::Udp:
        qCCritical(lcUdp).noquote() << started.status.error();
        return;
    case StartStage::Http:
        qCCritical(lcHttp).noquote() << started.status.error();
        return;
    }
}

} // namespace

int StartStatus::exitCode() const
{
    if (status.ok())
        return ExitOk;
    switch (stage) {
    case StartStage::Storage:
        return ExitStorageError;
    case StartStage::Udp:
        return ExitNetworkError;
    case StartStage::Http:
        // Invalid: the access settings do not allow serving (an open API on a public address, say).
        return status.errorKind() == ErrorKind::Invalid ? ExitUsage : ExitNetworkError;
    }
    return ExitStorageError;
}

Application::Application(AppOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{ }

Application::~Application()
{
    stop();
}

int Application::run()
{
    // First of all: a SIGTERM or Ctrl+C during start-up must stop cleanly too, not kill the process.
    UnixSignals unixSignals;
    connect(&unixSignals, &UnixSignals::terminationRequested, this, [](int number) {
        qCInfo(lcApp) << "received signal" << number << "- storing what was received and stopping";
        QCoreApplication::quit();
    });
    if (m_options.remote)
        return runRemote();
    if (const StartStatus started = start(); !started.ok()) {
        logStartFailure(started);
        if (m_options.headless)
            return started.exitCode();
        // The database lock turned this launch away: the Kodemon holding it may show a window to bring forward.
        if (started.stage == StartStage::Storage && SingleInstance::activateRunning(m_store->location())) {
            printLine(QStringLiteral("Kodemon already shows %1 in a window: brought that window to the front")
                          .arg(m_store->location()));
            return ExitOk;
        }
        showStartError(started.status.error(), unixSignals);
        return started.exitCode();
    }
    printLine(startupLine());
    return m_options.headless ? runHeadless() : runDesktop();
}

StartStatus Application::start()
{
    m_store = makeStore(m_options);
    if (auto status = m_store->open(); !status)
        return { status.failure().withMessage(QStringLiteral("cannot use the database: %1").arg(status.error())),
            StartStage::Storage };
    if (auto collector = startCollector(); !collector.ok())
        return collector;
    startOtlp();
    AlertService::Options alerts;
    alerts.rulesPath = m_options.alertsPath;
    // Read again: after a settings change the window may have edited the file since the start, or the rules beside
    // another database apply. The command line checked the first one; a later mistake leaves no rules, said in the log.
    auto rules = loadRulesFile(m_options.alertsPath);
    if (!rules)
        qCWarning(lcApp).noquote() << rules.error() << "- alerts start without rules until the file is fixed";
    alerts.rules = rules ? *rules : RulesDocument {};
    m_alerts = std::make_unique<AlertService>(m_store, alerts);
    if (auto http = startHttp(); !http.ok())
        return http;
    startAlerts();
    return {};
}

// After the server: notifications link to its web page.
void Application::startAlerts()
{
    m_alerts->setLink(webUrl().toString());
    m_alerts->start();
    qCInfo(lcApp).noquote() << "alert rules from" << m_options.alertsPath;
}

// Optional: a port in use (an OpenTelemetry collector already runs there) is logged and shown, never fatal.
void Application::startOtlp()
{
    m_otlpCounters = OtlpReceiver::makeCounters();
    m_collector->counters()->addListener(m_otlpCounters);
    if (!m_options.otlpPort)
        return;
    OtlpReceiver::Options otlp;
    otlp.address = m_options.otlpAddress;
    otlp.port = *m_options.otlpPort;
    Collector* collector = m_collector.get();
    otlp.deliver = [collector](const QList<Sample>& samples) { collector->deliver(samples); };
    otlp.saturated = [collector] { return collector->isSaturated(); };
    otlp.counters = m_otlpCounters;
    m_otlp = std::make_unique<OtlpServer>(otlp);
    if (auto status = m_otlp->start(); !status) {
        qCWarning(lcHttp).noquote() << "running without the OTLP/HTTP receiver:" << status.error();
        m_otlpCounters->setUnavailable(hostPort(m_options.otlpAddress, *m_options.otlpPort), status.error());
        m_otlp.reset();
        return;
    }
    m_otlpCounters->setListening(hostPort(m_options.otlpAddress, m_otlp->port()));
}

StartStatus Application::startCollector()
{
    Collector::Options collector;
    if (!m_options.spoolPath.isEmpty()) {
        auto spool = SampleSpool::open(m_options.spoolPath, m_options.spoolLimitBytes);
        if (!spool)
            return { spool.failure(), StartStage::Storage };
        collector.writer.spool = std::move(spool).value();
    }
    collector.udp.address = m_options.udpAddress;
    collector.udp.port = m_options.udpPort;
    collector.udp.receiveBufferBytes = m_options.receiveBufferBytes;
    collector.udp.maxBytesInMemory = m_options.ingestMemoryBytes;
    collector.udp.allowedSenders = m_options.udpAllow;
    m_metrics = std::make_shared<CallMetrics>();
    collector.onStored = [metrics = m_metrics](const QList<Sample>& samples) { metrics->record(samples); };
    if (m_options.statsdPort) {
        UdpReceiver::Options statsd = collector.udp;
        statsd.port = *m_options.statsdPort;
        statsd.portOption = QStringLiteral("--statsd-port");
        statsd.statsd.token = m_options.statsdToken;
        collector.statsd = statsd;
    }
    m_collector = std::make_unique<Collector>(m_store, collector);
    m_feed = std::make_unique<CollectorFeed>(m_collector.get());
    m_status = std::make_unique<LocalStatus>(m_collector.get(), m_store);
    return { m_collector->start(), StartStage::Udp };
}

StartStatus Application::startHttp()
{
    HttpServer::Options http;
    http.address = m_options.httpAddress;
    http.port = m_options.httpPort;
    http.udpAddress = m_options.udpAddress;
    http.udpPort = m_collector->udpPort();
    http.counters = m_collector->counters();
    http.metrics = m_metrics;
    http.apiTokens = m_options.apiTokens;
    http.insecure = m_options.httpInsecure;
    if (!m_options.clickhouse) {
        // SQLite keeps calls by the retention policy and deletes on request; ClickHouse keeps everything.
        http.retention = m_options.retention;
        http.deleter = [collector = m_collector.get()](const DeleteRequest& request, auto done) {
            collector->remove(request, std::move(done));
        };
        http.annotator = [collector = m_collector.get()](const Annotation& annotation, auto done) {
            collector->annotate(annotation, std::move(done));
        };
    }
    http.alerts = [board = m_alerts->board()](const ReadScope& scope, const AlertsParams& params) {
        return AlertJson::alerts(board->snapshot(), { scope, params.state, params.history });
    };
    m_http = std::make_unique<HttpServer>(m_store, http);
    return { m_http->start(), StartStage::Http };
}

QString Application::startupLine() const
{
    const QString statsd = m_collector->statsdPort() > 0
        ? QStringLiteral("StatsD on UDP %1").arg(hostPort(m_options.udpAddress, m_collector->statsdPort()))
        : QStringLiteral("no StatsD");
    const QString otlp = m_otlp ? QStringLiteral("OTLP on http://%1/v1/traces").arg(hostPort(m_options.otlpAddress, m_otlp->port()))
                                : QStringLiteral("no OTLP");
    return QStringLiteral("Kodemon %1 listening on UDP %2 and HTTP http://%3/, storing in %4 (%5, %6)")
        .arg(QLatin1String(KODEMON_VERSION), hostPort(m_options.udpAddress, m_collector->udpPort()),
            hostPort(m_options.httpAddress, m_http->port()), m_store->location(), statsd, otlp);
}

int Application::runHeadless()
{
    const int code = QCoreApplication::exec();
    stop();
    qCInfo(lcApp) << "stopped";
    return code;
}

int Application::runDesktop()
{
    MainWindow window;
    m_window = &window;
    connect(&window, &MainWindow::settingsRequested, this, &Application::applySettings);
    window.attach(viewerServices());
    window.show();
    SingleInstance instance;
    connect(&instance, &SingleInstance::activationRequested, &window, [&window] { bringToFront(window); });
    if (!m_options.remote) { // windows on a remote Kodemon hold no database: as many as wished
        m_instance = &instance;
        instance.listen(m_store->location());
    }
    const int code = QCoreApplication::exec();
    m_instance = nullptr;
    window.detach();
    m_window = nullptr;
    stop();
    qCInfo(lcApp) << "stopped";
    return code;
}

// A window on another Kodemon: nothing is collected, stored or served here. A server that does not answer yet
// is no reason to stop; the window says so and catches up when it answers.
int Application::runRemote()
{
    auto store = std::make_shared<RemoteStore>(*m_options.remote);
    m_store = store;
    m_feed = std::make_unique<PollingFeed>(m_store);
    m_status = std::make_unique<RemoteStatus>(store->api());
    printLine(QStringLiteral("Kodemon %1 viewing %2 (--remote: no collector, database or HTTP server here)")
                  .arg(QLatin1String(KODEMON_VERSION), m_store->location()));
    return runDesktop();
}

ViewerServices Application::viewerServices() const
{
    ViewerServices services;
    services.store = m_store;
    services.feed = m_feed.get();
    services.status = m_status.get();
    if (m_options.remote) {
        services.remoteUrl = m_options.remote->baseUrl;
        services.changes = [store = std::dynamic_pointer_cast<RemoteStore>(m_store)](Query& query,
                               const ChangeRequest& request) { return store->findChanges(query, request); };
        return services;
    }
    if (m_collector && m_collector->isRunning())
        services.udp = UdpEndpoint { m_collector->udpAddress(), m_collector->udpPort() };
    services.settings = ConnectionSettings { m_options.udpAddress, m_options.udpPort, m_options.httpAddress,
        m_options.httpPort, m_options.databasePath };
    services.webUrl = webUrl();
    services.alerts = m_alerts.get();
    if (!m_options.clickhouse)
        services.retention = m_options.retention;
    if (!m_options.clickhouse && m_collector) {
        services.deleter = [collector = m_collector.get()](const DeleteRequest& request, auto done) {
            collector->remove(request, std::move(done));
        };
    }
    return services;
}

QUrl Application::webUrl() const
{
    if (!m_http || !m_http->isRunning())
        return {};
    const bool anywhere = m_options.httpAddress == QHostAddress::Any || m_options.httpAddress == QHostAddress::AnyIPv4;
    const QHostAddress host = anywhere ? QHostAddress(QHostAddress::LocalHost) : m_options.httpAddress;
    return QUrl(QStringLiteral("http://%1/").arg(hostPort(host, m_http->port())));
}

// Settings from the window: everything restarts on the new ports and database; if that fails, on the old ones.
void Application::applySettings(const ConnectionSettings& settings)
{
    const AppOptions previous = m_options;
    m_window->detach(); // the window's readers hold the store, whose lock the new store may need
    teardown();
    m_options.udpAddress = settings.udpAddress;
    m_options.udpPort = settings.udpPort;
    m_options.httpAddress = settings.httpAddress;
    m_options.httpPort = settings.httpPort;
    m_options.databasePath = settings.databasePath;
    if (!m_options.alertsPathGiven) // the rules beside the database follow it
        m_options.alertsPath = defaultAlertsPath(m_options.clickhouse ? QString() : settings.databasePath);
    QString failure;
    if (const StartStatus started = start(); !started.ok()) {
        logStartFailure(started);
        failure = started.status.error();
        teardown();
        m_options = previous;
        if (const StartStatus restored = start(); !restored.ok()) {
            logStartFailure(restored);
            failure += QStringLiteral("\n\nThe previous settings failed too: ") + restored.status.error();
        }
    }
    if (m_collector && m_http) {
        qCInfo(lcApp).noquote() << startupLine();
        m_instance->listen(m_store->location()); // this process holds the lock of that database now
    }
    m_window->attach(viewerServices());
    if (!failure.isEmpty())
        m_window->showSettingsError(failure);
}

void Application::teardown()
{
    stop();
    m_http.reset();
    m_otlp.reset();
    m_alerts.reset();
    m_feed.reset();
    m_status.reset();
    m_collector.reset();
}

void Application::stop()
{
    if (m_http)
        m_http->stop();
    if (m_otlp) // before the collector: it hands its calls to the collector's writer
        m_otlp->stop();
    if (m_alerts)
        m_alerts->stop();
    if (m_collector)
        m_collector->stop();
}

} // namespace Kodemon
