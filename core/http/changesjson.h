// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/change.h"

#include <QByteArray>

namespace Kodemon::Json {

// {"from","to","functions","calls","min_calls","min_effect_pct","significance","total","changes":[{"key","token",
//  "time","metric","change_pct","improvement","p_value","median_changed","p95_changed","calls_affected","impact",
//  "bucket_seconds","before":{side},"after":{side},"release":{"tag","value"}|null,"annotation":{..}|null}]}, the
//  first `limit` changes (most impact first); a side is {"from","to","calls","errors","error_rate","p50","p95"}.
QByteArray changes(const ChangeReport& report, int limit);
// {"id","time","end","text","tags":[..],"token"} (end and token null when absent)
QByteArray annotation(const Annotation& annotation);
// {"from","to","annotations":[{annotation}]}
QByteArray annotations(const TimeRange& range, const QList<Annotation>& list);

} // namespace Kodemon::Json
