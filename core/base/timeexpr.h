// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <QStringView>

namespace Kodemon {

// Parses a point in time into epoch seconds. Accepted forms:
//   epoch seconds, integer or fraction          1413404125, 1413404125.5
//   ISO-8601 date-time, zone optional (UTC)     2014-10-15T20:15:25Z, 2014-10-15T22:15:25.250+02:00, 2014-10-15
//   "now", optionally minus or plus an amount   now, now-15m, now-6h, now-7d, now-30s, now-2w, now+1h
// `now` is passed in so that callers (and tests) decide what the present is.
Result<double> parseTimeExpression(QStringView text, double now);

// Parses a length of time into whole seconds: a number and a unit, s m h d w or y (365 days), e.g. 30d, 12h,
// 90m; a bare number is seconds; 0 is 0.
Result<qint64> parseDuration(QStringView text);
// Parses an amount of bytes: a number and K, M, G or T (powers of 1024, an optional B or iB after), e.g. 500M,
// 10G, 1.5TiB; a bare number is MiB, like --db-max-size; 0 is 0.
Result<qint64> parseByteSize(QStringView text);

} // namespace Kodemon
