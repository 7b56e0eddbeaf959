// SPDX-License-Identifier: MIT
#include "sqlite/sqlitesummaries.h"

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
