// SPDX-License-Identifier: MIT
#include "singleinstance.h"

#include "base/logging.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QThread>

namespace Kodemon {

namespace {

constexpr int TimeoutMs = 2000;
constexpr int WaitForWindowMs = 5000;
constexpr char Request[] = "show-window\n";
constexpr char Reply[] = "ok\n";

// In the runtime folder (XDG_RUNTIME_DIR, or Qt's private fallback): only this user can create sockets there.
QString socketPath(const QString& databasePath)
{
    const QByteArray database = QFileInfo(databasePath).absoluteFilePath().toUtf8();
    const QByteArray hash = QCryptographicHash::hash(database, QCryptographicHash::Sha256).toHex().left(16);
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    return QDir(folder).filePath(QStringLiteral("kodemon-%1.socket").arg(QLatin1String(hash)));
}

} // namespace

SingleInstance::SingleInstance(QObject* parent)
    : QObject(parent)
{ }

SingleInstance::~SingleInstance() = default;

bool SingleInstance::activateRunning(const QString& databasePath)
{
    // The holder of the lock may still be opening its window (a double click starts two Kodemons at once).
    const QString path = socketPath(databasePath);
    QLocalSocket socket;
    QDeadlineTimer deadline(WaitForWindowMs);
    for (socket.connectToServer(path); !socket.waitForConnected(TimeoutMs); socket.connectToServer(path)) {
        if (deadline.hasExpired())
            return false; // nobody listens: no window uses this database (a headless Kodemon, say)
        QThread::msleep(100);
    }
    socket.write(Request);
    if (!socket.waitForBytesWritten(TimeoutMs))
        return false;
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(TimeoutMs))
            return false;
    }
    return socket.readLine() == Reply;
}

bool SingleInstance::listen(const QString& databasePath)
{
    delete m_server;
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString path = socketPath(databasePath);
    // A socket left by a Kodemon that crashed: nobody answers on it, since this process holds the database lock.
    QLocalServer::removeServer(path);
    if (!m_server->listen(path)) {
        qCWarning(lcApp).noquote() << "a second launch on this database cannot bring this window to the front:"
                                   << m_server->errorString();
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::answerPending);
    return true;
}

void SingleInstance::answerPending()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine())
                return;
            if (socket->readLine() == Request) {
                Q_EMIT activationRequested();
                socket->write(Reply);
            }
            socket->disconnectFromServer();
        });
    }
}

} // namespace Kodemon
