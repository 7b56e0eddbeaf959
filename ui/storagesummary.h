// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "store/store.h"

#include <optional>
#include <QString>

namespace Kodemon::StorageSummary {

// What the Settings dialog says about how long data is kept and what is kept now: the policy (from the command
// line), the oldest call and summary, the bytes of each tier. Plain text, one sentence a line.
QString describe(const RetentionPolicy& policy, const StorageStatus& status);

// The warning for a file made by a Kodemon before retention existed, while its retention has not started yet:
// when it starts and what it will do. Empty when there is nothing to warn about (no wait, or the wait is over, or
// the policy keeps everything).
QString upgradeNotice(const RetentionPolicy& policy, const StorageStatus& status, double now);

} // namespace Kodemon::StorageSummary
