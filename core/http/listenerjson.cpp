// SPDX-License-Identifier: MIT
#include "http/listenerjson.h"

#include "http/httpjson.h"

namespace Kodemon::Json {

namespace {

QByteArray counts(const QList<NamedCount>& counts)
{
    QByteArray out = "{";
    for (const auto& count : counts) {
        if (out.size() > 1)
            out += ',';
        out += string(count.name) + ':' + QByteArray::number(count.count);
    }
    return out + '}';
}

QByteArray listener(const ListenerStatus& l)
{
    const auto text = [](const QString& s) { return s.isEmpty() ? QByteArrayLiteral("null") : string(s); };
    QByteArray out = "{\"state\":" + string(listenerStateName(l.state)) + ",\"address\":" + text(l.endpoint)
        + ",\"problem\":" + text(l.problem) + ",\"" + l.unit.toUtf8() + "_received\":" + QByteArray::number(l.received)
        + ",\"calls_accepted\":" + QByteArray::number(l.calls);
    if (l.kernelDrops >= 0)
        out += ",\"kernel_drops\":" + QByteArray::number(l.kernelDrops);
    for (const auto& group : l.groups)
        out += ',' + string(group.name) + ':' + counts(group.counts);
    return out + '}';
}

} // namespace

QByteArray listeners(const QList<ListenerStatus>& listeners)
{
    QByteArray out = "{";
    for (const auto& l : listeners) {
        if (out.size() > 1)
            out += ',';
        out += string(l.protocol) + ':' + listener(l);
    }
    return out + '}';
}

} // namespace Kodemon::Json
