// SPDX-License-Identifier: MIT
#pragma once

#include "connectionsettings.h"

#include <memory>
#include <QUrl>

namespace Kodemon {

class Collector;
class Store;

// What the composition root hands the window: the store to make readers from, the running collector
// (counters and its `stored` signal), and the settings in effect.
struct ViewerServices
{
    std::shared_ptr<Store> store;
    Collector* collector = nullptr;
    ConnectionSettings settings; // as requested (a port may be 0); the collector knows the bound one
    QUrl webUrl; // the web page; empty while HTTP is off
};

} // namespace Kodemon
