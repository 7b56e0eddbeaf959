// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/changefinder.h"
#include "remote/remoteapi.h"
#include "store/store.h"

#include <memory>

namespace Kodemon {

// Another Kodemon, read through its HTTP API (`kodemon --remote URL`): every thread's reader asks the server,
// so the viewer's query layer, workers and panels work as they do on a local file. Read-only: there is no
// writer, and nothing is kept locally.
class RemoteStore final : public Store
{
public:
    explicit RemoteStore(RemoteEndpoint endpoint);
    ~RemoteStore() override;
    Q_DISABLE_COPY_MOVE(RemoteStore)

    // Succeeds without asking the server: a server that is down now may be up in a minute, and the window
    // says so meanwhile.
    Status open() override;
    // Null: samples are written by the remote Kodemon's own collector.
    std::unique_ptr<StoreWriter> createWriter() override;
    std::unique_ptr<StoreReader> createReader() override;

    QString location() const override; // the server's URL
    qint64 sizeOnDisk() const override; // -1: GET /api/status tells (see RemoteStatus)

    std::shared_ptr<RemoteApi> api() const { return m_api; }

    // What findChanges answers, asked of the server (GET /api/changes, RemoteReader::changes): one request instead
    // of every function's calls over HTTP. A server older than /api/changes gets findChanges over `query`.
    Result<ChangeReport> findChanges(Query& query, const ChangeRequest& request) const;

private:
    std::shared_ptr<RemoteApi> m_api;
};

} // namespace Kodemon
