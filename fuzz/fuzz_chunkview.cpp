// SPDX-License-Identifier: MIT
// libFuzzer target: the chunk codec's reader (chunkview.h) on any blob, as a damaged database would hand it over,
// and the tag filters' row selection (callfilter.h) over it. Properties: no read outside the blob, every reader
// agrees on the number of rows, and whatever a reader accepts re-encodes to a blob that reads back the same.
#include "sqlite/callfilter.h"
#include "sqlite/chunkview.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace Kodemon;

namespace {

bool same(const ChunkRow& a, const ChunkRow& b)
{
    return std::memcmp(&a.timestamp, &b.timestamp, sizeof(double)) == 0
        && std::memcmp(&a.executionTime, &b.executionTime, sizeof(double)) == 0 && a.sequence == b.sequence
        && a.receivedDelay == b.receivedDelay && a.extra == b.extra && a.series == b.series && a.tagIds == b.tagIds
        && a.failed == b.failed && a.extraFromTags == b.extraFromTags;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray blob(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto view = ChunkView::parse(blob);
    if (!view)
        return 0;
    QList<ChunkRow> rows;
    const bool readable = view->appendAllRows(rows);
    if (readable && rows.size() != view->size())
        std::abort();
    TagColumn tags;
    if (view->readTagColumn(tags)) {
        for (const auto& entry : tags.entries) {
            if (entry.row < 0 || entry.row >= view->size() || entry.firstId + entry.idCount > tags.ids.size())
                std::abort();
        }
    }
    // Selecting rows with a filter that reads every kind of entry: never outside the blob.
    SeriesTags dictionary;
    const CallFilter filter(dictionary, { TagFilter { TagFilter::Op::NotEquals, QStringLiteral("a"), QStringLiteral("b") } },
        CallOutcome::Succeeded);
    RowSelection selection;
    const TimeRange cut { 0.0, 1e12 };
    if (selectRows(*view, 1, &cut, &filter, selection) && selection.selected.size() != view->size())
        std::abort();
    if (!readable)
        return 0;
    const QByteArray again = SampleChunk::encode(view->kind(), rows);
    const auto reread = ChunkView::parse(again);
    QList<ChunkRow> back;
    if (!reread || !reread->appendAllRows(back) || back.size() != rows.size())
        std::abort();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        // A row rebuilt from tags stores no JSON: its extra reads back empty.
        ChunkRow expected = rows[i];
        if (expected.extraFromTags)
            expected.extra.clear();
        if (!same(back[i], expected))
            std::abort();
    }
    return 0;
}
