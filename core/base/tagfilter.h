// SPDX-License-Identifier: MIT
#pragma once

#include "base/calltags.h"
#include "base/result.h"
#include "base/types.h"

namespace Kodemon {

// The one text form of tag filters, shared by the HTTP API (`tag=` parameters), the window's filter bar and the
// command line:
//   endpoint:/cart    the tag has this value       endpoint!:/cart   it has another value, or is absent
//   endpoint          the tag is present           !endpoint         the tag is absent
// The value is everything after the first ':' that is not escaped, taken literally. In a name, a backslash
// escapes ':', '!' and itself (`a\:b:1` is the tag `a:b` with value `1`). Names are non-empty.
Result<TagFilter> parseTagFilter(const QString& text);
// The text parseTagFilter() reads back to the same filter.
QString formatTagFilter(const TagFilter& filter);

// Whether a call with these tags passes the filter.
bool tagFilterMatches(const TagFilter& filter, const CallTags& tags);
// Whether it passes every filter and has the outcome.
bool callMatches(const QList<TagFilter>& filters, CallOutcome outcome, const CallTags& tags);

// "all", "succeeded", "failed"; parseOutcome() reads them back (and "ok" for succeeded).
QString outcomeName(CallOutcome outcome);
std::optional<CallOutcome> parseOutcome(const QString& text);

} // namespace Kodemon
