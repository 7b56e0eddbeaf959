// SPDX-License-Identifier: MIT
#include "live/remotestatus.h"

#include "live/samplefeed.h"
#include "remote/remoteapi.h"
#include "remote/remoteerror.h"
#include "remote/remotejson.h"

#include <QTimer>

namespace Kodemon {

namespace {

constexpr int TimeoutMs = 5000;

} // namespace

RemoteStatus::RemoteStatus(std::shared_ptr<RemoteApi> api, int intervalMs, QObject* parent)
    : StatusSource(parent)
    , m_api(std::move(api))
    , m_timer(new QTimer(this))
{
    m_status.state = CollectorStatus::State::Unreachable;
    m_status.problem = tr("asking %1…").arg(m_api->endpoint().server());
    m_timer->setInterval(intervalMs);
    connect(m_timer, &QTimer::timeout, this, &RemoteStatus::refresh);
    m_timer->start();
    refresh();
}

RemoteStatus::~RemoteStatus() = default;

void RemoteStatus::refresh()
{
    if (m_asking)
        return; // a slow server gets one question at a time
    m_asking = true;
    m_api->getAsync(
        QStringLiteral("/api/status"), {}, this, [this](const HttpOutcome& outcome) { apply(outcome); }, TimeoutMs);
}

void RemoteStatus::apply(const HttpOutcome& outcome)
{
    m_asking = false;
    const QString server = m_api->endpoint().server();
    const auto error = remoteError(outcome, server, !m_api->endpoint().apiToken.isEmpty());
    const auto json = error ? std::nullopt : RemoteJson::object(outcome.body);
    const auto status = json ? RemoteJson::status(*json) : std::nullopt;
    if (status) {
        m_status = *status;
    } else {
        m_status = CollectorStatus {};
        m_status.state = CollectorStatus::State::Unreachable;
        m_status.problem = error ? error->message
                                 : tr("%1 answered /api/status with something that is not "
                                      "Kodemon's JSON: is it a Kodemon?")
                                       .arg(server);
    }
    m_status.sampledAtMs = SampleFeed::clockMs();
    Q_EMIT changed();
}

} // namespace Kodemon
