// SPDX-License-Identifier: MIT
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUdpSocket>

namespace Kodemon::Test {

QString dataPath(const QString& fileName)
{
    const QString folder = qEnvironmentVariable("KODEMON_TEST_DATA", QStringLiteral(KODEMON_TEST_DATA_DIR));
    return QDir(folder).filePath(fileName);
}

QList<QByteArray> decoratorDatagrams()
{
    QFile file(dataPath(QStringLiteral("decorator-datagrams.txt")));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    QList<QByteArray> datagrams;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.startsWith('{'))
            datagrams.append(line);
    }
    return datagrams;
}

QByteArray decoratorDatagram(const QString& key, double executionTimeMs, qint64 timestamp, const QString& token)
{
    // Python's json.dumps separators: ", " and ": ".
    QJsonObject object { { QStringLiteral("key"), key }, { QStringLiteral("execution_time"), executionTimeMs },
        { QStringLiteral("timestamp"), timestamp }, { QStringLiteral("token"), token } };
    QByteArray compact = QJsonDocument(object).toJson(QJsonDocument::Compact);
    QByteArray spaced;
    bool inString = false;
    for (qsizetype i = 0; i < compact.size(); ++i) {
        const char c = compact.at(i);
        spaced.append(c);
        if (c == '"' && (i == 0 || compact.at(i - 1) != '\\'))
            inString = !inString;
        if (!inString && (c == ',' || c == ':'))
            spaced.append(' ');
    }
    return spaced;
}

void sendDatagrams(const QList<QByteArray>& datagrams, quint16 port, const QHostAddress& address)
{
    QUdpSocket socket;
    qsizetype sent = 0;
    for (const auto& datagram : datagrams) {
        if (socket.writeDatagram(datagram, address, port) != datagram.size())
            qWarning("sending a datagram failed: %s", qPrintable(socket.errorString()));
        if (++sent % 200 == 0)
            QThread::usleep(500);
    }
}

} // namespace Kodemon::Test
