// SPDX-License-Identifier: MIT
#include "store/store.h"

namespace Kodemon {

Result<QList<TimedValue>> StoreReader::values(const SeriesSelector& selector)
{
    constexpr int PageSize = 100000;
    QList<TimedValue> values;
    QString cursor;
    do {
        auto page = samples(selector, cursor, PageSize);
        if (!page)
            return page.failure();
        for (const auto& sample : std::as_const(page->samples))
            values.append({ sample.timestamp, sample.executionTime });
        cursor = page->next.value_or(QString());
    } while (!cursor.isEmpty());
    return values;
}

Result<QList<SeriesSummary>> StoreReader::summaries(const TimeRange& range, const std::optional<QString>& token)
{
    auto series = listSeries(token);
    if (!series)
        return series.failure();
    QList<SeriesSummary> rows;
    rows.reserve(series->size());
    for (const auto& info : std::as_const(*series)) {
        auto stats = this->stats(SeriesSelector { info.id.key, info.id.token, range });
        if (!stats && stats.errorKind() != ErrorKind::NotFound)
            return stats.failure();
        SeriesSummary row { info, 0, 0, 0 };
        if (stats) {
            row.count = stats->count;
            row.mean = stats->mean;
            row.p95 = stats->p95;
        }
        rows.append(row);
    }
    return rows;
}

} // namespace Kodemon
