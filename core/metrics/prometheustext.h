// SPDX-License-Identifier: MIT
#pragma once

#include "base/ingestsnapshot.h"
#include "metrics/callmetrics.h"

#include <optional>
#include <QByteArray>

namespace Kodemon {

// The Prometheus text exposition format (version 0.0.4) of GET /metrics. Pure: no I/O.
namespace PrometheusText {

inline constexpr QLatin1StringView ContentType("text/plain; version=0.0.4; charset=utf-8");
// Past this many bytes the remaining functions are left out (and counted in kodemon_metrics_functions_omitted):
// 2,000 functions with 1 KiB keys would otherwise make a 50 MB answer.
inline constexpr qsizetype MaxBytes = qsizetype(16) * 1024 * 1024;

// Label values escaped as the format asks: backslash, double quote and line feed.
QByteArray labelValue(const QString& text);

// The histograms and failure counters of `series`, then (with `counters`) Kodemon's own counters: datagrams,
// calls stored, rejections per reason, kernel drops and the optional listeners'. A limited API token gets its
// own functions and no counters (they are about every token).
QByteArray exposition(const QList<CallMetrics::Series>& series, qint64 omittedSeries,
    const std::optional<IngestSnapshot>& counters);

} // namespace PrometheusText

} // namespace Kodemon
