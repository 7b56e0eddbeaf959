// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace Kodemon {

// `kodemon compare`: the regression check for CI. Compares every function's calls in a baseline and a candidate
// (time ranges, or values of a tag such as release=1.4.1 and release=1.4.2) in a database file or a remote
// Kodemon, prints a table (or JSON) and exits 0 (no significant regression above the thresholds), 1 (a
// regression) or 2 (a usage or data error). Headless: no display needed. `arguments` starts with the program.
int runCompareCommand(const QStringList& arguments);

// Exit codes of `kodemon compare`.
enum CompareExit { CompareOk = 0, CompareRegression = 1, CompareError = 2 };

} // namespace Kodemon
