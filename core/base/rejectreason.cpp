// SPDX-License-Identifier: MIT
#include "base/rejectreason.h"

#include <array>

namespace Kodemon {

namespace {

constexpr std::array<QLatin1StringView, RejectReasonCount> ReasonNames = {
    QLatin1StringView("empty"),
    QLatin1StringView("too_large"),
    QLatin1StringView("not_json"),
    QLatin1StringView("not_object"),
    QLatin1StringView("missing_key"),
    QLatin1StringView("bad_key"),
    QLatin1StringView("missing_execution_time"),
    QLatin1StringView("bad_execution_time"),
    QLatin1StringView("missing_timestamp"),
    QLatin1StringView("bad_timestamp"),
    QLatin1StringView("bad_token"),
    QLatin1StringView("source_not_allowed"),
};

} // namespace

QLatin1StringView rejectReasonName(RejectReason reason)
{
    const auto index = static_cast<size_t>(reason);
    return index < ReasonNames.size() ? ReasonNames[index] : QLatin1StringView("unknown");
}

} // namespace Kodemon
