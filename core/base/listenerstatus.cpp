// SPDX-License-Identifier: MIT
#include "base/listenerstatus.h"

namespace Kodemon {

qint64 ListenerStatus::total(const QString& group) const
{
    qint64 sum = 0;
    for (const auto& g : groups) {
        if (g.name != group)
            continue;
        for (const auto& count : g.counts)
            sum += count.count;
    }
    return sum;
}

QString listenerStateName(ListenerStatus::State state)
{
    switch (state) {
    case ListenerStatus::State::Off:
        return QStringLiteral("off");
    case ListenerStatus::State::Listening:
        return QStringLiteral("listening");
    case ListenerStatus::State::Unavailable:
        return QStringLiteral("unavailable");
    }
    return QStringLiteral("off");
}

} // namespace Kodemon
