// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Kodemon {

// One decorated call as the decorator reported it.
struct Sample
{
    QString token; // empty when the datagram had none
    QString key; // module path + "-" + function name
    double timestamp = 0; // epoch seconds at the call's start (fractions allowed)
    double executionTime = 0; // milliseconds
    qint64 receivedAt = 0; // epoch seconds when Kodemon read the datagram
    QByteArray extra; // compact JSON object of every other member, empty when there were none
};

// The identity of a series: one function of one project.
struct KeyId
{
    QString token;
    QString key;

    friend bool operator==(const KeyId& a, const KeyId& b) { return a.token == b.token && a.key == b.key; }
    friend bool operator!=(const KeyId& a, const KeyId& b) { return !(a == b); }
};

inline size_t qHash(const KeyId& id, size_t seed = 0) noexcept
{
    return qHashMulti(seed, id.token, id.key);
}

// A row of the key list: a series with its running totals.
struct SeriesInfo
{
    KeyId id;
    qint64 count = 0;
    double first = 0; // earliest timestamp
    double last = 0; // latest timestamp
    double totalExecutionTime = 0; // sum of every sample's milliseconds, for the mean
    qint64 errors = 0; // failed calls (calltags.h), all time

    double mean() const { return count > 0 ? totalExecutionTime / double(count) : 0.0; }
};

// A closed time interval in epoch seconds; a missing end is open.
struct TimeRange
{
    std::optional<double> from;
    std::optional<double> to;

    bool contains(double t) const { return (!from || t >= *from) && (!to || t <= *to); }
    bool isReversed() const { return from && to && *from > *to; }
};

// One condition on a call's tags (calltags.h); a query's conditions all hold (AND). Written as text in the API,
// the window's filter bar and the command line (tagfilter.h): `name:value`, `name!:value`, `name`, `!name`.
struct TagFilter
{
    enum class Op {
        Equals, // the call has the tag with this value
        NotEquals, // the call has the tag with another value, or not at all
        Present, // the call has the tag, whatever its value
        Absent, // the call does not have the tag
    };
    Op op = Op::Equals;
    QString name;
    QString value; // for Equals and NotEquals

    friend bool operator==(const TagFilter& a, const TagFilter& b)
    {
        return a.op == b.op && a.name == b.name && a.value == b.value;
    }
};

// Which calls by how they ended (calltags.h says when a call failed).
enum class CallOutcome { All, Succeeded, Failed };

// Which samples a query reads: one key, optionally one token (all tokens otherwise), over a range, optionally only
// the calls whose tags pass every filter and that ended as `outcome` says.
struct SeriesSelector
{
    SeriesSelector() = default;
    SeriesSelector(QString key, std::optional<QString> token, TimeRange range, QList<TagFilter> tags = {},
        CallOutcome outcome = CallOutcome::All)
        : key(std::move(key))
        , token(std::move(token))
        , range(range)
        , tags(std::move(tags))
        , outcome(outcome)
    { }

    QString key;
    std::optional<QString> token;
    TimeRange range;
    QList<TagFilter> tags;
    CallOutcome outcome = CallOutcome::All;
    // Read every call, however many: percentiles exact (by default ranges of more than a million calls are
    // answered from summaries, within 1%).
    bool exact = false;

    // True when every call of the series in range is selected (no tag or outcome condition).
    bool selectsEveryCall() const { return tags.isEmpty() && outcome == CallOutcome::All; }
};

// One call's start and execution time, the raw material of charts and statistics.
struct TimedValue
{
    double timestamp = 0;
    double value = 0; // milliseconds
};

// One group of a group-by over a tag: the calls with one value, the calls whose value is not among the most
// frequent ("other"), or the calls without the tag.
struct TagGroup
{
    enum class Kind { Value, Other, Missing };
    Kind kind = Kind::Value;
    QString value; // for Kind::Value

    friend bool operator==(const TagGroup& a, const TagGroup& b) { return a.kind == b.kind && a.value == b.value; }
};

// A row of the functions table: a series with its calls, mean and p95 over a range (only the calls of `group`
// when the table is split by a tag).
struct SeriesSummary
{
    SeriesInfo info; // all-time totals
    qint64 count = 0; // calls in the range
    double mean = 0;
    double p95 = 0;
    qint64 errors = 0; // failed calls in the range
    std::optional<TagGroup> group = {};
    bool exact = true; // false when p95 came from summaries
};

// What the functions table asks: every series (of one token) over a range, the calls passing the tag filters and
// outcome only, each series split into one row per value of `groupBy` (the most frequent values, then "other" and
// the calls without the tag) when it is set.
struct SummaryRequest
{
    TimeRange range;
    std::optional<QString> token;
    QList<TagFilter> tags = {};
    CallOutcome outcome = CallOutcome::All;
    QString groupBy = {};
    int topGroups = 10;
    bool exact = false; // as SeriesSelector::exact
};

// The values of one tag among a function's calls, most frequent first.
struct TagValueCount
{
    QString value;
    qint64 calls = 0;
};
struct TagSummary
{
    QString name;
    qint64 calls = 0; // calls that have the tag
    QList<TagValueCount> values; // the most frequent values
    qint64 otherValues = 0; // how many more distinct values there are (a lower bound when overflowed)
    bool overflowed = false; // past the indexed values per tag: later values are not told apart here
};

// Exact statistics over a set of execution times (milliseconds).
struct KeyStats
{
    qint64 count = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double stddev = 0; // population standard deviation
    double p50 = 0;
    double p90 = 0;
    double p95 = 0;
    double p99 = 0;
    double p999 = 0;
    qint64 errors = 0; // how many of the calls failed (calltags.h)
    // The percentiles are the calls' own; false when they come from summaries (callsummary.h: within 1%) and the
    // standard deviation from the moments.
    bool exact = true;
};

// One bucket of a downsampled series; min and max keep spikes visible when zoomed out.
struct SeriesBucket
{
    double start = 0; // epoch seconds
    qint64 count = 0;
    double min = 0;
    double mean = 0;
    double max = 0;
    double p95 = 0;
    qint64 errors = 0; // failed calls in the bucket
};

struct BucketedSeries
{
    double step = 0; // seconds per bucket
    // Where bucket 0 starts (epoch seconds): the range's start, or the hour or minute before it when the range is
    // answered from summaries (their buckets are whole hours or minutes). Unset from servers older than it.
    std::optional<double> origin;
    QList<SeriesBucket> buckets; // only buckets holding samples, oldest first
    bool exact = true; // false when some bucket's p95 (and mean's rounding) came from summaries
};

// The functions whose tags have more distinct values than one series indexes (TagLimits in the SQLite store).
struct TagIndexStatus
{
    qint64 valuesPerTag = 0; // the limit; 0 when the store has none
    qint64 overflowed = 0; // (series, tag) pairs past it
    struct Overflowed
    {
        KeyId id;
        QString tag;
    };
    QList<Overflowed> examples; // the first few, by key, token and tag
};

// What a store keeps, by tier: calls, and per-minute summaries of calls older than the raw retention.
struct StorageStatus
{
    std::optional<double> oldestCall; // the earliest call timestamp still kept as a call
    std::optional<double> oldestSummary; // the earliest minute kept only as a summary
    qint64 callBytes = -1; // bytes of stored calls (chunks), -1 when unknown
    qint64 summaryBytes = -1; // bytes of per-minute summaries
    qint64 summarizedCalls = 0; // calls that exist only as summaries
    std::optional<qint64> retentionStartsAt; // epoch seconds, when an upgraded file waits before retention
};

// One line of a chart grouped by a tag: the group's calls in the same buckets as the other groups.
struct GroupedSeries
{
    TagGroup group;
    qint64 count = 0; // calls in the range
    BucketedSeries series;
};

// A point of a sample page; position is the opaque ordering key used for cursors.
struct StoredSample
{
    double timestamp = 0;
    double executionTime = 0;
    QString token;
    QByteArray extra; // compact JSON object or empty
    qint64 sequence = 0; // ties timestamps: unique, increasing in arrival order
};

struct SamplePage
{
    QList<StoredSample> samples;
    std::optional<QString> next; // cursor of the following page, if any
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::Sample)
Q_DECLARE_METATYPE(Kodemon::KeyId)
Q_DECLARE_METATYPE(Kodemon::SeriesInfo)
Q_DECLARE_METATYPE(Kodemon::TimeRange)
Q_DECLARE_METATYPE(Kodemon::KeyStats)
Q_DECLARE_METATYPE(Kodemon::BucketedSeries)
Q_DECLARE_METATYPE(Kodemon::SamplePage)
Q_DECLARE_METATYPE(Kodemon::TagFilter)
Q_DECLARE_METATYPE(Kodemon::TagGroup)
