// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <array>
#include <optional>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QStringList>

namespace Kodemon {

// The execution-time histograms behind GET /metrics: per function (key and token), the calls this Kodemon stored
// since it started, counted into fixed buckets, with their sum and the failed calls. Fed on the writer thread
// after each commit, read by the HTTP thread. Counters start at zero when Kodemon starts (Prometheus reads that as
// a counter reset); with several collectors on one ClickHouse, each counts what it stored, so sums over instances
// are the cluster's. Bounded: the first MaxSeries functions are tracked, later ones are counted as omitted.
class CallMetrics final
{
public:
    // Upper bounds in seconds (Prometheus "le"), from 0.1 ms to a minute; +Inf is implied.
    static constexpr std::array<double, 18> Buckets = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
    static constexpr qsizetype MaxSeries = 2000;
    // The omitted functions are remembered (to count them) up to this many; past it the count is a lower bound.
    static constexpr qsizetype MaxOmittedRemembered = 100000;

    struct Series
    {
        KeyId id;
        std::array<quint64, Buckets.size() + 1> buckets {}; // per bucket, not cumulative; the last is +Inf
        quint64 count = 0;
        double sumSeconds = 0;
        quint64 failed = 0;
    };

    CallMetrics() = default;
    Q_DISABLE_COPY_MOVE(CallMetrics)

    void record(const QList<Sample>& samples);

    // The series in the order they were first seen; only those of `tokens` when given (a limited API token).
    QList<Series> series(const std::optional<QStringList>& tokens = std::nullopt) const;
    qint64 omittedSeries() const; // functions seen past MaxSeries
    qint64 omittedCalls() const; // their calls

    // The index of the bucket a call of `ms` milliseconds falls in (Buckets.size() for +Inf).
    static qsizetype bucketOf(double ms);

private:
    mutable QMutex m_lock;
    QHash<KeyId, qsizetype> m_index;
    QList<Series> m_series;
    QSet<KeyId> m_omitted;
    qint64 m_omittedCalls = 0;
};

} // namespace Kodemon
