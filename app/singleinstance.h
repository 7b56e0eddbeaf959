// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QLocalServer;

namespace Kodemon {

// One window per database: a second desktop launch on the same database asks the running Kodemon to bring its
// window to the front, over a local socket named after the database in the user's runtime folder, instead of
// failing on the database lock.
class SingleInstance final : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(QObject* parent = nullptr);
    ~SingleInstance() override;
    Q_DISABLE_COPY_MOVE(SingleInstance)

    // Asks the Kodemon whose window shows `databasePath` to come to the front, waiting up to 5 s for that window
    // to open; true when one did.
    static bool activateRunning(const QString& databasePath);

    // Answers later launches on `databasePath`, which this process must hold the lock of. Called again after
    // the database changes.
    bool listen(const QString& databasePath);

Q_SIGNALS:
    void activationRequested();

private:
    void answerPending();

    QLocalServer* m_server = nullptr;
};

} // namespace Kodemon
