// SPDX-License-Identifier: MIT
#pragma once

#include "appoptions.h"
#include "viewerservices.h"

#include <memory>
#include <QObject>

namespace Kodemon {

class AlertService;
class Collector;
class HttpServer;
class CallMetrics;
class ListenerCounters;
class MainWindow;
class OtlpServer;
class SampleFeed;
class SingleInstance;
class StatusSource;
class Store;

// The part of start-up that failed, which decides the exit code and the log category (exitCode()).
enum class StartStage {
    Storage, // the database or the spool
    Udp, // the collector's socket
    Http, // the HTTP server: its port, or access settings that do not allow serving
};

// What start-up did: Ok, or the error and the stage it failed in.
struct StartStatus
{
    Status status = Ok {};
    StartStage stage = StartStage::Storage;

    bool ok() const { return status.ok(); }
    int exitCode() const; // ExitOk, or the ExitCode of the stage (appoptions.h)
};

// The composition root: creates the store, the collector, the HTTP server and (unless headless) the window,
// wires them together, and tears them down in order. With --remote: only the window, over a RemoteStore.
class Application final : public QObject
{
    Q_OBJECT
public:
    explicit Application(AppOptions options, QObject* parent = nullptr);
    ~Application() override;
    Q_DISABLE_COPY_MOVE(Application)

    // Runs until SIGINT/SIGTERM (or the window closes); returns the process exit code.
    int run();

private:
    StartStatus start();
    StartStatus startCollector();
    StartStatus startHttp();
    void startOtlp();
    void startAlerts();
    QUrl webUrl() const; // the web page on this Kodemon's HTTP server; empty while it does not run
    int runHeadless();
    int runDesktop();
    int runRemote();
    ViewerServices viewerServices() const;
    void applySettings(const Kodemon::ConnectionSettings& settings);
    void stop();
    void teardown(); // stops and drops the collector, the server and what the window was given of them
    QString startupLine() const;

    AppOptions m_options;
    std::shared_ptr<Store> m_store;
    std::unique_ptr<Collector> m_collector;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<OtlpServer> m_otlp; // while the OTLP/HTTP receiver runs
    std::shared_ptr<ListenerCounters> m_otlpCounters; // its state and counts, also when it does not run
    std::shared_ptr<CallMetrics> m_metrics; // GET /metrics: what this collector stored since it started
    std::unique_ptr<AlertService> m_alerts; // evaluates the --alerts rules; made before the server, which lists them
    std::unique_ptr<SampleFeed> m_feed; // new calls for the window: the collector's, or polled from --remote
    std::unique_ptr<StatusSource> m_status; // the collector's state for the status bar
    MainWindow* m_window = nullptr; // while the desktop viewer runs
    SingleInstance* m_instance = nullptr; // while the desktop viewer runs
};

} // namespace Kodemon
