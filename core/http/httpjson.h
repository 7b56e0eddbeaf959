// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"
#include "http/serverstatus.h"

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>

namespace Kodemon {

// The JSON documents of the HTTP API, written directly as UTF-8 text: pages of executions are streamed
// row by row, and numbers keep their shortest exact form (as in CSV).
namespace Json {

QByteArray string(const QString& text);
QByteArray optionalString(const std::optional<QString>& text); // null when absent
QByteArray number(double value); // null when not finite
QByteArray optionalNumber(const std::optional<double>& value);
// A stored extra object as it was received, {} when there is none or it is not a JSON object.
QByteArray extraObject(const QByteArray& extra);

QByteArray keys(const QList<SeriesInfo>& series);
QByteArray execution(const StoredSample& sample);
// {"key":..,"token":..,"from":..,"to":..,"executions":[  ...  ],"next":..}: the parts around the rows.
QByteArray executionsOpening(const SeriesSelector& selector);
QByteArray executionsClosing(const std::optional<QString>& next);
QByteArray stats(const SeriesSelector& selector, const KeyStats& stats);
QByteArray series(const SeriesSelector& selector, const BucketedSeries& series);
QByteArray status(const ServerStatus& status);
// What an API token limited to `tokens` sees of the status: no counters, addresses or paths, which are
// about every token. {"version","started","uptime_seconds","scope":{"tokens":[..]}}
QByteArray scopedStatus(const ServerStatus& status, const QStringList& tokens);

} // namespace Json

} // namespace Kodemon
