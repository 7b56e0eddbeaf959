// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// The desktop viewer's log: how long loads took (debug), what failed (warning).
Q_DECLARE_LOGGING_CATEGORY(lcUi)
