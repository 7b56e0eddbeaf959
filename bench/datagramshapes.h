// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace Kodemon::Bench {

// The datagram shapes the decorator sends, for the parser benchmarks: plain, extras, extras-distinct,
// loadgen-mix, python2-kwargs, escaped. Made up front and deterministically (seed 7), as kodemon-loadgen makes them.
QStringList datagramShapes();
QList<QByteArray> makeDatagrams(const QString& shape, int count);

// CPU time of this thread: on a shared machine, time spent waiting for a core is not the parser's.
qint64 threadNanoseconds();

} // namespace Kodemon::Bench
