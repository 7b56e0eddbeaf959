// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changefinder.h"
#include "connectionsettings.h"
#include "store/store.h"

#include <functional>
#include <memory>
#include <optional>
#include <QHostAddress>
#include <QUrl>

namespace Kodemon {

class AlertService;
class SampleFeed;
class StatusSource;
class Store;

// How "What changed" finds changes, on its query thread (ChangesController).
using ChangeFinder = std::function<Result<ChangeReport>(Query&, const ChangeRequest&)>;

// Where the local collector receives datagrams: the address and the port it is bound to.
struct UdpEndpoint
{
    QHostAddress address;
    quint16 port = 0;
};

// What the composition root hands the window: the store to make readers from, where the local collector
// listens if one runs, the settings in effect, where new calls come from (live mode) and what the status bar
// shows. The window knows no collector: only these abstractions.
struct ViewerServices
{
    std::shared_ptr<Store> store;
    std::optional<UdpEndpoint> udp; // the running local collector's, for test data and how-to; none when remote
    ConnectionSettings settings; // as requested (a port may be 0); `udp` has the bound one
    QUrl webUrl; // the web page; empty while HTTP is off
    SampleFeed* feed = nullptr; // new calls for live mode; null: no live updates
    StatusSource* status = nullptr; // for the status bar; null: nothing to show
    QUrl remoteUrl {}; // the other Kodemon this window views (`--remote`); empty for a local one
    AlertService* alerts = nullptr; // the local collector's alerts; null when remote
    // Deletes calls on the collector's writer thread (SQLite only); empty when calls cannot be deleted here.
    std::function<void(const DeleteRequest&, std::function<void(Result<qint64>)>)> deleter = {};
    // How long the local SQLite store keeps calls and summaries; none for ClickHouse and remote windows.
    std::optional<RetentionPolicy> retention = {};
    // Finds changes in place of findChanges over the store's calls: a remote window asks the server's /api/changes
    // (RemoteStore::findChanges). Empty: findChanges.
    ChangeFinder changes = {};
};

} // namespace Kodemon
