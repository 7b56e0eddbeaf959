// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"
#include "base/types.h"
#include "sqlite/chunkview.h"

#include <functional>
#include <optional>

namespace Kodemon {

// Where a row stands in a page: by timestamp, then series, then arrival. A cursor is the last position returned.
struct PagePosition
{
    double timestamp = 0;
    qint64 seriesId = 0;
    qint64 sequence = 0;

    friend bool operator<(const PagePosition& a, const PagePosition& b)
    {
        return std::tie(a.timestamp, a.seriesId, a.sequence) < std::tie(b.timestamp, b.seriesId, b.sequence);
    }
};

QString encodeCursor(const PagePosition& position);
// An empty cursor is the first page (no position); one this server never gave out is an Invalid error.
Result<std::optional<PagePosition>> decodeCursor(const QString& cursor);

// Gathers one page from chunks that come in any order (several series, overlapping times): keeps the rows after
// the cursor, and of those only the `limit + 1` earliest; the one beyond the limit says a next page exists.
class PageCandidates final
{
public:
    PageCandidates(int limit, std::optional<PagePosition> after);

    void add(qint64 seriesId, ChunkRow&& row);
    // True once no row at `timestamp` or later can be on the page: the caller may skip chunks starting there.
    bool excludesFrom(double timestamp) const;
    // The page, oldest first, and the cursor of the next one; `tokenOf` names each row's token.
    SamplePage page(const std::function<QString(qint64 seriesId)>& tokenOf);

private:
    struct Candidate
    {
        PagePosition position;
        double executionTime = 0;
        QByteArray extra;
    };
    void trim();

    qsizetype m_limit;
    std::optional<PagePosition> m_after;
    std::optional<PagePosition> m_bound; // no row beyond it can be on the page
    QList<Candidate> m_candidates;
};

} // namespace Kodemon
