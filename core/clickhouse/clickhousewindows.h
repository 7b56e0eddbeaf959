// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace Kodemon {

struct ClickHouseConfig;
class RowBinaryReader;

// The resent windows (docs/CLICKHOUSE.md, "Exactly once"): the time spans of a series in which a resent batch may
// have left copies of samples, recorded by the writer before it sends such a batch. Reads merge copies there only.
namespace ClickHouseWindows {

using Windows = QList<QPair<double, double>>;

// Windows that overlap, or touch, become one; sorted.
Windows coalesced(Windows windows);

// " FROM ... " reading the samples that match `condition`, each once: straight from `table` outside the windows,
// merged (FINAL) inside them; `columns` are the ones the query needs from a subquery. Too many windows make one
// merged read.
QByteArray samplesFrom(
    const QByteArray& table, const QByteArray& columns, const QByteArray& condition, Windows windows);

// A scalar subquery: the windows of the series that `seriesCondition` selects (empty: every series) which overlap
// `range`, as Array(Tuple(Float64, Float64)), from this server's own copy.
QByteArray subquery(const ClickHouseConfig& config, const QByteArray& seriesCondition, const TimeRange& range);
Windows read(RowBinaryReader& reader);

} // namespace ClickHouseWindows

} // namespace Kodemon
