// SPDX-License-Identifier: MIT
#include "sqlite/sqlitereader.h"

#include "base/logging.h"
#include "sqlite/callfilter.h"
#include "sqlite/chunkscan.h"
#include "sqlite/pagecandidates.h"
#include "sqlite/rollup.h"
#include "sqlite/seriesscan.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestatement.h"
#include "sqlite/summaryscan.h"
#include "store/taggrouping.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <sqlite3.h>

namespace Kodemon {

namespace {

// Every statement below returns these columns of `series`, in this order.
constexpr const char* SeriesColumns
    = "SELECT id, token, key, sample_count, first_ts, last_ts, total_ms, error_count FROM series "
      "WHERE sample_count > 0";

SqliteReader::SeriesRef seriesRef(const SqliteStatement& row)
{
    return { SeriesInfo { KeyId { QString::fromUtf8(row.columnText(1)), QString::fromUtf8(row.columnText(2)) },
                 row.columnInt(3), row.columnDouble(4), row.columnDouble(5), row.columnDouble(6), row.columnInt(7) },
        row.columnInt(0) };
}

TimeRange coveredRange(const QList<SqliteReader::SeriesRef>& series, const TimeRange& range)
{
    TimeRange covered = range;
    double first = series.front().info.first;
    double last = series.front().info.last;
    for (const auto& ref : series) {
        first = std::min(first, ref.info.first);
        last = std::max(last, ref.info.last);
    }
    if (!covered.from)
        covered.from = first;
    if (!covered.to)
        covered.to = last;
    return covered;
}

// The buckets of a range answered from summaries. Where the range holds rollups: at least `wanted`'s width,
// rounded up to whole hours when a bucket spans an hour or more (else to whole minutes), from the hour (minute) at
// or before the range's start, so that an hour row (a minute) lies in one bucket; at most `wanted` buckets.
// Otherwise the Bucketizer's arithmetic (stats.cpp), so that a call lands in the same bucket either way. A call at
// the range's end counts in the last bucket.
struct SummaryGrid
{
    double origin = 0;
    double step = Rollup::Minute;
    int count = 1;

    static SummaryGrid exact(double from, double to, int wanted)
    {
        return { from, to - from > 0 ? (to - from) / wanted : 1.0, wanted };
    }

    static SummaryGrid wholeMinutes(double from, double to, int wanted)
    {
        wanted = std::max(wanted, 1);
        const double unit = (to - from) / wanted >= Rollup::Hour ? Rollup::Hour : Rollup::Minute;
        SummaryGrid grid;
        grid.origin = std::floor(from / unit) * unit;
        grid.step = std::max(unit, std::ceil((to - grid.origin) / wanted / unit) * unit);
        grid.count = int(std::clamp<double>(std::ceil((to - grid.origin) / grid.step), 1, wanted));
        return grid;
    }

    int bucketOf(double t) const
    {
        return int(std::clamp<double>(std::floor((t - origin) / step), 0, count - 1));
    }

    // The smallest time whose bucketOf() is at least `bucket` (bucketOf never decreases as t grows): with the next
    // bucket's, the exact bounds of a bucket, so that the calls of a cut chunk are placed by two comparisons each
    // instead of a division.
    double firstOf(int bucket) const
    {
        if (bucket <= 0)
            return -std::numeric_limits<double>::infinity();
        if (bucket >= count)
            return std::numeric_limits<double>::infinity();
        double t = origin + double(bucket) * step;
        while (bucketOf(t) >= bucket)
            t = std::nextafter(t, -std::numeric_limits<double>::infinity());
        while (bucketOf(t) < bucket)
            t = std::nextafter(t, std::numeric_limits<double>::infinity());
        return t;
    }
};

bool earlier(const TimedValue& a, const TimedValue& b)
{
    return a.timestamp < b.timestamp;
}

bool overlaps(const SeriesInfo& info, const TimeRange& range)
{
    return !(range.from && *range.from > info.last) && !(range.to && *range.to < info.first);
}

// What the entries of one tag's values mean for a group-by: the value's text, or "other" for the overflow entry.
struct GroupOf
{
    QList<const TagEntry*> byId; // index = id; null: not the grouped tag
    const TagEntry* entryOf(const quint32* ids, qsizetype count) const
    {
        for (qsizetype i = 0; i < count; ++i) {
            if (ids[i] < quint32(byId.size()) && byId[ids[i]])
                return byId[ids[i]];
        }
        return nullptr;
    }
};

GroupOf groupOf(const SeriesTags& dictionary, const QString& name)
{
    GroupOf group { QList<const TagEntry*>(dictionary.size() + 1, nullptr) };
    for (qsizetype i = 0; i < dictionary.size(); ++i) {
        if (dictionary.entries()[i].name == name)
            group.byId[i + 1] = &dictionary.entries()[i];
    }
    return group;
}

void addToGroup(TagGrouping& grouping, const GroupOf& group, const TimedValue& call, bool failed, const quint32* ids,
    qsizetype idCount)
{
    const TagEntry* entry = group.entryOf(ids, idCount);
    if (!entry)
        grouping.add(std::nullopt, call, failed);
    else
        grouping.add(entry->value, call, failed, entry->kind == TagValueKind::Other);
}

SeriesSummary summaryOf(const SeriesInfo& info, QList<double>& times, qint64 errors)
{
    SeriesSummary row = summarize(info, times);
    row.errors = errors;
    return row;
}

// The range a summary scan reads for one series. A minute summary belongs to a range when its start does, so a
// range from the series' first call (the window's "All" starts there) would leave out that call's minute: the
// chart of a year drew 90,599 of a function's 90,600 calls. Nothing of the series lies before its first call or
// after its last, so a range end beyond them is opened.
TimeRange summaryRange(const SeriesInfo& series, const TimeRange& range)
{
    TimeRange opened = range;
    if (opened.from && *opened.from <= series.first)
        opened.from.reset();
    if (opened.to && *opened.to >= series.last)
        opened.to.reset();
    return opened;
}

} // namespace

SqliteReader::SqliteReader(QString path, ReadScope scope, qint64 exactCallLimit)
    : m_path(std::move(path))
    , m_scope(std::move(scope))
    , m_exactCallLimit(exactCallLimit)
{ }

SqliteReader::~SqliteReader() = default;

sqlite3* SqliteReader::handle() const
{
    return SqliteStatement::handle(m_connection->database());
}

Result<QList<SqliteReader::SeriesRef>> SqliteReader::seriesOf(const std::optional<QString>& token)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    // The most asked question (the web page and the window poll it): the raw statement spares a QVariant per
    // value, a third of the time for a thousand series.
    const QByteArray sql
        = QByteArray(SeriesColumns) + (token ? " AND token = ? ORDER BY key, token" : " ORDER BY key, token");
    auto statement = SqliteStatement::prepare(handle(), sql.constData());
    if (!statement)
        return statement.failure();
    const QByteArray tokenText = token ? token->toUtf8() : QByteArray();
    if (token)
        statement->bindText(1, tokenText);
    return inScope(*statement);
}

Result<QList<SqliteReader::SeriesRef>> SqliteReader::inScope(SqliteStatement& statement) const
{
    QList<SeriesRef> series;
    while (statement.step()) {
        SeriesRef ref = seriesRef(statement);
        // Out of scope is the same as absent, so no answer tells the two apart.
        if (m_scope.allows(ref.info.id.token))
            series.append(std::move(ref));
    }
    if (statement.failed())
        return statement.failure(QStringLiteral("database query failed"));
    return series;
}

Result<QList<SeriesInfo>> SqliteReader::listSeries(const std::optional<QString>& token)
{
    auto series = seriesOf(token);
    if (!series)
        return series.failure();
    QList<SeriesInfo> infos;
    infos.reserve(series->size());
    for (const auto& ref : std::as_const(*series))
        infos.append(ref.info);
    return infos;
}

Result<QList<SqliteReader::SeriesRef>> SqliteReader::resolve(const SeriesSelector& selector)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    const QByteArray sql = QByteArray(SeriesColumns) + " AND key = ?1" + (selector.token ? " AND token = ?2" : "")
        + " ORDER BY id";
    auto statement = SqliteStatement::prepareCached(handle(), sql.constData());
    if (!statement)
        return statement.failure();
    const QByteArray key = selector.key.toUtf8();
    const QByteArray token = selector.token.value_or(QString()).toUtf8();
    statement->bindText(1, key);
    if (selector.token)
        statement->bindText(2, token);
    auto series = inScope(*statement);
    if (!series || !series->isEmpty())
        return series;
    const QString which = selector.token ? QStringLiteral(" with token \"%1\"").arg(*selector.token) : QString();
    return Error { QStringLiteral("no samples of key \"%1\"%2").arg(selector.key, which), ErrorKind::NotFound };
}

Result<SeriesTags> SqliteReader::dictionary(qint64 seriesId)
{
    return SeriesTags::load(handle(), seriesId);
}

Result<std::unique_ptr<CallFilter>> SqliteReader::filterFor(
    qint64 seriesId, const QList<TagFilter>& tags, CallOutcome outcome)
{
    if (tags.isEmpty() && outcome == CallOutcome::All)
        return std::unique_ptr<CallFilter>();
    auto dictionary = this->dictionary(seriesId);
    if (!dictionary)
        return dictionary.failure();
    return std::make_unique<CallFilter>(*dictionary, tags, outcome);
}

Result<SamplePage> SqliteReader::samples(const SeriesSelector& selector, const QString& cursor, int limit)
{
    auto after = decodeCursor(cursor);
    if (!after)
        return after.failure();
    auto series = resolve(selector);
    if (!series)
        return series.failure();

    PageCandidates candidates(limit, *after);
    QList<ChunkRow> rows;
    for (const auto& ref : std::as_const(*series)) {
        auto dictionary = this->dictionary(ref.id);
        if (!dictionary)
            return dictionary.failure();
        const std::unique_ptr<CallFilter> filter = selector.selectsEveryCall()
            ? nullptr
            : std::make_unique<CallFilter>(*dictionary, selector.tags, selector.outcome);
        TimeRange scanned = selector.range;
        if (*after)
            scanned.from = std::max(scanned.from.value_or((*after)->timestamp), (*after)->timestamp);
        auto scan = ChunkScan::start(handle(), ref.id, scanned);
        if (!scan)
            return scan.failure();
        while (scan->next() && !candidates.excludesFrom(scan->minTimestamp())) {
            // Once excluded, this chunk and every later one start after the page's last row.
            rows.clear();
            if (!scan->chunk().appendRows(ref.id, rows))
                qCWarning(lcStorage) << "skipping a chunk of series" << ref.id << "whose rows are damaged";
            for (auto& row : rows) {
                if (!selector.range.contains(row.timestamp) || (filter && !filter->passes(row)))
                    continue;
                if (row.extraFromTags)
                    row.extra = dictionary->json(row.tagIds);
                candidates.add(ref.id, std::move(row));
            }
        }
        if (auto error = scan->error())
            return Error { *error };
    }
    return candidates.page([&series](qint64 seriesId) {
        for (const auto& ref : std::as_const(*series)) {
            if (ref.id == seriesId)
                return ref.info.id.token;
        }
        return QString();
    });
}

qsizetype SqliteReader::sizeHint(const QList<SeriesRef>& series, const TimeRange& range)
{
    // Reserving avoids regrowing a list of millions. The series' calls, in the share of its time span the range
    // covers (with a quarter to spare; a bursty series regrows): reserving its whole count for a day of a year
    // made What Changed allocate and free 160 MB per function, 45% of its time over 1,000 functions (perf).
    double total = 0;
    for (const auto& ref : series) {
        const double span = ref.info.last - ref.info.first;
        const double from = std::max(range.from.value_or(ref.info.first), ref.info.first);
        const double to = std::min(range.to.value_or(ref.info.last), ref.info.last);
        const double share = span > 0 ? std::clamp((to - from) / span, 0.0, 1.0) : 1.0;
        total += std::min(double(ref.info.count), double(ref.info.count) * share * 1.25 + 1024);
    }
    return qsizetype(std::min(total, 16.0 * 1024 * 1024));
}

Result<QList<TimedValue>> SqliteReader::values(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    QList<TimedValue> values;
    values.reserve(sizeHint(*series, selector.range));
    for (const auto& ref : std::as_const(*series)) {
        auto filter = filterFor(ref.id, selector.tags, selector.outcome);
        if (!filter)
            return filter.failure();
        const auto middle = values.size();
        bool ordered = true;
        if (auto status = SeriesScan(handle(), ref.id, selector.range, filter->get()).timedValues(values, nullptr, &ordered);
            !status)
            return status.failure();
        if (!ordered)
            std::stable_sort(values.begin() + middle, values.end(), earlier);
        // Each series comes sorted; merging keeps the whole sorted without a full sort.
        std::inplace_merge(values.begin(), values.begin() + middle, values.end(), earlier);
    }
    return values;
}

Result<bool> SqliteReader::usesSummaries(const QList<SeriesRef>& series, const SeriesSelector& selector)
{
    if (!selector.selectsEveryCall())
        return false; // summaries have no tags: filters read the calls kept whole
    if (selector.exact)
        return holdsRollups(series, selector.range); // the summarized calls only exist as summaries
    qint64 calls = 0;
    for (const auto& ref : series) {
        auto summarized = summarizedIn(ref, selector.range);
        if (!summarized)
            return summarized.failure();
        if (*summarized)
            return true; // calls older than the raw retention exist only as summaries
        auto estimate = SummaryScan::estimate(handle(), ref.id, selector.range);
        if (!estimate)
            return estimate.failure();
        calls += *estimate;
    }
    return calls > m_exactCallLimit;
}

Result<bool> SqliteReader::holdsRollups(const QList<SeriesRef>& series, const TimeRange& range)
{
    for (const auto& ref : series) {
        auto summarized = summarizedIn(ref, range);
        if (!summarized || *summarized)
            return summarized;
    }
    return false;
}

Result<bool> SqliteReader::summarizedIn(const SeriesRef& series, const TimeRange& range)
{
    // The range the summary scans read, not the one asked: a range read from the functions list starts at the
    // series' first call, and once retention summarized that call its minute starts before the range. Asking with
    // the range itself found no summary there and read the raw calls alone: the window's chart of the 1M-call
    // function drew 999,991 calls while retention ran under it (make bench, 10M database).
    return SummaryScan::summarizedIn(handle(), series.id, summaryRange(series.info, range));
}

Result<CallSummary> SqliteReader::callSummary(const SeriesRef& series, const TimeRange& asked)
{
    CallSummary summary;
    const auto add = [&summary](double, double milliseconds, bool failed) { summary.add(milliseconds, failed); };
    const TimeRange range = summaryRange(series.info, asked);
    SummaryScan scan(handle(), series.id, range);
    if (!range.from && !range.to) {
        // The whole history: the series' own summary of its chunks, and the recent calls not in it yet.
        auto compacted = SummaryScan::compacted(handle(), series.id);
        if (!compacted)
            return compacted.failure();
        summary = std::move(compacted).value();
        if (auto status = scan.recent(add); !status)
            return status.failure();
        return summary;
    }
    auto status = scan.run([](double, double) { return true; },
        [&summary](double, double, const CallSummary& whole) { summary.merge(whole); }, add);
    if (!status)
        return status.failure();
    return summary;
}

Result<KeyStats> SqliteReader::stats(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const ReadSnapshot snapshot(handle());
    auto summaries = usesSummaries(*series, selector);
    if (!summaries)
        return summaries.failure();
    if (*summaries) {
        CallSummary total;
        for (const auto& ref : std::as_const(*series)) {
            auto summary = callSummary(ref, selector.range);
            if (!summary)
                return summary.failure();
            total.merge(*summary);
        }
        return total.stats();
    }
    QList<double> values;
    values.reserve(selector.selectsEveryCall() ? sizeHint(*series, selector.range) : 0);
    qint64 failed = 0;
    for (const auto& ref : std::as_const(*series)) {
        auto filter = filterFor(ref.id, selector.tags, selector.outcome);
        if (!filter)
            return filter.failure();
        if (auto status = SeriesScan(handle(), ref.id, selector.range, filter->get()).executionTimes(values, failed);
            !status)
            return status.failure();
    }
    KeyStats stats = computeStats(std::move(values));
    stats.errors = failed;
    return stats;
}

Result<bool> SqliteReader::summarizes(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const ReadSnapshot snapshot(handle());
    return usesSummaries(*series, selector);
}

Result<CallSummary> SqliteReader::summary(const SeriesSelector& selector)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const ReadSnapshot snapshot(handle());
    auto summaries = usesSummaries(*series, selector);
    if (!summaries)
        return summaries.failure();
    CallSummary total;
    for (const auto& ref : std::as_const(*series)) {
        if (*summaries) {
            auto summary = callSummary(ref, selector.range);
            if (!summary)
                return summary.failure();
            total.merge(*summary);
            continue;
        }
        auto filter = filterFor(ref.id, selector.tags, selector.outcome);
        if (!filter)
            return filter.failure();
        auto status = SeriesScan(handle(), ref.id, selector.range, filter->get())
                          .visit([&total](const TimedValue& call, bool failed, const quint32*, qsizetype) {
                              total.add(call.value, failed);
                          });
        if (!status)
            return status.failure();
    }
    return total;
}

Result<BucketedSeries> SqliteReader::bucketsFromSummaries(const QList<SeriesRef>& series, const TimeRange& range,
    const TimeRange& covered, int bucketCount, bool wholeMinutes)
{
    // Buckets of whole hours (or minutes), so that every hour row lies in one bucket and is taken whole. With
    // edges anywhere, the ~1,000 hour rows a year's 1,000 buckets cut had their 60 minutes decoded one by one:
    // 90 ms of CPU for the 10M-call function's year, 17 ms with no row cut (kodemon-querybench --history).
    const SummaryGrid grid = wholeMinutes ? SummaryGrid::wholeMinutes(*covered.from, *covered.to, bucketCount)
                                          : SummaryGrid::exact(*covered.from, *covered.to, bucketCount);
    const auto bucketOf = [&](double t) { return grid.bucketOf(t); };
    bucketCount = grid.count;
    QList<CallSummary> summaries(bucketCount);
    // The calls of cut chunks go into their bucket's summary; their times are kept only for a bucket without a
    // summary so far (it may end with calls alone, answered exactly). Keeping every time to add it afterwards cost
    // a list append per call (half the chunks of the 10M-call function's last 30 days are cut), and adding them to
    // a summary of their own regrew its sketch call after call (32 -> 55 ms of CPU).
    QList<CallSummary> ofCalls(bucketCount);
    QList<QList<double>> calls(bucketCount);
    for (const auto& ref : series) {
        // The asked range, not the covered one: a minute summary starts before its first call, and an open
        // range takes it.
        SummaryScan scan(handle(), ref.id, summaryRange(ref.info, range));
        scan.mergeWholesInto([&](double first, double) { return &summaries[bucketOf(first)]; });
        scan.takeCutCallsInto([&](const SummaryScan::CutCalls& cut) {
            CallSummary* const withSummary = summaries.data();
            CallSummary* const alone = ofCalls.data();
            int bucket = -1;
            double from = 0, to = 0; // bucket's bounds: [from, to)
            qsizetype nextFailed = 0;
            for (qsizetype i = 0; i < cut.count; ++i) {
                const double t = cut.timestamps[i];
                if (bucket < 0 || t < from || t >= to) {
                    bucket = bucketOf(t);
                    from = grid.firstOf(bucket);
                    to = grid.firstOf(bucket + 1);
                }
                const bool failed = nextFailed < cut.failedRows.size() && cut.failedRows[nextFailed] == i;
                nextFailed += failed;
                if (withSummary[bucket].count > 0) {
                    withSummary[bucket].add(cut.milliseconds[i], failed); // its sketch covers them: no regrowth
                    continue;
                }
                alone[bucket].add(cut.milliseconds[i], failed);
                calls[bucket].append(cut.milliseconds[i]);
            }
        });
        auto status = scan.run([&](double first, double last) { return bucketOf(first) == bucketOf(last); },
            [&](double first, double, const CallSummary& whole) { summaries[bucketOf(first)].merge(whole); },
            [&](double t, double milliseconds, bool failed) { // the recent table's calls
                const int bucket = bucketOf(t);
                if (summaries[bucket].count > 0) {
                    summaries[bucket].add(milliseconds, failed);
                    return;
                }
                ofCalls[bucket].add(milliseconds, failed);
                calls[bucket].append(milliseconds);
            });
        if (!status)
            return status.failure();
    }
    BucketedSeries out;
    out.step = grid.step;
    out.origin = grid.origin;
    for (int b = 0; b < bucketCount; ++b) {
        if (summaries[b].count == 0 && ofCalls[b].count == 0)
            continue;
        const double start = grid.origin + double(b) * grid.step;
        if (summaries[b].count == 0) {
            // Only calls: the exact answer, as every store gives it.
            const KeyStats exact = computeStats(std::move(calls[b]));
            out.buckets.append({ start, exact.count, exact.min, exact.mean, exact.max, exact.p95, ofCalls[b].errors });
            continue;
        }
        CallSummary summary = summaries[b];
        summary.merge(ofCalls[b]);
        out.buckets.append({ start, summary.count, summary.min, summary.sum / double(summary.count), summary.max,
            summary.quantile(950), summary.errors });
        out.exact = false;
    }
    return out;
}

Result<BucketedSeries> SqliteReader::buckets(const SeriesSelector& selector, int bucketCount)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const auto covered = coveredRange(*series, selector.range);
    const ReadSnapshot snapshot(handle());
    auto summaries = usesSummaries(*series, selector);
    if (!summaries)
        return summaries.failure();
    if (*summaries) {
        auto rollups = holdsRollups(*series, selector.range);
        if (!rollups)
            return rollups.failure();
        return bucketsFromSummaries(*series, selector.range, covered, bucketCount, *rollups);
    }
    QList<TimedValue> values;
    values.reserve(selector.selectsEveryCall() ? sizeHint(*series, selector.range) : 0);
    QList<double> failures;
    for (const auto& ref : std::as_const(*series)) {
        auto filter = filterFor(ref.id, selector.tags, selector.outcome);
        if (!filter)
            return filter.failure();
        // In any order: the buckets span the range and ignore the rest.
        if (auto status = SeriesScan(handle(), ref.id, selector.range, filter->get()).timedValues(values, &failures);
            !status)
            return status.failure();
    }
    return bucketize(values, *covered.from, *covered.to, bucketCount, failures);
}

Result<QList<GroupedSeries>> SqliteReader::groupedBuckets(
    const SeriesSelector& selector, const QString& groupBy, int bucketCount, int topGroups)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    const auto covered = coveredRange(*series, selector.range);
    TagGrouping grouping(topGroups);
    for (const auto& ref : std::as_const(*series)) {
        auto dictionary = this->dictionary(ref.id);
        if (!dictionary)
            return dictionary.failure();
        const CallFilter filter(*dictionary, selector.tags, selector.outcome);
        const GroupOf group = groupOf(*dictionary, groupBy);
        auto status = SeriesScan(handle(), ref.id, selector.range, &filter)
                          .visit([&](const TimedValue& call, bool failed, const quint32* ids, qsizetype idCount) {
                              addToGroup(grouping, group, call, failed, ids, idCount);
                          });
        if (!status)
            return status.failure();
    }
    QList<GroupedSeries> lines;
    for (const auto& calls : grouping.finish()) {
        lines.append({ calls.group, calls.values.size(),
            bucketize(calls.values, *covered.from, *covered.to, bucketCount, calls.failures) });
    }
    return lines;
}

Result<QList<TagSummary>> SqliteReader::tags(const SeriesSelector& selector, int valuesPerTag)
{
    auto series = resolve(selector);
    if (!series)
        return series.failure();
    TagCounter counter;
    const bool allTime = !selector.range.from && !selector.range.to && selector.selectsEveryCall();
    for (const auto& ref : std::as_const(*series)) {
        auto dictionary = this->dictionary(ref.id);
        if (!dictionary)
            return dictionary.failure();
        QList<qint64> calls(dictionary->size() + 1, 0);
        if (allTime) {
            // The dictionary counts every call it was given: no chunk needs reading.
            for (qsizetype i = 0; i < dictionary->size(); ++i)
                calls[i + 1] = dictionary->entries()[i].calls;
        } else {
            const CallFilter filter(*dictionary, selector.tags, selector.outcome);
            auto status = SeriesScan(handle(), ref.id, selector.range, &filter)
                              .visit([&](const TimedValue&, bool, const quint32* ids, qsizetype idCount) {
                                  for (qsizetype i = 0; i < idCount; ++i)
                                      calls[ids[i] < quint32(calls.size()) ? ids[i] : 0] += 1;
                              });
            if (!status)
                return status.failure();
        }
        for (qsizetype id = 1; id < calls.size(); ++id) {
            const TagEntry& entry = dictionary->entries()[id - 1];
            if (calls[id] == 0 || entry.name.isNull())
                continue;
            if (entry.kind == TagValueKind::Other)
                counter.addOverflowed(entry.name, calls[id]);
            else
                counter.addValue(entry.name, entry.value, calls[id]);
        }
    }
    return counter.finish(valuesPerTag);
}

Result<QHash<qint64, QList<ChunkRow>>> SqliteReader::recentRows(const TimeRange& range)
{
    QHash<qint64, QList<ChunkRow>> bySeries;
    auto scan = ChunkScan::start(handle(), 0, range, ChunkScan::Sources::RecentOnly);
    if (!scan)
        return scan.failure();
    QList<ChunkRow> rows;
    while (scan->next()) {
        rows.clear();
        if (!scan->chunk().appendAllRows(rows)) {
            qCWarning(lcStorage) << "skipping a recent chunk whose rows are damaged";
            continue;
        }
        for (auto& row : rows) {
            if (range.contains(row.timestamp))
                bySeries[row.series].append(std::move(row));
        }
    }
    if (auto error = scan->error())
        return Error { *error };
    return bySeries;
}

Result<SeriesSummary> SqliteReader::summarize(
    const SeriesRef& series, const SummaryRequest& request, const QList<ChunkRow>& recent)
{
    auto filter = filterFor(series.id, request.tags, request.outcome);
    if (!filter)
        return filter.failure();
    QList<double> times;
    qint64 failed = 0;
    auto status
        = SeriesScan(handle(), series.id, request.range, filter->get(), ChunkScan::Sources::SeriesOnly)
              .executionTimes(times, failed);
    if (!status)
        return status.failure();
    for (const auto& row : recent) {
        if (!*filter || (*filter)->passes(row)) {
            times.append(row.executionTime);
            failed += row.failed ? 1 : 0;
        }
    }
    return summaryOf(series.info, times, failed);
}

Status SqliteReader::summarizeGroups(
    const SeriesRef& series, const SummaryRequest& request, const QList<ChunkRow>& recent, QList<SeriesSummary>& rows)
{
    auto dictionary = this->dictionary(series.id);
    if (!dictionary)
        return dictionary.failure();
    const CallFilter filter(*dictionary, request.tags, request.outcome);
    const GroupOf group = groupOf(*dictionary, request.groupBy);
    TagGrouping grouping(request.topGroups);
    auto status = SeriesScan(handle(), series.id, request.range, &filter, ChunkScan::Sources::SeriesOnly)
                      .visit([&](const TimedValue& call, bool failed, const quint32* ids, qsizetype idCount) {
                          addToGroup(grouping, group, call, failed, ids, idCount);
                      });
    if (!status)
        return status;
    for (const auto& row : recent) {
        if (filter.passes(row))
            addToGroup(grouping, group, { row.timestamp, row.executionTime }, row.failed, row.tagIds.constData(),
                row.tagIds.size());
    }
    for (auto& calls : grouping.finish()) {
        QList<double> times;
        times.reserve(calls.values.size());
        for (const auto& call : std::as_const(calls.values))
            times.append(call.value);
        rows.append(summaryOf(series.info, times, calls.failures.size()));
        rows.last().group = calls.group;
    }
    return Ok {};
}

Result<bool> SqliteReader::tableUsesSummaries(const QList<SeriesRef>& series, const SummaryRequest& request)
{
    if (!request.tags.isEmpty() || request.outcome != CallOutcome::All || !request.groupBy.isEmpty())
        return false;
    qint64 calls = 0;
    for (const auto& ref : series) {
        if (!overlaps(ref.info, request.range))
            continue;
        auto summarized = summarizedIn(ref, request.range);
        if (!summarized || *summarized)
            return summarized;
        if (request.exact)
            continue;
        if (!request.range.from && !request.range.to) {
            calls += ref.info.count;
            continue;
        }
        auto estimate = SummaryScan::estimate(handle(), ref.id, request.range);
        if (!estimate)
            return estimate.failure();
        calls += *estimate;
    }
    return calls > m_exactCallLimit;
}

Result<QList<SeriesSummary>> SqliteReader::summaries(const SummaryRequest& request)
{
    auto series = seriesOf(request.token);
    if (!series)
        return series.failure();
    const ReadSnapshot snapshot(handle());
    // The recent calls once for every series, then each series' own chunks.
    auto recent = recentRows(request.range);
    if (!recent)
        return recent.failure();
    auto fromSummaries = tableUsesSummaries(*series, request);
    if (!fromSummaries)
        return fromSummaries.failure();
    QList<SeriesSummary> rows;
    for (const auto& ref : std::as_const(*series)) {
        if (*fromSummaries) {
            auto summary = tableRowFromSummaries(ref, request.range, recent->value(ref.id));
            if (!summary)
                return summary.failure();
            rows.append(std::move(summary).value());
            continue;
        }
        // A range that misses the series' first..last holds none of its calls: no scan needed.
        if (!overlaps(ref.info, request.range)) {
            if (request.groupBy.isEmpty()) {
                QList<double> none;
                rows.append(summaryOf(ref.info, none, 0));
            }
            continue;
        }
        const QList<ChunkRow> seriesRecent = recent->value(ref.id);
        if (!request.groupBy.isEmpty()) {
            if (auto status = summarizeGroups(ref, request, seriesRecent, rows); !status)
                return status.failure();
            continue;
        }
        auto row = summarize(ref, request, seriesRecent);
        if (!row)
            return row.failure();
        rows.append(std::move(row).value());
    }
    return rows;
}

// The alert rules' many small questions: the recent table (every series' newest calls, in mixed chunks) is read
// once per distinct range instead of once per selector, which was half of an evaluation's time (1,000 rules,
// docs/BENCHMARKS.md). One read transaction, so that a compaction in between cannot move calls from the recent
// table into the chunks already read (or the other way).
Result<QList<CallTimes>> SqliteReader::callTimes(const QList<SeriesSelector>& selectors)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    sqlite3_exec(handle(), "BEGIN", nullptr, nullptr, nullptr);
    const auto end = qScopeGuard([this] { sqlite3_exec(handle(), "COMMIT", nullptr, nullptr, nullptr); });
    QHash<QPair<double, double>, QHash<qint64, QList<ChunkRow>>> recentByRange;
    QList<CallTimes> out;
    out.reserve(selectors.size());
    for (const auto& selector : selectors) {
        const QPair<double, double> span { selector.range.from.value_or(-1e300), selector.range.to.value_or(1e300) };
        auto recent = recentByRange.constFind(span);
        if (recent == recentByRange.constEnd()) {
            auto rows = recentRows(selector.range);
            if (!rows)
                return rows.failure();
            recent = recentByRange.insert(span, std::move(rows).value());
        }
        CallTimes times;
        if (auto status = appendCallTimes(selector, *recent, times); !status)
            return status.failure();
        out.append(std::move(times));
    }
    return out;
}

Status SqliteReader::appendCallTimes(
    const SeriesSelector& selector, const QHash<qint64, QList<ChunkRow>>& recent, CallTimes& out)
{
    auto series = resolve(selector);
    if (!series)
        return series.errorKind() == ErrorKind::NotFound ? Status(Ok {}) : Status(series.failure());
    for (const auto& ref : std::as_const(*series)) {
        if (!overlaps(ref.info, selector.range))
            continue;
        auto filter = filterFor(ref.id, selector.tags, selector.outcome);
        if (!filter)
            return filter.failure();
        auto status = SeriesScan(handle(), ref.id, selector.range, filter->get(), ChunkScan::Sources::SeriesOnly)
                          .executionTimes(out.values, out.failed);
        if (!status)
            return status;
        for (const auto& row : recent.value(ref.id)) {
            if (!*filter || (*filter)->passes(row)) {
                out.values.append(row.executionTime);
                out.failed += row.failed ? 1 : 0;
            }
        }
    }
    return Ok {};
}

Result<TagIndexStatus> SqliteReader::tagIndexStatus()
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    auto statement = SqliteStatement::prepare(handle(),
        "SELECT s.token, s.key, t.name FROM tags t JOIN series s ON s.id = t.series_id WHERE t.kind = 2 "
        "ORDER BY s.key, s.token, t.name");
    if (!statement)
        return statement.failure();
    constexpr qsizetype Examples = 20;
    TagIndexStatus index { TagLimits::MaxValuesPerTag, 0, {} };
    while (statement->step()) {
        const QString token = QString::fromUtf8(statement->columnText(0));
        if (!m_scope.allows(token))
            continue;
        if (++index.overflowed <= Examples)
            index.examples.append({ KeyId { token, QString::fromUtf8(statement->columnText(1)) },
                QString::fromUtf8(statement->columnText(2)) });
    }
    if (statement->failed())
        return statement->failure(QStringLiteral("cannot read the tag index"));
    return index;
}

Result<SeriesSummary> SqliteReader::tableRowFromSummaries(
    const SeriesRef& series, const TimeRange& range, const QList<ChunkRow>& recent)
{
    CallSummary summary;
    if (overlaps(series.info, range)) {
        if (!range.from && !range.to) {
            auto compacted = SummaryScan::compacted(handle(), series.id);
            if (!compacted)
                return compacted.failure();
            summary = std::move(compacted).value();
        } else {
            SummaryScan scan(handle(), series.id, summaryRange(series.info, range));
            auto status = scan.run([](double, double) { return true; },
                [&summary](double, double, const CallSummary& whole) { summary.merge(whole); },
                [&summary](double, double milliseconds, bool failed) { summary.add(milliseconds, failed); }, false);
            if (!status)
                return status.failure();
        }
        for (const auto& row : recent)
            summary.add(row.executionTime, row.failed);
    }
    SeriesSummary row { series.info, summary.count, summary.count > 0 ? summary.sum / double(summary.count) : 0,
        summary.quantile(950), summary.errors };
    row.exact = false;
    return row;
}

Result<QList<Annotation>> SqliteReader::annotations(const TimeRange& range, int limit)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    // A period overlaps the range when it starts before its end and ends after its start.
    auto statement = SqliteStatement::prepare(handle(),
        "SELECT id, time, end_time, text, tags, token FROM annotations "
        "WHERE time <= ? AND coalesce(end_time, time) >= ? ORDER BY time, id");
    if (!statement)
        return statement.failure();
    statement->bind(1, range.to.value_or(std::numeric_limits<double>::infinity()));
    statement->bind(2, range.from.value_or(-std::numeric_limits<double>::infinity()));
    QList<Annotation> found;
    while (found.size() < limit && statement->step()) {
        Annotation annotation;
        annotation.token = QString::fromUtf8(statement->columnText(5));
        // Every project's markers, and those of the tokens the scope allows.
        if (!annotation.token.isEmpty() && m_scope.isRestricted() && !m_scope.allows(annotation.token))
            continue;
        annotation.id = statement->columnInt(0);
        annotation.time = statement->columnDouble(1);
        if (sqlite3_column_type(statement->raw(), 2) != SQLITE_NULL)
            annotation.end = statement->columnDouble(2);
        annotation.text = QString::fromUtf8(statement->columnText(3));
        for (const auto& tag : QJsonDocument::fromJson(statement->columnText(4).toByteArray()).array())
            annotation.tags.append(tag.toString());
        found.append(annotation);
    }
    if (statement->failed())
        return statement->failure(QStringLiteral("cannot read the annotations"));
    return found;
}

Result<StorageStatus> SqliteReader::storageStatus()
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    const ReadSnapshot snapshot(handle());
    // Each series' oldest chunk and hour from the (series_id, ...) indexes: a seek per series, where min(min_ts)
    // over `rollups` read all of its rows (2.5 s on a year of 100M calls). The sizes come from tier_use (schema
    // version 10), kept by triggers: summing them took two more such scans.
    auto statement = SqliteStatement::prepare(handle(),
        "SELECT (SELECT min(t) FROM (SELECT (SELECT min(min_ts) FROM chunks WHERE series_id = s.id) AS t FROM series s "
        "                             UNION ALL SELECT min(min_ts) FROM recent)), "
        "(SELECT min((SELECT min_ts FROM rollup_hours WHERE series_id = s.id ORDER BY hour LIMIT 1)) FROM series s), "
        "(SELECT coalesce(sum(bytes), 0) FROM tier_use WHERE tier IN ('chunks', 'recent')), "
        "(SELECT coalesce(sum(bytes), 0) FROM tier_use WHERE tier = 'rollups'), "
        "(SELECT coalesce(sum(calls), 0) FROM tier_use WHERE tier = 'rollups'), "
        "(SELECT value FROM meta WHERE name = 'retention_after')");
    if (!statement)
        return statement.failure();
    if (!statement->step())
        return statement->failure(QStringLiteral("cannot read what the database keeps"));
    StorageStatus status;
    if (sqlite3_column_type(statement->raw(), 0) != SQLITE_NULL)
        status.oldestCall = statement->columnDouble(0);
    if (sqlite3_column_type(statement->raw(), 1) != SQLITE_NULL)
        status.oldestSummary = statement->columnDouble(1);
    status.callBytes = statement->columnInt(2);
    status.summaryBytes = statement->columnInt(3);
    status.summarizedCalls = statement->columnInt(4);
    const qint64 startsAt = statement->columnInt(5);
    if (startsAt > QDateTime::currentSecsSinceEpoch())
        status.retentionStartsAt = startsAt;
    return status;
}

std::optional<qint64> SqliteReader::dataVersion()
{
    // SQLite's own counter: it moves whenever another connection commits (this one never writes).
    if (auto status = openOnce(m_connection, m_path); !status)
        return std::nullopt;
    auto statement = SqliteStatement::prepare(handle(), "PRAGMA data_version");
    if (!statement || !statement->step())
        return std::nullopt;
    return statement->columnInt(0);
}

} // namespace Kodemon
