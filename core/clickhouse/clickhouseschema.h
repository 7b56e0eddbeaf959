// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

namespace Kodemon {

class ClickHouseClient;

// Creates Kodemon's tables on a ClickHouse server when they are missing and checks them when they exist.
// One server: `samples`, a ReplacingMergeTree. Cluster: `samples_local` (the same) on this shard plus `samples`,
// a Distributed table over every shard's `samples_local`. The layout is in docs/CLICKHOUSE.md.
namespace ClickHouseSchema {

Status ensure(ClickHouseClient& client);

} // namespace ClickHouseSchema

} // namespace Kodemon
