// SPDX-License-Identifier: MIT
#include "alerts/alertnotifier.h"

#include "alerts/alertboard.h"
#include "alerts/alertjson.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTimer>

namespace Kodemon {

namespace {

// Worth another attempt: the receiver may be back or less busy later. Other 4xx answers say the request itself
// is wrong (a bad URL, a refused body) and would fail the same way again.
bool retryable(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return true; // no answer: refused, reset, timed out
    return status == 408 || status == 429 || status >= 500;
}

QString replyError(QNetworkReply* reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0)
        return QStringLiteral("%1 answered HTTP %2").arg(reply->url().host(), QString::number(status));
    if (reply->error() == QNetworkReply::OperationCanceledError)
        return QStringLiteral("%1 did not answer in time").arg(reply->url().host());
    return QStringLiteral("%1: %2").arg(reply->url().host(), reply->errorString());
}

QString valueText(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'g', 12) : QString();
}

} // namespace

QStringList alertEnvironment(const AlertEvent& event)
{
    const auto& transition = event.transition;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const auto set = [&](const char* name, const QString& value) {
        environment.insert(QLatin1String("KODEMON_ALERT_") + QLatin1String(name), value);
    };
    set("RULE", event.rule.name);
    set("STATE", event.notice == AlertNotice::Firing ? QStringLiteral("firing") : QStringLiteral("resolved"));
    set("FUNCTION", transition.series.key);
    set("TOKEN", transition.series.token);
    set("VALUE", valueText(transition.value));
    set("THRESHOLD", valueText(transition.threshold));
    set("CONDITION", transition.condition);
    set("TIME", QString::number(transition.time, 'f', 3));
    set("TIME_ISO", QDateTime::fromMSecsSinceEpoch(qint64(transition.time * 1000), Qt::UTC).toString(Qt::ISODate));
    set("LINK", event.link);
    set("TEXT", eventSummary(event));
    set("JSON", QString::fromUtf8(AlertJson::webhookBody(event)));
    return environment.toStringList();
}

AlertNotifier::AlertNotifier(Options options)
    : m_options(std::move(options))
    , m_network(new QNetworkAccessManager(this))
{
    // Webhook receivers are servers on the network: a redirect to another host is followed only when it keeps
    // https, as browsers would.
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

AlertNotifier::~AlertNotifier() = default;

void AlertNotifier::send(const AlertEvent& event)
{
    const QString alert = event.rule.name + QChar(0) + event.transition.series.key + QChar(0)
        + event.transition.series.token + QChar(0);
    if (!event.webhook.isEmpty())
        enqueue(alert + event.webhook, Delivery { event, false, 0, {} });
    if (!event.command.isEmpty())
        enqueue(alert + u'!' + event.command, Delivery { event, true, 0, {} });
}

void AlertNotifier::enqueue(const QString& lane, Delivery delivery)
{
    if (m_waiting >= m_options.maxWaiting) {
        ++m_counters.dropped;
        m_counters.lastError = QStringLiteral("%1 notifications were waiting: dropped one of rule \"%2\"")
                                   .arg(m_waiting)
                                   .arg(delivery.event.rule.name);
        qCWarning(lcAlerts).noquote() << m_counters.lastError;
        return publish();
    }
    ++m_waiting;
    m_lanes[lane].enqueue(std::move(delivery));
    if (!m_busy.value(lane))
        startHead(lane);
    publish();
}

void AlertNotifier::startHead(const QString& lane)
{
    auto it = m_lanes.find(lane);
    if (it == m_lanes.end() || it->isEmpty()) {
        m_lanes.remove(lane);
        m_busy.remove(lane);
        return;
    }
    m_busy[lane] = true;
    Delivery& head = it->head();
    ++head.attempt;
    if (head.command)
        run(lane, head);
    else
        post(lane, head);
}

void AlertNotifier::post(const QString& lane, Delivery& delivery)
{
    QNetworkRequest request { QUrl(delivery.event.webhook) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, m_options.userAgent);
    request.setTransferTimeout(int(delivery.event.webhookTimeout * 1000));
    QNetworkReply* reply = m_network->post(request, AlertJson::webhookBody(delivery.event));
    connect(reply, &QNetworkReply::finished, this, [this, lane, reply] { onReply(lane, reply); });
}

void AlertNotifier::onReply(const QString& lane, QNetworkReply* reply)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300)
        return finishHead(lane, QString());
    const QString error = replyError(reply);
    if (!retryable(reply))
        return finishHead(lane, error);
    retryHead(lane, error);
}

void AlertNotifier::run(const QString& lane, Delivery& delivery)
{
    if (m_runningCommands >= m_options.maxCommands) {
        --delivery.attempt; // not started yet
        m_commandLanes.enqueue(lane);
        return;
    }
    auto* process = new QProcess(this);
    process->setEnvironment(alertEnvironment(delivery.event));
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->setStandardOutputFile(QProcess::nullDevice());
    ++m_runningCommands;
    auto* deadline = new QTimer(process);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, process, [process] { process->kill(); });
    connect(process, &QProcess::finished, this, [this, lane, process](int code, QProcess::ExitStatus status) {
        const QString error = status == QProcess::CrashExit
            ? QStringLiteral("the command crashed or was killed after %1 s").arg(m_options.commandTimeout)
            : code != 0 ? QStringLiteral("the command exited with code %1").arg(code)
                        : QString();
        onCommandDone(lane, process, error);
    });
    connect(process, &QProcess::errorOccurred, this, [this, lane, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onCommandDone(lane, process, QStringLiteral("cannot run /bin/sh: %1").arg(process->errorString()));
    });
    deadline->start(int(m_options.commandTimeout * 1000));
    // Through the shell, as cron and git hooks run theirs: "$KODEMON_ALERT_TEXT" expands, pipes work.
    process->start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), delivery.event.command });
}

// Commands are run once: one that failed may still have sent its mail or page, and a second would send it twice.
void AlertNotifier::onCommandDone(const QString& lane, QProcess* process, const QString& error)
{
    process->disconnect(this);
    process->deleteLater();
    --m_runningCommands;
    finishHead(lane, error);
    startWaitingCommands();
}

void AlertNotifier::startWaitingCommands()
{
    while (m_runningCommands < m_options.maxCommands && !m_commandLanes.isEmpty())
        startHead(m_commandLanes.dequeue());
}

void AlertNotifier::finishHead(const QString& lane, const QString& error)
{
    auto it = m_lanes.find(lane);
    if (it == m_lanes.end() || it->isEmpty())
        return;
    const Delivery done = it->dequeue();
    --m_waiting;
    const QString target = done.command ? done.event.command : done.event.webhook;
    if (error.isEmpty()) {
        ++m_counters.delivered;
    } else {
        ++m_counters.failed;
        m_counters.lastError = QStringLiteral("gave up notifying rule \"%1\" after %2 attempt(s): %3")
                                   .arg(done.event.rule.name, QString::number(done.attempt), error);
        qCWarning(lcAlerts).noquote() << m_counters.lastError;
    }
    Q_EMIT delivered(done.event, target, error);
    startHead(lane);
    publish();
}

void AlertNotifier::retryHead(const QString& lane, const QString& error)
{
    auto it = m_lanes.find(lane);
    if (it == m_lanes.end() || it->isEmpty())
        return;
    Delivery& head = it->head();
    if (head.attempt >= m_options.maxAttempts)
        return finishHead(lane, error);
    head.lastError = error;
    ++m_counters.retries;
    m_counters.lastError = error;
    // Exponential back-off with up to 10% of jitter, so that many alerts of one dead receiver do not retry in step.
    const double base = std::min(m_options.maxRetryDelay, m_options.firstRetry * double(1 << std::min(head.attempt - 1, 20)));
    const double delay = base * (1 + 0.1 * QRandomGenerator::global()->generateDouble());
    qCInfo(lcAlerts).noquote() << "webhook for rule" << head.event.rule.name << QStringLiteral("failed (%1); attempt").arg(error)
                               << head.attempt + 1 << "in" << QString::number(delay, 'f', 1) << "s";
    QTimer::singleShot(int(delay * 1000), this, [this, lane] {
        auto it = m_lanes.find(lane);
        if (it == m_lanes.end() || it->isEmpty())
            return;
        ++it->head().attempt;
        post(lane, it->head());
    });
    publish();
}

void AlertNotifier::publish()
{
    m_counters.waiting = m_waiting;
    if (m_options.board)
        m_options.board->publishDeliveries(m_counters);
}

} // namespace Kodemon
