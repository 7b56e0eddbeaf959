// SPDX-License-Identifier: MIT
#pragma once

#include <QLatin1StringView>

namespace Kodemon {

// Why an object (or a whole datagram) was not stored. Names are stable: they appear in the API and logs.
enum class RejectReason {
    Empty, // an empty datagram or line
    TooLarge, // larger than a UDP datagram can be
    NotJson,
    NotObject,
    MissingKey,
    BadKey, // not a string, empty, or longer than MaxKeyBytes
    MissingExecutionTime,
    BadExecutionTime, // not a finite number >= 0
    MissingTimestamp,
    BadTimestamp, // not a finite number
    BadToken, // present but not a string
    SourceNotAllowed, // the sender's address is outside the allowed ranges
    Count
};

inline constexpr int RejectReasonCount = static_cast<int>(RejectReason::Count);
QLatin1StringView rejectReasonName(RejectReason reason);

} // namespace Kodemon
