// SPDX-License-Identifier: MIT
#include "sqlite/callfilter.h"

#include "base/tagfilter.h"

namespace Kodemon {

CallFilter::CallFilter(const SeriesTags& dictionary, const QList<TagFilter>& filters, CallOutcome outcome)
    : m_outcome(outcome)
{
    const auto& entries = dictionary.entries();
    for (const TagFilter& filter : filters) {
        Compiled compiled { filter, QList<Match>(entries.size() + 1, Match::Unrelated) };
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const TagEntry& entry = entries[i];
            if (entry.name != filter.name)
                continue;
            compiled.byId[i + 1] = entry.kind == TagValueKind::Other ? Match::Unknown
                : entry.value == filter.value                         ? Match::Equal
                                                                      : Match::Different;
        }
        m_filters.append(std::move(compiled));
    }
    m_untaggedPasses = outcome != CallOutcome::Failed && passes(false, nullptr, 0, {});
}

bool CallFilter::filterPasses(const Compiled& compiled, const quint32* ids, qsizetype idCount, QByteArrayView extra) const
{
    Match match = Match::Unrelated;
    for (qsizetype i = 0; i < idCount && match == Match::Unrelated; ++i)
        match = ids[i] < quint32(compiled.byId.size()) ? compiled.byId[ids[i]] : Match::Unrelated;
    if (match == Match::Unknown) {
        // A value past the dictionary's limit: its call kept its JSON, which says.
        const TagFilter& filter = compiled.filter;
        return tagFilterMatches(filter, readCallTags(extra));
    }
    switch (compiled.filter.op) {
    case TagFilter::Op::Equals:
        return match == Match::Equal;
    case TagFilter::Op::NotEquals:
        return match != Match::Equal;
    case TagFilter::Op::Present:
        return match != Match::Unrelated;
    case TagFilter::Op::Absent:
        return match == Match::Unrelated;
    }
    return false;
}

bool CallFilter::passes(bool failed, const quint32* ids, qsizetype idCount, QByteArrayView storedExtra) const
{
    if ((m_outcome == CallOutcome::Failed && !failed) || (m_outcome == CallOutcome::Succeeded && failed))
        return false;
    for (const Compiled& compiled : m_filters) {
        if (!filterPasses(compiled, ids, idCount, storedExtra))
            return false;
    }
    return true;
}

bool CallFilter::passes(const ChunkRow& row) const
{
    return passes(row.failed, row.tagIds.constData(), row.tagIds.size(),
        row.extraFromTags ? QByteArrayView() : QByteArrayView(row.extra));
}

namespace {

// Clears the rows of other series in a mixed chunk.
bool keepSeries(const ChunkView& chunk, qint64 series, QList<bool>& selected)
{
    if (chunk.kind() != SampleChunk::Kind::Mixed)
        return true;
    QList<qint64> ids;
    if (!chunk.readSeriesColumn(ids))
        return false;
    for (qsizetype i = 0; i < ids.size(); ++i)
        selected[i] = selected[i] && ids[i] == series;
    return true;
}

bool keepRange(const ChunkView& chunk, const TimeRange& range, RowSelection& out)
{
    if (!chunk.readTimestampColumn(out.timestamps))
        return false;
    for (qsizetype i = 0; i < out.timestamps.size(); ++i)
        out.selected[i] = out.selected[i] && range.contains(out.timestamps[i]);
    return true;
}

// Applies the filter to the rows the tag column lists (the others were judged with passesUntagged()).
bool keepPassing(const ChunkView& chunk, const CallFilter& filter, const TagColumn& tags, QList<bool>& selected)
{
    QList<QByteArrayView> extras;
    bool extrasRead = false;
    for (const auto& entry : tags.entries) {
        if (!selected[entry.row])
            continue; // already out: another series, outside the range
        if (!extrasRead && chunk.hasStoredExtras()) {
            if (!chunk.readStoredExtras(extras))
                return false;
            extrasRead = true;
        }
        const QByteArrayView extra = extrasRead && !entry.extraFromTags ? extras[entry.row] : QByteArrayView();
        selected[entry.row] = selected[entry.row]
            && filter.passes(entry.failed, tags.ids.constData() + entry.firstId, entry.idCount, extra);
    }
    return true;
}

} // namespace

bool selectRows(const ChunkView& chunk, qint64 series, const TimeRange* cut, const CallFilter* filter,
    RowSelection& out)
{
    const bool untaggedPass = !filter || filter->passesUntagged();
    // Unlisted rows (no tags, not failed) pass or not as a whole; listed ones are judged below.
    out.selected.fill(untaggedPass, chunk.size());
    TagColumn tags;
    if (!chunk.readTagColumn(tags))
        return false;
    if (filter && !untaggedPass) {
        for (const auto& entry : tags.entries)
            out.selected[entry.row] = true; // candidates: judged by keepPassing
    }
    if (!keepSeries(chunk, series, out.selected) || (cut && !keepRange(chunk, *cut, out)))
        return false;
    if (filter && !keepPassing(chunk, *filter, tags, out.selected))
        return false;
    out.count = 0;
    for (const bool selected : std::as_const(out.selected))
        out.count += selected ? 1 : 0;
    out.failed = 0;
    for (const auto& entry : tags.entries)
        out.failed += entry.failed && out.selected[entry.row] ? 1 : 0;
    return true;
}

qsizetype countFailed(const ChunkView& chunk, qint64 series, bool& ok)
{
    ok = true;
    TagColumn tags;
    if (!chunk.readTagColumn(tags)) {
        ok = false;
        return 0;
    }
    qsizetype failed = 0;
    bool anyFailed = false;
    for (const auto& entry : tags.entries)
        anyFailed = anyFailed || entry.failed;
    if (!anyFailed)
        return 0;
    QList<qint64> ids;
    if (chunk.kind() == SampleChunk::Kind::Mixed && !chunk.readSeriesColumn(ids)) {
        ok = false;
        return 0;
    }
    for (const auto& entry : tags.entries)
        failed += entry.failed && (ids.isEmpty() || ids[entry.row] == series) ? 1 : 0;
    return failed;
}

} // namespace Kodemon
