// SPDX-License-Identifier: MIT
#include "sqlite/seriesscan.h"

#include "base/logging.h"

namespace Kodemon {

SeriesScan::SeriesScan(
    sqlite3* db, qint64 seriesId, const TimeRange& range, const CallFilter* filter, ChunkScan::Sources sources)
    : m_db(db)
    , m_seriesId(seriesId)
    , m_range(range)
    , m_filter(filter)
    , m_sources(sources)
{ }

void SeriesScan::warnDamaged() const
{
    qCWarning(lcStorage) << "skipping a chunk of series" << m_seriesId << "whose rows are damaged";
}

Status SeriesScan::forEachChunk(const std::function<void(const ChunkScan& scan)>& visit)
{
    auto scan = ChunkScan::start(m_db, m_seriesId, m_range, m_sources);
    if (!scan)
        return scan.failure();
    while (scan->next())
        visit(*scan);
    if (auto error = scan->error())
        return Error { *error };
    return Ok {};
}

bool SeriesScan::readsWhole(const ChunkScan& scan) const
{
    return !m_filter && scan.insideRange();
}

Status SeriesScan::executionTimes(QList<double>& out, qint64& failed)
{
    RowSelection selection;
    return forEachChunk([&](const ChunkScan& scan) {
        const ChunkView& chunk = scan.chunk();
        if (readsWhole(scan)) {
            bool ok = true;
            const qsizetype failures = countFailed(chunk, m_seriesId, ok);
            if (!ok || !chunk.appendExecutionTimes(m_seriesId, out))
                return warnDamaged();
            failed += failures;
            return;
        }
        if (!selectRows(chunk, m_seriesId, scan.insideRange() ? nullptr : &m_range, m_filter, selection))
            return warnDamaged();
        chunk.appendExecutionTimes(selection.selected, out);
        failed += selection.failed;
    });
}

Status SeriesScan::timedValues(QList<TimedValue>& out, QList<double>* failures, bool* ordered)
{
    RowSelection selection;
    TagColumn tags;
    double latest = std::numeric_limits<double>::lowest();
    return forEachChunk([&](const ChunkScan& scan) {
        // Chunks come by their first call; only chunks that overlap in time need sorting afterwards.
        if (ordered)
            *ordered = *ordered && scan.minTimestamp() >= latest;
        latest = std::max(latest, scan.maxTimestamp());
        const ChunkView& chunk = scan.chunk();
        const qsizetype before = out.size();
        if (readsWhole(scan) && chunk.kind() == SampleChunk::Kind::Series) {
            // Every row, in one pass over the columns: the failures, if any, come from the tag column.
            if (!chunk.appendTimedValues(m_seriesId, out) || !chunk.readTagColumn(tags))
                return warnDamaged();
            for (const auto& entry : std::as_const(tags.entries)) {
                if (failures && entry.failed)
                    failures->append(out[before + entry.row].timestamp);
            }
            return;
        }
        if (!selectRows(chunk, m_seriesId, readsWhole(scan) ? nullptr : &m_range, m_filter, selection))
            return warnDamaged();
        if (!chunk.appendTimedValues(selection.selected, out))
            return warnDamaged();
        if (!failures || selection.failed == 0 || !chunk.readTagColumn(tags))
            return;
        // The selected rows in row order are out[before...]: a failed row's start is found by counting.
        qsizetype index = before;
        qsizetype row = 0;
        for (const auto& entry : std::as_const(tags.entries)) {
            for (; row < entry.row; ++row)
                index += selection.selected[row] ? 1 : 0;
            if (selection.selected[entry.row] && entry.failed)
                failures->append(out[index].timestamp);
        }
    });
}

Status SeriesScan::visit(const Visit& visit)
{
    RowSelection selection;
    TagColumn tags;
    QList<double> times;
    return forEachChunk([&](const ChunkScan& scan) {
        const ChunkView& chunk = scan.chunk();
        if (!selectRows(chunk, m_seriesId, nullptr, m_filter, selection) || !chunk.readTagColumn(tags)
            || !chunk.readTimestampColumn(selection.timestamps))
            return warnDamaged();
        times.clear();
        chunk.appendExecutionTimes(QList<bool>(chunk.size(), true), times);
        qsizetype next = 0;
        for (qsizetype row = 0; row < chunk.size(); ++row) {
            const bool listed = next < tags.entries.size() && tags.entries[next].row == row;
            const TagColumn::Entry* entry = listed ? &tags.entries[next++] : nullptr;
            if (!selection.selected[row] || !m_range.contains(selection.timestamps[row]))
                continue;
            const TimedValue call { selection.timestamps[row], times[row] };
            if (entry)
                visit(call, entry->failed, tags.ids.constData() + entry->firstId, entry->idCount);
            else
                visit(call, false, nullptr, 0);
        }
    });
}

} // namespace Kodemon
