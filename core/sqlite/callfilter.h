// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "sqlite/chunkview.h"
#include "sqlite/tagdictionary.h"

#include <QList>

namespace Kodemon {

// A selector's tag filters and outcome compiled against one series' dictionary, so that a chunk's rows are
// tested by their tag ids alone: no JSON is read, but for the rare values past TagLimits::MaxValuesPerTag (which
// share an "other" id and keep their JSON). Rows that have neither tags nor a failure are judged once.
class CallFilter final
{
public:
    CallFilter(const SeriesTags& dictionary, const QList<TagFilter>& filters, CallOutcome outcome);

    // Whether a call with these tag ids passes; `storedExtra` is read only for an "other" value.
    bool passes(bool failed, const quint32* ids, qsizetype idCount, QByteArrayView storedExtra) const;
    bool passes(const ChunkRow& row) const;
    // Whether a call without tags that did not fail passes (most calls are such).
    bool passesUntagged() const { return m_untaggedPasses; }

private:
    enum class Match : quint8 { Unrelated, Equal, Different, Unknown };
    struct Compiled
    {
        TagFilter filter;
        QList<Match> byId; // index = id
    };
    bool filterPasses(const Compiled& compiled, const quint32* ids, qsizetype idCount, QByteArrayView extra) const;

    QList<Compiled> m_filters;
    CallOutcome m_outcome;
    bool m_untaggedPasses = true;
};

// Which rows of a chunk a query reads.
struct RowSelection
{
    QList<bool> selected; // one per row of the chunk
    qsizetype count = 0; // how many are selected
    qsizetype failed = 0; // how many of those failed
    QList<double> timestamps; // every row's, when the selection needed them (a range cut the chunk)
};

// Selects the rows of `series` (all of a series chunk's), within `cut` when the range cuts the chunk (null: the
// chunk lies inside), passing `filter` (null: every call). False on a damaged chunk.
bool selectRows(const ChunkView& chunk, qint64 series, const TimeRange* cut, const CallFilter* filter,
    RowSelection& out);

// How many of the series' rows in the chunk failed, when every row is read (no range cut, no filter).
qsizetype countFailed(const ChunkView& chunk, qint64 series, bool& ok);

} // namespace Kodemon
