// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Kodemon::Test {

// The real `kodemon --headless`, started on free ports with a database in a temporary folder.
class KodemonProcess final
{
public:
    // Where the database goes: a temporary folder, or Kodemon's default (no --db, as a user starts it).
    enum class Database { Temporary, Default };
    // `arguments` are added after --headless --udp-port 0 --http-port 0 [--db <temp>/kodemon.sqlite].
    explicit KodemonProcess(QStringList arguments = {}, Database database = Database::Temporary);
    ~KodemonProcess();
    Q_DISABLE_COPY_MOVE(KodemonProcess)

    // Starts it and waits for the start-up line; false (with output()) when it did not come up.
    bool start(int timeoutMs = 15000);
    // Sends SIGTERM and waits; returns the exit code, or -1 when it did not exit in time.
    int terminate(int timeoutMs = 15000);
    // Waits for the process to exit by itself (e.g. a start-up failure); returns the exit code or -1.
    int waitForExit(int timeoutMs = 15000);

    quint16 udpPort() const { return m_udpPort; }
    quint16 httpPort() const { return m_httpPort; }
    QString databasePath() const { return m_databasePath; } // empty with Database::Default
    QString baseUrl() const;
    QString output(); // stdout and stderr so far
    qint64 pid() const { return m_process.processId(); }
    QProcess& process() { return m_process; }

    static QString binary();

private:
    bool parseStartupLine();

    QTemporaryDir m_folder;
    QStringList m_arguments;
    QProcess m_process;
    QByteArray m_output;
    QString m_databasePath;
    quint16 m_udpPort = 0;
    quint16 m_httpPort = 0;
};

} // namespace Kodemon::Test
