// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace Kodemon {

// A message as a sentence on its own: core errors start in lower case, to be embedded in other words
// ("cannot use the database: ..."), and a dialog or the terminal shows them capitalised.
QString sentence(QString text);

} // namespace Kodemon
