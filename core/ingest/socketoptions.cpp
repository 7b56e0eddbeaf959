// SPDX-License-Identifier: MIT
#include "ingest/socketoptions.h"

#include <QFile>
#include <QList>

#ifdef Q_OS_LINUX
#include <sys/socket.h>
#include <sys/stat.h>
#endif

namespace Kodemon {

int requestReceiveBuffer(qintptr socket, int bytes)
{
#ifdef Q_OS_LINUX
    const int fd = int(socket);
    // SO_RCVBUFFORCE ignores rmem_max but needs CAP_NET_ADMIN; fall back to the capped SO_RCVBUF.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    int granted = 0;
    socklen_t length = sizeof granted;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length) != 0)
        return 0;
    return granted;
#else
    Q_UNUSED(socket);
    Q_UNUSED(bytes);
    return 0;
#endif
}

#ifdef Q_OS_LINUX
namespace {

// Finds the socket's line by inode; the drops counter is the last column.
std::optional<qint64> dropsIn(const QString& table, quint64 inode)
{
    QFile file(table);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray wanted = QByteArray::number(inode);
    file.readLine(); // header
    while (!file.atEnd()) {
        const auto fields = file.readLine().simplified().split(' ');
        if (fields.size() >= 13 && fields.at(9) == wanted)
            return fields.last().toLongLong();
    }
    return std::nullopt;
}

} // namespace
#endif

std::optional<qint64> kernelDrops(qintptr socket)
{
#ifdef Q_OS_LINUX
    struct stat info = {};
    if (fstat(int(socket), &info) != 0)
        return std::nullopt;
    for (const char* table : { "/proc/net/udp", "/proc/net/udp6" }) {
        if (auto drops = dropsIn(QString::fromLatin1(table), info.st_ino))
            return drops;
    }
    return std::nullopt;
#else
    Q_UNUSED(socket);
    return std::nullopt;
#endif
}

} // namespace Kodemon
