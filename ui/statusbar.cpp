// SPDX-License-Identifier: MIT
#include "statusbar.h"

#include "collector.h"
#include "datagram.h"
#include "displayformat.h"
#include "ingestcounters.h"
#include "store.h"

#include <QDateTime>
#include <QLabel>
#include <QTimer>

namespace Kodemon {

namespace {

QString hostPort(const QHostAddress& address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

QString coloured(const QString& text, const char* colour)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(QLatin1String(colour), text.toHtmlEscaped());
}

} // namespace

StatusBar::StatusBar(QWidget* parent)
    : QStatusBar(parent)
    , m_udp(addField(QStringLiteral("udp"), tr("Where Kodemon receives the decorator's datagrams")))
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

void StatusBar::setSources(Collector* collector, std::shared_ptr<Store> store, const QUrl& webUrl)
{
    m_collector = collector;
    m_store = std::move(store);
    m_lastDatagrams = -1;
    const QString url = webUrl.toString();
    m_web->setText(url.isEmpty() ? tr("HTTP off") : QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
    m_web->setVisible(true);
    m_database->setToolTip(m_store ? tr("The database file: %1").arg(m_store->location()) : QString());
    refresh();
}

void StatusBar::refresh()
{
    if (!m_collector) {
        m_udp->setText(tr("UDP %1").arg(coloured(tr("stopped"), "#b00020")));
        showCounters(IngestSnapshot {});
        m_database->setText(tr("DB –"));
        return;
    }
    const IngestSnapshot snapshot = m_collector->counters()->snapshot();
    const QString where = hostPort(m_collector->udpAddress(), m_collector->udpPort());
    const QString state = !m_collector->isRunning() ? coloured(tr("stopped"), "#b00020")
        : !snapshot.storeError.isEmpty()            ? coloured(tr("storage failing"), "#b00020")
                                                    : coloured(tr("listening"), "#2e7d32");
    m_udp->setText(tr("UDP %1 %2").arg(where.toHtmlEscaped(), state));
    m_udp->setToolTip(
        snapshot.storeError.isEmpty() ? tr("Where Kodemon receives the decorator's datagrams") : snapshot.storeError);
    showCounters(snapshot);
    m_database->setText(tr("DB %1").arg(DisplayFormat::bytes(m_store ? m_store->sizeOnDisk() : -1)));
}

void StatusBar::showCounters(const IngestSnapshot& snapshot)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    double rate = 0;
    if (m_lastDatagrams >= 0 && nowMs > m_lastMs)
        rate = double(snapshot.datagrams - m_lastDatagrams) * 1000.0 / double(nowMs - m_lastMs);
    m_lastDatagrams = snapshot.datagrams;
    m_lastMs = nowMs;
    m_rate->setText(tr("Received %1/s").arg(QLocale().toString(rate, 'f', rate < 10 ? 1 : 0)));
    m_stored->setText(tr("Stored %1").arg(DisplayFormat::count(snapshot.stored)));
    const qint64 rejected = snapshot.rejectedTotal();
    m_rejected->setText(
        rejected > 0 ? coloured(tr("Rejected %1").arg(DisplayFormat::count(rejected)), "#b35c00") : tr("Rejected 0"));
    QStringList reasons;
    for (int i = 0; i < RejectReasonCount; ++i) {
        if (snapshot.rejected[size_t(i)] > 0)
            reasons.append(QStringLiteral("%1: %2").arg(
                rejectReasonName(RejectReason(i)), DisplayFormat::count(snapshot.rejected[size_t(i)])));
    }
    m_rejected->setToolTip(
        reasons.isEmpty() ? tr("Nothing was rejected") : tr("Rejected, by reason:\n") + reasons.join(u'\n'));
    m_drops->setText(snapshot.kernelDrops > 0
            ? coloured(tr("Kernel drops %1").arg(DisplayFormat::count(snapshot.kernelDrops)), "#b00020")
            : tr("Kernel drops 0"));
}

QString StatusBar::udpText() const
{
    return m_udp->text();
}

QString StatusBar::storedText() const
{
    return m_stored->text();
}

QString StatusBar::rejectedToolTip() const
{
    return m_rejected->toolTip();
}

QString StatusBar::webText() const
{
    return m_web->text();
}

} // namespace Kodemon
