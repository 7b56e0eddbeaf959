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

// Which samples a query reads: one key, optionally one token (all tokens otherwise), over a range.
struct SeriesSelector
{
    QString key;
    std::optional<QString> token;
    TimeRange range;
};

// One call's start and execution time, the raw material of charts and statistics.
struct TimedValue
{
    double timestamp = 0;
    double value = 0; // milliseconds
};

// A row of the functions table: a series with its calls, mean and p95 over a range.
struct SeriesSummary
{
    SeriesInfo info; // all-time totals
    qint64 count = 0; // calls in the range
    double mean = 0;
    double p95 = 0;
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
};

struct BucketedSeries
{
    double step = 0; // seconds per bucket
    QList<SeriesBucket> buckets; // only buckets holding samples, oldest first
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
