// SPDX-License-Identifier: MIT
#include "metrics/callmetrics.h"

#include "base/calltags.h"

#include <algorithm>
#include <QMutexLocker>

namespace Kodemon {

qsizetype CallMetrics::bucketOf(double ms)
{
    const double seconds = ms / 1000.0;
    // The first bound at or above the value: "le" is inclusive.
    return std::lower_bound(Buckets.begin(), Buckets.end(), seconds) - Buckets.begin();
}

void CallMetrics::record(const QList<Sample>& samples)
{
    const QMutexLocker locker(&m_lock);
    for (const auto& sample : samples) {
        KeyId id { sample.token, sample.key };
        auto found = m_index.constFind(id);
        if (found == m_index.constEnd()) {
            if (m_series.size() >= MaxSeries) {
                if (m_omitted.size() < MaxOmittedRemembered)
                    m_omitted.insert(id);
                ++m_omittedCalls;
                continue;
            }
            found = m_index.insert(id, m_series.size());
            m_series.append(Series { id, {}, 0, 0, 0 });
        }
        Series& series = m_series[*found];
        ++series.buckets[size_t(bucketOf(sample.executionTime))];
        ++series.count;
        series.sumSeconds += sample.executionTime / 1000.0;
        if (!sample.extra.isEmpty() && isFailedCall(sample.extra))
            ++series.failed;
    }
}

QList<CallMetrics::Series> CallMetrics::series(const std::optional<QStringList>& tokens) const
{
    const QMutexLocker locker(&m_lock);
    if (!tokens)
        return m_series;
    QList<Series> out;
    for (const auto& series : m_series) {
        if (tokens->contains(series.id.token))
            out.append(series);
    }
    return out;
}

qint64 CallMetrics::omittedSeries() const
{
    const QMutexLocker locker(&m_lock);
    return m_omitted.size();
}

qint64 CallMetrics::omittedCalls() const
{
    const QMutexLocker locker(&m_lock);
    return m_omittedCalls;
}

} // namespace Kodemon
