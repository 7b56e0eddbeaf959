// SPDX-License-Identifier: MIT
#pragma once

#include "connectionsettings.h"

#include <memory>
#include <QUrl>

namespace Kodemon {

class Collector;
class SampleFeed;
class StatusSource;
class Store;

// What the composition root hands the window: the store to make readers from, the local collector if there is
// one, the settings in effect, where new calls come from (live mode) and what the status bar shows.
struct ViewerServices
{
    std::shared_ptr<Store> store;
    Collector* collector = nullptr; // local only: test data, the decorator's address; null when remote
    ConnectionSettings settings; // as requested (a port may be 0); the collector knows the bound one
    QUrl webUrl; // the web page; empty while HTTP is off
    SampleFeed* feed = nullptr; // new calls for live mode; null: the collector's (CollectorFeed), if any
    StatusSource* status = nullptr; // for the status bar; null: the collector's (LocalStatus), if any
    QUrl remoteUrl {}; // the other Kodemon this window views (`--remote`); empty for a local one
};

} // namespace Kodemon
