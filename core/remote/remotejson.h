// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"
#include "base/collectorstatus.h"
#include "base/types.h"

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace Kodemon::RemoteJson {

// Readers of the HTTP API's answers (docs/API.md) into the store's value types; nothing when an answer is not
// shaped like Kodemon's. Pure.

std::optional<QJsonObject> object(const QByteArray& body);
// GET /api/keys. The API gives each series' mean, so the total is mean × count (mean() gives it back).
std::optional<QList<SeriesInfo>> keys(const QJsonObject& answer);
// GET /api/executions (JSON). `body` is the answer's text, for each row's `extra` exactly as the server wrote
// it: QJsonObject would sort its members, and CSV export must write what the server's own CSV writes.
std::optional<SamplePage> executions(const QJsonObject& answer, const QByteArray& body);
std::optional<KeyStats> stats(const QJsonObject& answer); // GET /api/stats
std::optional<BucketedSeries> series(const QJsonObject& answer); // GET /api/series
std::optional<QList<GroupedSeries>> groupedSeries(const QJsonObject& answer); // GET /api/series?group_by=
std::optional<QList<TagSummary>> tags(const QJsonObject& answer); // GET /api/tags
// GET /api/functions. The API gives no all-time totals but the count, first and last: the rest stays 0.
std::optional<QList<SeriesSummary>> functions(const QJsonObject& answer);
// GET /api/status: the collector's address, counters, optional listeners (StatsD and OTLP; other names and unknown
// states are left out) and database. An API token limited to some Kodemon tokens gets no collector details: the state
// is then Restricted.
std::optional<CollectorStatus> status(const QJsonObject& answer);
// GET /api/changes: the report and the changes it lists (at most its `limit`), each with its release, marker and
// tag value when the server named them.
std::optional<ChangeReport> changes(const QJsonObject& answer);
// GET /api/annotations: the deploy markers, oldest first.
std::optional<QList<Annotation>> annotations(const QJsonObject& answer);

// The text of member `member` of every object in the top-level member array `array`, in order, exactly as it
// appears in `json`; nothing when `json` is not an object holding such an array.
std::optional<QList<QByteArray>> rawMembers(const QByteArray& json, const QByteArray& array, const QByteArray& member);

} // namespace Kodemon::RemoteJson
