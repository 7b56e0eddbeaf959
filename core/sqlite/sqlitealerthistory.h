// SPDX-License-Identifier: MIT
#pragma once

#include "store/alerthistory.h"

#include <memory>

namespace Kodemon {

class SqliteConnection;

// The alerts' history in the SQLite file (table alert_transitions, schema version 7), over the using thread's own
// connection, opened on first use.
class SqliteAlertHistory final : public AlertHistory
{
public:
    // The history keeps at most this many transitions; older ones are deleted as new ones arrive.
    static constexpr qint64 MaxTransitions = 1000000;

    explicit SqliteAlertHistory(QString path);
    ~SqliteAlertHistory() override;
    Q_DISABLE_COPY_MOVE(SqliteAlertHistory)

    Status append(const QList<AlertTransition>& transitions) override;
    Result<QList<AlertTransition>> read(const AlertHistoryRequest& request) override;
    Result<QList<AlertTransition>> latest() override;

private:
    Status insert(const QList<AlertTransition>& transitions);
    Status prune();

    QString m_path;
    std::unique_ptr<SqliteConnection> m_connection;
};

} // namespace Kodemon
