// SPDX-License-Identifier: MIT
#include "sqlite/sqlitesummaries.h"

#include <algorithm>

namespace Kodemon::SqliteSummaries {

std::optional<CallSummary> read(const SqliteStatement& row, int first)
{
    auto sketch = LatencySketch::decode(row.columnBlob(first + 6));
    if (!sketch)
        return std::nullopt;
    CallSummary summary;
    summary.count = row.columnInt(first);
    summary.sum = row.columnDouble(first + 1);
    summary.sumSquares = row.columnDouble(first + 2);
    summary.min = row.columnDouble(first + 3);
    summary.max = row.columnDouble(first + 4);
    summary.errors = row.columnInt(first + 5);
    summary.sketch = std::move(*sketch);
    if (summary.sketch.count() != summary.count)
        return std::nullopt; // the columns disagree: not a summary to trust
    return summary;
}

bool mergeInto(const SqliteStatement& row, int first, CallSummary& into)
{
    const qint64 count = row.columnInt(first);
    const bool wasEmpty = into.count == 0;
    if (!into.sketch.mergeEncoded(row.columnBlob(first + 6), count))
        return false;
    if (count == 0)
        return true;
    const double min = row.columnDouble(first + 3);
    const double max = row.columnDouble(first + 4);
    into.min = wasEmpty ? min : std::min(into.min, min);
    into.max = wasEmpty ? max : std::max(into.max, max);
    into.count += count;
    into.sum += row.columnDouble(first + 1);
    into.sumSquares += row.columnDouble(first + 2);
    into.errors += row.columnInt(first + 5);
    return true;
}

Result<CallSummary> load(SqliteStatement& load, qint64 seriesId)
{
    load.reset();
    load.bind(1, seriesId);
    CallSummary summary;
    if (load.step()) {
        if (auto found = read(load, 0))
            summary = std::move(*found);
    } else if (load.failed()) {
        return load.failure(QStringLiteral("cannot read a series' summary"));
    }
    load.reset();
    return summary;
}

Status save(SqliteStatement& save, qint64 seriesId, const CallSummary& summary)
{
    const QByteArray sketch = summary.sketch.encode();
    save.reset();
    save.bind(1, seriesId);
    save.bind(2, summary.count);
    save.bind(3, summary.sum);
    save.bind(4, summary.sumSquares);
    save.bind(5, summary.min);
    save.bind(6, summary.max);
    save.bind(7, summary.errors);
    save.bindBlob(8, sketch);
    save.step();
    if (save.failed())
        return save.failure(QStringLiteral("cannot write a series' summary"));
    save.reset();
    return Ok {};
}

} // namespace Kodemon::SqliteSummaries
