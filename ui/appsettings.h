// SPDX-License-Identifier: MIT
#pragma once

#include <QSettings>

namespace Kodemon {

// The window's settings across restarts (geometry, range, selection, the export folder): one file for every
// part of the viewer. Tests isolate it with QStandardPaths' test mode.
QSettings appSettings();

} // namespace Kodemon
