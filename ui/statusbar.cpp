// SPDX-License-Identifier: MIT
#include "statusbar.h"

#include "base/collectorstatus.h"
#include "base/rejectreason.h"
#include "displayformat.h"
#include "live/statussource.h"

#include <QLabel>
#include <QLocale>
#include <QTimer>

namespace Kodemon {

namespace {

QString coloured(const QString& text, const char* colour)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(colour), text.toHtmlEscaped());
}

bool hasCounters(const CollectorStatus& status)
{
    using State = CollectorStatus::State;
    return status.state == State::Listening || status.state == State::StoreFailing;
}

} // namespace

StatusBar::StatusBar(QWidget* parent)
    : QStatusBar(parent)
    , m_udp(addField(QStringLiteral("udp"), tr("Where Kodemon receives the decorator's datagrams")))
    , m_listeners(addField(QStringLiteral("listeners"), QString()))
    , m_rate(addField(QStringLiteral("rate"), tr("Datagrams received per second")))
    , m_stored(addField(QStringLiteral("stored"), tr("Calls stored in the database since Kodemon started")))
    , m_rejected(addField(QStringLiteral("rejected"), QString()))
    , m_drops(addField(QStringLiteral("drops"),
          tr("Datagrams the kernel dropped because the receive buffer was full (see README: Receive buffers)")))
    , m_database(addField(QStringLiteral("database"), QString()))
    , m_web(addField(QStringLiteral("web"), tr("The web page and JSON API; click to open it in the browser")))
    , m_timer(new QTimer(this))
{
    m_web->setOpenExternalLinks(true);
    m_web->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &StatusBar::refresh);
    m_timer->start();
    refresh();
}

StatusBar::~StatusBar() = default;

QLabel* StatusBar::addField(const QString& name, const QString& toolTip)
{
    auto* label = new QLabel;
    label->setObjectName(QStringLiteral("status-") + name);
    label->setToolTip(toolTip);
    label->setTextFormat(Qt::RichText);
    label->setContentsMargins(6, 0, 6, 0);
    addPermanentWidget(label);
    return label;
}

void StatusBar::setSources(StatusSource* source, const QUrl& webUrl, bool remote)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_remote = remote;
    m_lastDatagrams = -1;
    if (m_source)
        connect(m_source, &StatusSource::changed, this, &StatusBar::refresh);
    const QString url = webUrl.toString();
    const QString link = QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped());
    m_web->setText(url.isEmpty() ? tr("HTTP off") : remote ? tr("Remote %1").arg(link) : link);
    m_web->setToolTip(remote
            ? tr("This window shows the data of the Kodemon at %1; click to open its web page").arg(url.toHtmlEscaped())
            : tr("The web page and JSON API; click to open it in the browser"));
    refresh();
}

void StatusBar::refresh()
{
    const CollectorStatus status = m_source ? m_source->current() : CollectorStatus {};
    showState(status);
    showListeners(status);
    showCounters(status);
    showDatabase(status);
}

void StatusBar::showState(const CollectorStatus& status)
{
    using State = CollectorStatus::State;
    const QString where = status.udpEndpoint.toHtmlEscaped();
    switch (status.state) {
    case State::Stopped:
        m_udp->setText(tr("UDP %1").arg(coloured(tr("stopped"), "#b00020")));
        break;
    case State::Listening:
        m_udp->setText(tr("UDP %1 %2").arg(where, coloured(tr("listening"), "#2e7d32")));
        break;
    case State::StoreFailing:
        m_udp->setText(tr("UDP %1 %2").arg(where, coloured(tr("storage failing"), "#b00020")));
        break;
    case State::Unreachable:
        m_udp->setText(coloured(tr("Server unreachable"), "#b00020"));
        break;
    case State::Restricted:
        m_udp->setText(tr("UDP –"));
        break;
    }
    QString tip = m_remote ? tr("Where the remote Kodemon receives the decorator's datagrams")
                           : tr("Where Kodemon receives the decorator's datagrams");
    if (status.state == State::Restricted)
        tip = tr("The server shows its collector only to API tokens that may read every token");
    m_udp->setToolTip(status.problem.isEmpty() ? tip : status.problem);
}

// "StatsD 127.0.0.1:8125 · OTLP 127.0.0.1:4318", a listener whose port was taken in orange; hover for why. A remote
// window shows the server's (from its /api/status).
void StatusBar::showListeners(const CollectorStatus& status)
{
    QStringList shown;
    QStringList tips;
    const QString who = m_remote ? tr("the remote Kodemon") : tr("Kodemon");
    if (m_remote && !status.counters.listeners.isEmpty())
        tips.append(tr("The remote Kodemon's optional listeners:"));
    for (const auto& listener : status.counters.listeners) {
        const QString name = listener.protocol == u"statsd" ? tr("StatsD") : tr("OTLP");
        switch (listener.state) {
        case ListenerStatus::State::Off:
            tips.append(tr("%1: off").arg(name));
            break;
        case ListenerStatus::State::Listening:
            shown.append(tr("%1 %2").arg(name, listener.endpoint.toHtmlEscaped()));
            tips.append(tr("%1: listening on %2, %3 %4 received, %5 calls")
                            .arg(name, listener.endpoint, DisplayFormat::count(listener.received), listener.unit,
                                DisplayFormat::count(listener.calls)));
            break;
        case ListenerStatus::State::Unavailable:
            shown.append(coloured(tr("%1 unavailable").arg(name), "#b35c00"));
            tips.append(tr("%1: not listening on %2, %3 runs without it: %4")
                            .arg(name, listener.endpoint, who, listener.problem));
            break;
        }
    }
    m_listeners->setText(shown.join(QStringLiteral(" · ")));
    m_listeners->setToolTip(tips.join(u'\n'));
    m_listeners->setVisible(!shown.isEmpty());
}

void StatusBar::showCounters(const CollectorStatus& status)
{
    const IngestSnapshot& counters = status.counters;
    if (!hasCounters(status)) {
        m_lastDatagrams = -1;
        m_rate->setText(tr("Received –/s"));
        m_stored->setText(tr("Stored –"));
        m_rejected->setText(tr("Rejected –"));
        m_rejected->setToolTip(QString());
        m_drops->setText(tr("Kernel drops –"));
        return;
    }
    showRate(status);
    m_stored->setText(tr("Stored %1").arg(DisplayFormat::count(counters.stored)));
    const qint64 rejected = counters.rejectedTotal();
    m_rejected->setText(
        rejected > 0 ? coloured(tr("Rejected %1").arg(DisplayFormat::count(rejected)), "#b35c00") : tr("Rejected 0"));
    QStringList reasons;
    for (int i = 0; i < RejectReasonCount; ++i) {
        if (counters.rejected[size_t(i)] > 0)
            reasons.append(QStringLiteral("%1: %2").arg(
                rejectReasonName(RejectReason(i)), DisplayFormat::count(counters.rejected[size_t(i)])));
    }
    m_rejected->setToolTip(
        reasons.isEmpty() ? tr("Nothing was rejected") : tr("Rejected, by reason:\n") + reasons.join(u'\n'));
    m_drops->setText(counters.kernelDrops > 0
            ? coloured(tr("Kernel drops %1").arg(DisplayFormat::count(counters.kernelDrops)), "#b00020")
            : tr("Kernel drops 0"));
}

void StatusBar::showRate(const CollectorStatus& status)
{
    // A polled source may not have news every second: the rate changes only with a new reading.
    if (status.sampledAtMs == m_lastMs && m_lastDatagrams >= 0)
        return;
    double rate = 0;
    if (m_lastDatagrams >= 0 && status.sampledAtMs > m_lastMs)
        rate = double(status.counters.datagrams - m_lastDatagrams) * 1000.0 / double(status.sampledAtMs - m_lastMs);
    m_lastDatagrams = status.counters.datagrams;
    m_lastMs = status.sampledAtMs;
    m_rate->setText(tr("Received %1/s").arg(QLocale().toString(std::max(rate, 0.0), 'f', rate < 10 ? 1 : 0)));
}

void StatusBar::showDatabase(const CollectorStatus& status)
{
    m_database->setText(hasCounters(status) ? tr("DB %1").arg(DisplayFormat::bytes(status.databaseBytes)) : tr("DB –"));
    if (status.databaseLocation.isEmpty())
        m_database->setToolTip(QString());
    else if (m_remote)
        m_database->setToolTip(tr("The database on the server: %1").arg(status.databaseLocation));
    else
        m_database->setToolTip(tr("The database file: %1").arg(status.databaseLocation));
}

QString StatusBar::udpText() const
{
    return m_udp->text();
}

QString StatusBar::storedText() const
{
    return m_stored->text();
}

QString StatusBar::listenersText() const
{
    return m_listeners->text();
}

QString StatusBar::listenersToolTip() const
{
    return m_listeners->toolTip();
}

QString StatusBar::rejectedToolTip() const
{
    return m_rejected->toolTip();
}

QString StatusBar::webText() const
{
    return m_web->text();
}

QString StatusBar::databaseText() const
{
    return m_database->text();
}

} // namespace Kodemon
