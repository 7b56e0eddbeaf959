// SPDX-License-Identifier: MIT
#include "appoptions.h"

#include "alerts/rulesfile.h"
#include "base/logging.h"
#include "base/timeexpr.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace Kodemon {

namespace {

struct Definitions
{
    QCommandLineOption headless { QStringLiteral("headless"),
        QStringLiteral("Run the collector and HTTP API without a window (for servers).") };
    QCommandLineOption udpAddress { QStringLiteral("udp-address"),
        QStringLiteral("Address to receive datagrams on (default 127.0.0.1; 0.0.0.0 for every interface)."),
        QStringLiteral("address"), QStringLiteral("127.0.0.1") };
    QCommandLineOption udpPort { QStringLiteral("udp-port"),
        QStringLiteral("UDP port the decorators send to (default 4000; 0 picks a free port and prints it)."),
        QStringLiteral("port"), QStringLiteral("4000") };
    QCommandLineOption httpAddress { QStringLiteral("http-address"),
        QStringLiteral("Address of the HTTP API and web page (default 127.0.0.1)."), QStringLiteral("address"),
        QStringLiteral("127.0.0.1") };
    QCommandLineOption httpPort { QStringLiteral("http-port"),
        QStringLiteral("TCP port of the HTTP API and web page (default 4000; 0 picks a free port and prints it)."),
        QStringLiteral("port"), QStringLiteral("4000") };
    QCommandLineOption database { QStringLiteral("db"),
        QStringLiteral("SQLite file to store samples in (default %1).").arg(defaultDatabasePath()),
        QStringLiteral("path") };
    QCommandLineOption receiveBuffer { QStringLiteral("udp-buffer"),
        QStringLiteral("UDP receive buffer to ask the kernel for, in MiB (default 32)."), QStringLiteral("MiB"),
        QStringLiteral("32") };
    QCommandLineOption ingestMemory { QStringLiteral("ingest-memory"),
        QStringLiteral("Bound in MiB on the calls held in memory for the writer, from every source (default %1); "
                       "past it the UDP listeners pause and OTLP/HTTP answers 503 until the writer catches up.")
            .arg(UdpReceiver::DefaultMaxBytesInMemory >> 20),
        QStringLiteral("MiB"), QString::number(UdpReceiver::DefaultMaxBytesInMemory >> 20) };
    QCommandLineOption udpAllow { QStringLiteral("udp-allow"),
        QStringLiteral("Accept datagrams only from these addresses and ranges, e.g. 10.0.0.0/8,127.0.0.1 "
                       "(default: from anyone who can reach the socket)."),
        QStringLiteral("list") };
    QCommandLineOption databaseLimit { QStringLiteral("db-max-size"),
        QStringLiteral("Stop storing (and count what cannot be stored) once the database reaches this size, in "
                       "MiB (default: no limit)."),
        QStringLiteral("MiB"), QStringLiteral("0") };
    QCommandLineOption retentionRaw { QStringLiteral("retention-raw"),
        QStringLiteral("Keep every call this long after it arrived, e.g. 30d (the default), 12h, 2w; older calls "
                       "become per-minute summaries. 0 keeps every call."),
        QStringLiteral("duration"), QStringLiteral("30d") };
    QCommandLineOption retention { QStringLiteral("retention"),
        QStringLiteral("Keep per-minute summaries this long, e.g. 1y (the default), 90d. 0 keeps them forever."),
        QStringLiteral("duration"), QStringLiteral("1y") };
    QCommandLineOption retentionSize { QStringLiteral("retention-size"),
        QStringLiteral("While the database is larger than this, e.g. 10G, its oldest calls become summaries and "
                       "then its oldest summaries go (default: no limit)."),
        QStringLiteral("size"), QStringLiteral("0") };
    QCommandLineOption store { QStringLiteral("store"),
        QStringLiteral("Store samples on a ClickHouse server instead of SQLite: clickhouse://host:8123/database."),
        QStringLiteral("url") };
    QCommandLineOption clickhouseUser { QStringLiteral("clickhouse-user"),
        QStringLiteral("ClickHouse user (default: the server's default user)."), QStringLiteral("name") };
    QCommandLineOption clickhousePassword { QStringLiteral("clickhouse-password"),
        QStringLiteral("ClickHouse password (default: $KODEMON_CLICKHOUSE_PASSWORD, which keeps it out of ps)."),
        QStringLiteral("password") };
    QCommandLineOption clickhouseCluster { QStringLiteral("clickhouse-cluster"),
        QStringLiteral("Use the cluster of this name from the servers' <remote_servers>: a local table on each "
                       "shard and a Distributed table over them."),
        QStringLiteral("name") };
    QCommandLineOption spool { QStringLiteral("spool"),
        QStringLiteral("File where batches wait while the store fails (default with --store: %1).")
            .arg(defaultSpoolPath()),
        QStringLiteral("path") };
    QCommandLineOption spoolLimit { QStringLiteral("spool-limit"),
        QStringLiteral("Size limit of the spool file in MiB (default 256); beyond it samples wait in memory, "
                       "then are given up and counted."),
        QStringLiteral("MiB"), QStringLiteral("256") };
    QCommandLineOption apiToken { QStringLiteral("api-token"),
        QStringLiteral("Require this API token (Authorization: Bearer SECRET) for the HTTP API; with a list, it "
                       "sees only those Kodemon tokens. Repeatable. Prefer $KODEMON_API_TOKEN or --api-tokens, "
                       "which keep it out of ps. With --remote: the one API token to send to that Kodemon."),
        QStringLiteral("SECRET[:token,...]") };
    QCommandLineOption apiTokens { QStringLiteral("api-tokens"),
        QStringLiteral("Read API tokens from FILE: one \"SECRET [token,...]\" per line, # for comments."),
        QStringLiteral("FILE") };
    QCommandLineOption httpInsecure { QStringLiteral("http-insecure"),
        QStringLiteral("Serve the HTTP API on a non-loopback --http-address without an API token (anyone who "
                       "can reach it reads everything).") };
    QCommandLineOption statsdPort { QStringLiteral("statsd-port"),
        QStringLiteral("UDP port of the StatsD/DogStatsD listener on the --udp-address (default 8125 when that "
                       "address is loopback, else off; 0 turns it off). Kodemon runs without it when the port is "
                       "taken."),
        QStringLiteral("port") };
    QCommandLineOption statsdToken { QStringLiteral("statsd-token"),
        QStringLiteral("Token of StatsD calls that carry no \"token\" tag (default: none)."), QStringLiteral("token") };
    QCommandLineOption otlpAddress { QStringLiteral("otlp-address"),
        QStringLiteral("Address of the OTLP/HTTP trace receiver (default 127.0.0.1)."), QStringLiteral("address"),
        QStringLiteral("127.0.0.1") };
    QCommandLineOption otlpPort { QStringLiteral("otlp-port"),
        QStringLiteral("TCP port of the OTLP/HTTP trace receiver, POST /v1/traces (default 4318; 0 turns it off). "
                       "Kodemon runs without it when the port is taken."),
        QStringLiteral("port"), QStringLiteral("4318") };
    QCommandLineOption alerts { QStringLiteral("alerts"),
        QStringLiteral("Alert rules file (default: alerts.conf beside the database, %1 with --store): when a "
                       "function gets slow, fails or goes silent, notify by webhook, command and the tray. Checked at "
                       "start; the window writes its edits there.")
            .arg(defaultAlertsPath({})),
        QStringLiteral("FILE") };
    QCommandLineOption remote { QStringLiteral("remote"),
        QStringLiteral("Open the window on another Kodemon's HTTP API (http://host:4000) instead of collecting "
                       "here: no collector, database or HTTP server is started."),
        QStringLiteral("URL") };
};

const QString ExitCodesHelp = QStringLiteral(
    "\nExit codes: 0 stopped normally, 1 database unusable, 2 a port or address cannot be used, 64 bad command "
    "line (also: a non-loopback --http-address without an API token or --http-insecure, or an alert rules file with "
    "an error).\nThe decorator sends "
    "to KODEMON_HOST:KODEMON_PORT (default localhost:4000) over UDP.\nKODEMON_API_TOKEN: API tokens, as for "
    "--api-token, separated by spaces.\n");

// QCommandLineParser lists Qt's own options only from process(), which exits the program: named here.
const QString QtOptionsHelp = QStringLiteral(
    "\nQt's options for the window: -platform <name> (xcb, wayland, offscreen), -display <display>, "
    "-style <style>, -stylesheet <file>, -qwindowgeometry <geometry>, -qwindowtitle <title>, -reverse.\n");

std::optional<quint16> parsePort(const QString& text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    return quint16(port);
}

ParsedCommandLine usageError(const QString& message)
{
    return { std::nullopt, ExitUsage,
        QStringLiteral("kodemon: %1\nTry 'kodemon --help' for the options.\n").arg(message) };
}

std::optional<QHostAddress> parseAddress(const QString& text)
{
    if (text == QLatin1String("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

// Each reader checks one group of options; it returns the error to show, or nothing.
using OptionError = std::optional<QString>;

OptionError readNetwork(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    const auto udpAddress = parseAddress(parser.value(options.udpAddress));
    const auto httpAddress = parseAddress(parser.value(options.httpAddress));
    const auto udpPort = parsePort(parser.value(options.udpPort));
    const auto httpPort = parsePort(parser.value(options.httpPort));
    if (!udpAddress)
        return QStringLiteral("--udp-address \"%1\" is not an IP address").arg(parser.value(options.udpAddress));
    if (!httpAddress)
        return QStringLiteral("--http-address \"%1\" is not an IP address").arg(parser.value(options.httpAddress));
    if (!udpPort)
        return QStringLiteral("--udp-port \"%1\" is not a port (0-65535)").arg(parser.value(options.udpPort));
    if (!httpPort)
        return QStringLiteral("--http-port \"%1\" is not a port (0-65535)").arg(parser.value(options.httpPort));
    app.udpAddress = *udpAddress;
    app.httpAddress = *httpAddress;
    app.udpPort = *udpPort;
    app.httpPort = *httpPort;
    return std::nullopt;
}

// Port 0 turns a listener off. StatsD is on by default only where the UDP port listens on loopback: a collector
// opened to the network says so for the StatsD port too.
OptionError readListeners(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    if (parser.isSet(options.statsdPort)) {
        const auto port = parsePort(parser.value(options.statsdPort));
        if (!port)
            return QStringLiteral("--statsd-port \"%1\" is not a port (0-65535)").arg(parser.value(options.statsdPort));
        app.statsdPort = *port == 0 ? std::nullopt : port;
    } else if (!app.udpAddress.isLoopback()) {
        app.statsdPort = std::nullopt;
    }
    app.statsdToken = parser.value(options.statsdToken);
    const auto otlpAddress = parseAddress(parser.value(options.otlpAddress));
    if (!otlpAddress)
        return QStringLiteral("--otlp-address \"%1\" is not an IP address").arg(parser.value(options.otlpAddress));
    const auto otlpPort = parsePort(parser.value(options.otlpPort));
    if (!otlpPort)
        return QStringLiteral("--otlp-port \"%1\" is not a port (0-65535)").arg(parser.value(options.otlpPort));
    app.otlpAddress = *otlpAddress;
    app.otlpPort = *otlpPort == 0 ? std::nullopt : otlpPort;
    return std::nullopt;
}

OptionError readReceiving(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    bool ok = false;
    const int bufferMiB = parser.value(options.receiveBuffer).toInt(&ok);
    if (!ok || bufferMiB < 1 || bufferMiB > 1024)
        return QStringLiteral("--udp-buffer must be between 1 and 1024 MiB");
    app.receiveBufferBytes = bufferMiB * 1024 * 1024;
    const qint64 memoryMiB = parser.value(options.ingestMemory).toLongLong(&ok);
    if (!ok || memoryMiB < 1 || memoryMiB > 65536)
        return QStringLiteral("--ingest-memory must be between 1 and 65536 MiB");
    app.ingestMemoryBytes = memoryMiB * 1024 * 1024;
    auto filter = AddressFilter::parse(parser.value(options.udpAllow));
    if (!filter)
        return QStringLiteral("--udp-allow: %1").arg(filter.error());
    app.udpAllow = *filter;
    return std::nullopt;
}

OptionError readStorage(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    app.databasePath = parser.isSet(options.database) ? parser.value(options.database) : defaultDatabasePath();
    bool ok = false;
    const qint64 limitMiB = parser.value(options.databaseLimit).toLongLong(&ok);
    if (!ok || limitMiB < 0)
        return QStringLiteral("--db-max-size must be a number of MiB (0 for no limit)");
    app.databaseLimitBytes = limitMiB * 1024 * 1024;
    const auto raw = parseDuration(parser.value(options.retentionRaw));
    const auto summaries = parseDuration(parser.value(options.retention));
    const auto size = parseByteSize(parser.value(options.retentionSize));
    if (!raw)
        return QStringLiteral("--retention-raw: %1").arg(raw.error());
    if (!summaries)
        return QStringLiteral("--retention: %1").arg(summaries.error());
    if (!size)
        return QStringLiteral("--retention-size: %1").arg(size.error());
    if (*summaries > 0 && *raw > *summaries)
        return QStringLiteral("--retention-raw (%1) is longer than --retention (%2): summaries would go before "
                              "the calls they summarize")
            .arg(parser.value(options.retentionRaw), parser.value(options.retention));
    if (app.databaseLimitBytes > 0 && *size >= app.databaseLimitBytes)
        return QStringLiteral("--retention-size must be below --db-max-size: retention frees room before the hard "
                              "limit stops storing");
    app.retention = RetentionPolicy { *raw, *summaries, *size };
    return std::nullopt;
}

OptionError readClickHouse(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    if (parser.isSet(options.store)) {
        auto config = parseClickHouseUrl(parser.value(options.store));
        if (!config)
            return QStringLiteral("--store: %1").arg(config.error());
        if (parser.isSet(options.clickhouseUser))
            config->user = parser.value(options.clickhouseUser);
        config->password = parser.isSet(options.clickhousePassword)
            ? parser.value(options.clickhousePassword)
            : qEnvironmentVariable("KODEMON_CLICKHOUSE_PASSWORD", config->password);
        config->cluster = parser.value(options.clickhouseCluster);
        app.clickhouse = *config;
    } else if (parser.isSet(options.clickhouseCluster) || parser.isSet(options.clickhouseUser)) {
        return QStringLiteral("--clickhouse-cluster and --clickhouse-user need --store clickhouse://...");
    }
    bool ok = false;
    const qint64 limitMiB = parser.value(options.spoolLimit).toLongLong(&ok);
    if (!ok || limitMiB < 1)
        return QStringLiteral("--spool-limit must be a number of MiB (at least 1)");
    app.spoolLimitBytes = limitMiB * 1024 * 1024;
    app.spoolPath = parser.isSet(options.spool) ? parser.value(options.spool)
        : app.clickhouse                        ? defaultSpoolPath()
                                                : QString();
    return std::nullopt;
}

// The rules are read here, so that a file with a mistake stops Kodemon at once, naming the line.
OptionError readAlerts(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    app.alertsPathGiven = parser.isSet(options.alerts);
    app.alertsPath = app.alertsPathGiven ? parser.value(options.alerts)
                                                  : defaultAlertsPath(app.clickhouse ? QString() : app.databasePath);
    if (auto rules = loadRulesFile(app.alertsPath); !rules)
        return QStringLiteral("--alerts: %1").arg(rules.error());
    return std::nullopt;
}

// API tokens from every source add up; a file that others may read is worth a warning.
OptionError readApiTokenFile(const QString& path, ApiTokens& tokens)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QStringLiteral("--api-tokens: cannot read %1: %2").arg(path, file.errorString());
    if (file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
        qCWarning(lcApp).noquote() << path << "holds API tokens and others can read it: chmod 600" << path;
    if (auto status = tokens.addFile(QString::fromUtf8(file.readAll()), path); !status)
        return status.error();
    return std::nullopt;
}

OptionError readHttpAccess(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    for (const auto& spec : parser.values(options.apiToken)) {
        if (auto status = app.apiTokens.addSpec(spec, QStringLiteral("--api-token")); !status)
            return status.error();
    }
    // Several entries may be given separated by white space (secrets hold none).
    const QString environment = qEnvironmentVariable("KODEMON_API_TOKEN");
    for (const auto& spec : environment.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        if (auto status = app.apiTokens.addSpec(spec, QStringLiteral("KODEMON_API_TOKEN")); !status)
            return status.error();
    }
    if (parser.isSet(options.apiTokens)) {
        if (auto error = readApiTokenFile(parser.value(options.apiTokens), app.apiTokens))
            return error;
    }
    app.httpInsecure = parser.isSet(options.httpInsecure);
    return httpExposureProblem(app.httpAddress, !app.apiTokens.isEmpty(), app.httpInsecure);
}

// What only a collecting Kodemon uses: meaningless beside --remote, so refused rather than ignored.
std::optional<QString> localOnlyOption(const QCommandLineParser& parser, const Definitions& options)
{
    for (const QCommandLineOption* option :
        { &options.headless, &options.udpAddress, &options.udpPort, &options.httpAddress, &options.httpPort,
            &options.database, &options.receiveBuffer, &options.ingestMemory, &options.udpAllow,
            &options.databaseLimit, &options.retentionRaw, &options.retention, &options.retentionSize, &options.store,
            &options.clickhouseUser, &options.clickhousePassword, &options.clickhouseCluster, &options.spool,
            &options.spoolLimit, &options.apiTokens, &options.httpInsecure, &options.statsdPort, &options.statsdToken,
            &options.otlpAddress, &options.otlpPort, &options.alerts }) {
        if (parser.isSet(*option))
            return option->names().constFirst();
    }
    return std::nullopt;
}

} // namespace

std::optional<QUrl> parseRemoteUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool web = url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
    if (!url.isValid() || !web || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasQuery()
        || url.hasFragment())
        return std::nullopt;
    return url;
}

namespace {

// With --remote, --api-token (or KODEMON_API_TOKEN) is the secret to send; a scope after ':' is the server's
// business and is not sent.
OptionError readRemoteToken(const QCommandLineParser& parser, const Definitions& options, RemoteEndpoint& remote)
{
    QStringList specs = parser.values(options.apiToken);
    if (specs.isEmpty())
        specs = qEnvironmentVariable("KODEMON_API_TOKEN")
                    .split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (specs.size() > 1)
        return QStringLiteral("--remote sends one API token: give one --api-token (KODEMON_API_TOKEN holds %1)")
            .arg(specs.size());
    remote.apiToken = specs.isEmpty() ? QString() : specs.constFirst().section(u':', 0, 0);
    return std::nullopt;
}

OptionError readRemote(const QCommandLineParser& parser, const Definitions& options, AppOptions& app)
{
    if (const auto local = localOnlyOption(parser, options))
        return QStringLiteral("--remote opens a window on another Kodemon; --%1 is for collecting here").arg(*local);
    const QString text = parser.value(options.remote);
    const auto url = parseRemoteUrl(text);
    if (!url)
        return QStringLiteral("--remote \"%1\" is not an http:// or https:// URL of a Kodemon, such as "
                              "http://host:4000")
            .arg(text);
    RemoteEndpoint remote { *url, {} };
    if (auto error = readRemoteToken(parser, options, remote))
        return error;
    app.remote = remote;
    return std::nullopt;
}

} // namespace

QString defaultSpoolPath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(folder).filePath(QStringLiteral("clickhouse-spool.bin"));
}

QString defaultAlertsPath(const QString& databasePath)
{
    const QString folder = databasePath.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        : QFileInfo(databasePath).absolutePath();
    return QDir(folder).filePath(QStringLiteral("alerts.conf"));
}

QString defaultDatabasePath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(folder).filePath(QStringLiteral("kodemon.sqlite"));
}

ParsedCommandLine parseCommandLine(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Kodemon receives the execution times that @kodemon-decorated functions send over UDP, stores them in "
        "SQLite, shows them live, and serves them over HTTP."));
    const Definitions options;
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addOptions({ options.headless, options.udpAddress, options.udpPort, options.httpAddress, options.httpPort,
        options.database, options.receiveBuffer, options.ingestMemory, options.udpAllow, options.databaseLimit,
        options.retentionRaw, options.retention, options.retentionSize, options.store,
        options.clickhouseUser, options.clickhousePassword, options.clickhouseCluster, options.spool,
        options.spoolLimit, options.apiToken, options.apiTokens, options.httpInsecure, options.statsdPort,
        options.statsdToken, options.otlpAddress, options.otlpPort, options.remote });
    parser.addOption(options.alerts);

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(help))
        return { std::nullopt, ExitOk, parser.helpText() + ExitCodesHelp };
    if (parser.isSet(QStringLiteral("help-all"))) // parse() accepts it, but only process() would act on it
        return { std::nullopt, ExitOk, parser.helpText() + ExitCodesHelp + QtOptionsHelp };
    if (parser.isSet(version))
        return { std::nullopt, ExitOk, QStringLiteral("kodemon %1\n").arg(QLatin1String(KODEMON_VERSION)) };
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()));

    AppOptions app;
    if (parser.isSet(options.remote)) {
        if (auto error = readRemote(parser, options, app))
            return usageError(*error);
        return { app, ExitOk, {} };
    }
    app.headless = parser.isSet(options.headless);
    for (auto* read : { readNetwork, readListeners, readReceiving, readStorage, readClickHouse, readHttpAccess, readAlerts }) {
        if (auto error = read(parser, options, app))
            return usageError(*error);
    }
    return { app, ExitOk, {} };
}

} // namespace Kodemon
