// SPDX-License-Identifier: MIT
#pragma once

#include "live/statussource.h"

#include <memory>

class QTimer;

namespace Kodemon {

struct HttpOutcome;
class RemoteApi;

// The status of a remote Kodemon's collector: GET /api/status every couple of seconds, without blocking.
// While the server does not answer, the state is Unreachable and `problem` says why.
class RemoteStatus final : public StatusSource
{
    Q_OBJECT
public:
    explicit RemoteStatus(std::shared_ptr<RemoteApi> api, int intervalMs = 1500, QObject* parent = nullptr);
    ~RemoteStatus() override;
    Q_DISABLE_COPY_MOVE(RemoteStatus)

    CollectorStatus current() const override { return m_status; }
    // Asks now (also done by the timer).
    void refresh();

private:
    void apply(const HttpOutcome& outcome);

    std::shared_ptr<RemoteApi> m_api;
    QTimer* m_timer;
    CollectorStatus m_status;
    bool m_asking = false;
};

} // namespace Kodemon
