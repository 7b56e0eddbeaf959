// SPDX-License-Identifier: MIT
#include "base/logging.h"

Q_LOGGING_CATEGORY(lcUdp, "kodemon.udp", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "kodemon.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "kodemon.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "kodemon.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRemote, "kodemon.remote", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "kodemon.ui", QtInfoMsg)
