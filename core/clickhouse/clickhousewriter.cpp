// SPDX-License-Identifier: MIT
#include "clickhouse/clickhousewriter.h"

#include "base/calltags.h"
#include "base/logging.h"
#include "clickhouse/clickhousesql.h"
#include "clickhouse/rowbinary.h"

#include <algorithm>
#include <map>
#include <QRandomGenerator>
#include <tuple>

namespace Kodemon {

namespace {

// Gaps shorter than this never split a window: a few more rows merged beat many small windows.
constexpr double MinimumGapSeconds = 60;

} // namespace

QByteArray encodeRowBinary(const SampleBatch& batch)
{
    RowBinaryWriter rows;
    rows.reserve(batch.samples.size() * 96);
    quint64 sequence = batch.firstSequence;
    for (const auto& sample : batch.samples) {
        rows.addString(sample.token.toUtf8());
        rows.addString(sample.key.toUtf8());
        rows.addFloat64(sample.timestamp);
        rows.addFloat64(sample.executionTime);
        rows.addInt64(sample.receivedAt);
        rows.addString(sample.extra);
        rows.addUInt64(batch.origin);
        rows.addUInt64(sequence++);
        // Judged here, as the ledger and every store judge it, so that aggregates never read `extra` to count.
        rows.addUInt8(!sample.extra.isEmpty() && isFailedCall(sample.extra) ? 1 : 0);
    }
    return rows.data();
}

QList<QPair<double, double>> resentWindows(QList<double> timestamps)
{
    if (timestamps.isEmpty())
        return {};
    std::sort(timestamps.begin(), timestamps.end());
    // The widest gaps (at most MaxResentWindows - 1 of them) become the boundaries.
    QList<qsizetype> gaps;
    for (qsizetype i = 1; i < timestamps.size(); ++i) {
        if (timestamps[i] - timestamps[i - 1] > MinimumGapSeconds)
            gaps.append(i);
    }
    const auto wider = [&](qsizetype a, qsizetype b) {
        return timestamps[a] - timestamps[a - 1] > timestamps[b] - timestamps[b - 1];
    };
    if (gaps.size() > MaxResentWindows - 1) {
        std::nth_element(gaps.begin(), gaps.begin() + (MaxResentWindows - 1), gaps.end(), wider);
        gaps.resize(MaxResentWindows - 1);
    }
    std::sort(gaps.begin(), gaps.end());
    QList<QPair<double, double>> windows;
    qsizetype start = 0;
    for (const qsizetype gap : std::as_const(gaps)) {
        windows.append({ timestamps[start], timestamps[gap - 1] });
        start = gap;
    }
    windows.append({ timestamps[start], timestamps.last() });
    return windows;
}

ClickHouseWriter::ClickHouseWriter(const ClickHouseConfig& config)
    : m_client(config)
    , m_ledger(m_client)
    , m_copies(m_client)
    , m_origin(QRandomGenerator::system()->generate64() | 1)
{
    m_ledger.trackFresh(m_origin);
}

Status ClickHouseWriter::write(const QList<Sample>& batch)
{
    const SampleBatch identified { m_origin, m_nextSequence, batch };
    m_nextSequence += quint64(batch.size());
    return writeIdentified(identified);
}

bool ClickHouseWriter::mayBeStored(const SampleBatch& batch) const
{
    if (batch.origin == m_origin)
        return false; // numbered here, never sent twice
    const auto attempted = m_attempted.constFind(batch.origin);
    // An origin this writer has not sent yet may come from a spool that another run sent part of: it is
    // announced too, which costs one batch's windows per collector start.
    return attempted == m_attempted.constEnd() || batch.firstSequence <= *attempted;
}

Status ClickHouseWriter::writeIdentified(const SampleBatch& batch)
{
    if (batch.samples.isEmpty())
        return Ok {};
    if (auto status = m_ledger.track(batch.origin); !status)
        return status;
    if (mayBeStored(batch)) {
        if (auto status = markResent(batch); !status)
            return status;
    }
    auto& attempted = m_attempted[batch.origin];
    attempted = std::max(attempted, batch.firstSequence + quint64(batch.samples.size()) - 1);
    if (auto status = insertSamples(batch); !status)
        return status;
    m_ledger.count(batch);
    if (auto status = m_ledger.write(); !status)
        return status;
    // Folding only keeps the ledger small: a failure here costs nothing but a later try.
    if (auto status = m_ledger.foldWhenDue(); !status)
        qCWarning(lcStorage).noquote() << "cannot fold the series ledger (tried again later):" << status.error();
    return Ok {};
}

Status ClickHouseWriter::markResent(const SampleBatch& batch)
{
    std::map<std::pair<QString, QString>, QList<double>> timestamps;
    for (const auto& sample : batch.samples)
        timestamps[{ sample.token, sample.key }].append(sample.timestamp);
    const quint64 last = batch.firstSequence + quint64(batch.samples.size()) - 1;
    QList<std::tuple<QByteArray, QByteArray, double, double>> windows;
    for (const auto& [id, times] : timestamps) {
        for (const auto& [first, end] : resentWindows(times))
            windows.append({ id.first.toUtf8(), id.second.toUtf8(), first, end });
    }
    auto marked = m_copies.insert("resent", "token, key, first, last, origin, seq_first, seq_last", [&](quint32 copy) {
        RowBinaryWriter rows;
        for (const auto& [token, key, first, end] : std::as_const(windows)) {
            rows.addString(token);
            rows.addString(key);
            rows.addFloat64(first);
            rows.addFloat64(end);
            rows.addUInt64(batch.origin);
            rows.addUInt64(batch.firstSequence);
            rows.addUInt64(last);
            rows.addUInt32(copy);
        }
        return rows.data();
    });
    if (!marked)
        return marked.failure().withMessage(QStringLiteral("cannot record the resent batch of %1 samples: %2")
                                                .arg(batch.samples.size())
                                                .arg(marked.error()));
    return Ok {};
}

Status ClickHouseWriter::insertSamples(const SampleBatch& batch)
{
    const QByteArray sql = "INSERT INTO " + ClickHouseSql::samplesTable(m_client.config())
        + " (token, key, ts, execution_time, received_at, extra, origin, seq, failed) FORMAT RowBinary";
    ClickHouseClient::Parameters parameters;
    if (!m_client.config().cluster.isEmpty())
        parameters.append({ QByteArrayLiteral("insert_distributed_sync"), QByteArrayLiteral("1") });
    auto answer = m_client.insert(sql, encodeRowBinary(batch), parameters);
    if (!answer)
        return answer.failure().withMessage(
            QStringLiteral("cannot store %1 samples: %2").arg(batch.samples.size()).arg(answer.error()));
    return Ok {};
}

} // namespace Kodemon
