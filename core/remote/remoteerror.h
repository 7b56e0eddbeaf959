// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "remote/remoteapi.h"

#include <optional>

namespace Kodemon {

// What went wrong with an exchange with a remote Kodemon, in words that name the server and say what to do;
// nothing when it answered 200. 400 is Invalid and a Kodemon's 404 NotFound (as the local store would say);
// everything else (unreachable, timeout, 401, 5xx, not a Kodemon at all) is Failed. `tokenSent` tells a
// missing API token from a wrong one. Pure.
std::optional<Error> remoteError(const HttpOutcome& outcome, const QString& server, bool tokenSent);

} // namespace Kodemon
