// SPDX-License-Identifier: MIT
#include "store/alerthistory.h"

#include <array>

namespace Kodemon {

namespace {

constexpr std::array<std::pair<AlertState, const char16_t*>, 5> StateNames { {
    { AlertState::Ok, u"ok" },
    { AlertState::Pending, u"pending" },
    { AlertState::Firing, u"firing" },
    { AlertState::Resolving, u"resolving" },
    { AlertState::Resolved, u"resolved" },
} };

} // namespace

QString alertStateName(AlertState state)
{
    for (const auto& [known, name] : StateNames) {
        if (known == state)
            return QString::fromUtf16(name);
    }
    return {};
}

std::optional<AlertState> parseAlertState(const QString& name)
{
    for (const auto& [state, known] : StateNames) {
        if (name == QStringView(known))
            return state;
    }
    return std::nullopt;
}

bool isFiring(AlertState state)
{
    return state == AlertState::Firing || state == AlertState::Resolving;
}

} // namespace Kodemon
