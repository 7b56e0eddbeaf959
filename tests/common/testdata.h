// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace Kodemon::Test {

// tests/data, found through KODEMON_TEST_DATA (set by CTest) or relative to the source tree.
QString dataPath(const QString& fileName);

// The datagrams captured from the original Python decorator (tests/data/decorator-datagrams.txt).
QList<QByteArray> decoratorDatagrams();

// A datagram exactly as the decorator builds it: json.dumps of key, execution_time, timestamp, token.
QByteArray decoratorDatagram(
    const QString& key, double executionTimeMs, qint64 timestamp, const QString& token = QStringLiteral("test-token"));

// Sends each datagram from one socket, pausing now and then so that loopback never overflows.
void sendDatagrams(const QList<QByteArray>& datagrams, quint16 port,
    const QHostAddress& address = QHostAddress(QHostAddress::LocalHost));

} // namespace Kodemon::Test
