// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QByteArray>

namespace Kodemon::Csv {

// RFC 4180 CSV of samples, the same for the HTTP API and the desktop export:
// timestamp,token,key,execution_time_ms,extra with CRLF line ends.
QByteArray header();
QByteArray row(const QString& key, const StoredSample& sample);
QByteArray rows(const QString& key, const QList<StoredSample>& samples);
// Quotes a field when it holds a comma, a quote, CR or LF (quotes doubled).
QByteArray field(const QByteArray& value);
// A number as JSON would write it: integers without a fraction, others in the shortest exact form.
QByteArray number(double value);
// A file name for an export of `key` over `range`, safe on every file system.
QString fileName(const QString& key, const TimeRange& range);

} // namespace Kodemon::Csv
