// SPDX-License-Identifier: MIT
#pragma once

#include "base/annotation.h"
#include "http/httpparams.h"

#include <QByteArrayView>

namespace Kodemon {

// The body of POST /api/annotations, a JSON object:
//   {"text": "deploy 1.4.2", "time": 1732540200, "end": 1732540500, "tags": ["deploy"], "token": "shop"}
// text is required (1 to MaxAnnotationText characters); time (epoch seconds or a time expression such as
// "now-5m", default now) and end (a period's end, not before time) are optional, and so are tags (at most
// MaxAnnotationTags strings of 1 to 100 characters) and token (the project; absent or empty: every project).
// Unknown members are refused, so that a typo is not silently dropped. Pure: `now` is passed in. Errors name the
// member (`parameter`) and say why.
inline constexpr qsizetype MaxAnnotationBody = 4096; // bytes; larger bodies are answered 413
inline constexpr qsizetype MaxAnnotationText = 1000;
inline constexpr qsizetype MaxAnnotationTags = 20;
Parsed<Annotation> parseAnnotationBody(QByteArrayView body, double now);

} // namespace Kodemon
