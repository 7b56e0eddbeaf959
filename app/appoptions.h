// SPDX-License-Identifier: MIT
#pragma once

#include "clickhouse/clickhouseclient.h"
#include "http/apitokens.h"
#include "ingest/addressfilter.h"
#include "ingest/udpreceiver.h"
#include "remote/remoteapi.h"
#include "store/store.h"

#include <optional>
#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace Kodemon {

// Everything the command line can set; defaults are the documented ones.
struct AppOptions
{
    bool headless = false;
    QHostAddress udpAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 udpPort = 4000;
    // The StatsD listener on the UDP address: on by default on loopback only; none when off (--statsd-port 0).
    std::optional<quint16> statsdPort = quint16(8125);
    QString statsdToken; // --statsd-token: the token of StatsD calls without a "token" tag
    // The OTLP/HTTP trace receiver; none when off (--otlp-port 0).
    QHostAddress otlpAddress = QHostAddress(QHostAddress::LocalHost);
    std::optional<quint16> otlpPort = quint16(4318);
    QHostAddress httpAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 httpPort = 4000;
    QString databasePath;
    int receiveBufferBytes = 32 * 1024 * 1024;
    qint64 ingestMemoryBytes = UdpReceiver::DefaultMaxBytesInMemory; // --ingest-memory
    AddressFilter udpAllow; // empty: every sender
    qint64 databaseLimitBytes = 0; // 0: no quota
    RetentionPolicy retention; // --retention-raw, --retention, --retention-size (SQLite only)
    std::optional<ClickHouseConfig> clickhouse; // --store clickhouse://...: samples go there instead of SQLite
    QString spoolPath; // where batches wait while the store fails; empty: in memory only
    qint64 spoolLimitBytes = 256 * 1024 * 1024;
    ApiTokens apiTokens; // --api-token, --api-tokens, KODEMON_API_TOKEN: empty means the API is open
    bool httpInsecure = false; // --http-insecure: serve an open API on a non-loopback address on purpose
    std::optional<RemoteEndpoint> remote; // --remote URL: a window on another Kodemon, nothing collected here
    QString alertsPath; // --alerts FILE: the alert rules, checked here and read by the alerts at start
    bool alertsPathGiven = false; // by --alerts; otherwise beside the database, and it follows the database
};

// Exit codes of `kodemon`, documented in --help and the README.
enum ExitCode {
    ExitOk = 0,
    ExitStorageError = 1, // the database cannot be opened or used
    ExitNetworkError = 2, // a port is taken or an address cannot be bound
    ExitUsage = 64, // the command line is wrong (EX_USAGE)
};

struct ParsedCommandLine
{
    std::optional<AppOptions> options; // empty when the program should exit
    int exitCode = ExitOk;
    QString output; // help, version or an error, printed by main
};

// Parses `arguments` (argv as a list, program name first).
ParsedCommandLine parseCommandLine(const QStringList& arguments);

// The default database: kodemon.sqlite in the application data folder.
QString defaultDatabasePath();
// The URL of --remote (and `kodemon compare --remote`): http(s), a host, no user, query or fragment.
std::optional<QUrl> parseRemoteUrl(const QString& text);

// The default alert rules file: alerts.conf beside the SQLite database (the rules watch its data: another --db
// has its own), or in the application data folder without one (--store).
QString defaultAlertsPath(const QString& databasePath);

// The default spool of a ClickHouse collector: clickhouse-spool.bin in the application data folder.
QString defaultSpoolPath();

} // namespace Kodemon
