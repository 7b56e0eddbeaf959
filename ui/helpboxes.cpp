// SPDX-License-Identifier: MIT
#include "helpboxes.h"

#include "base/hostport.h"
#include "emptystate.h"
#include "store/store.h"
#include "viewerservices.h"

#include <QCoreApplication>
#include <QDir>
#include <QMessageBox>
#include <QUrl>

namespace Kodemon::HelpBoxes {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("Kodemon::HelpBoxes", text);
}

void showSnippet(QWidget* parent, const QString& intro, const QString& snippet)
{
    QMessageBox box(QMessageBox::Information, tr("Sending Data"),
        QStringLiteral("<p>%1</p><pre>%2</pre>").arg(intro, snippet.toHtmlEscaped()), QMessageBox::Ok, parent);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

void showAbout(QWidget* parent, const QList<QPair<QString, QString>>& details)
{
    QString rows;
    for (const auto& [label, value] : details)
        rows += QStringLiteral("<tr><td>%1&nbsp;&nbsp;</td><td><code>%2</code></td></tr>")
                    .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    QMessageBox::about(parent, tr("About Kodemon"),
        tr("<h3>Kodemon %1</h3><p>Shows how long the functions of your running programs take: the decorator "
           "sends one UDP datagram per call, Kodemon stores and charts them.</p>")
                .arg(QLatin1String(KODEMON_VERSION))
            + QStringLiteral("<table>%1</table>").arg(rows));
}

} // namespace

void sendingData(QWidget* parent, const ViewerServices& services)
{
    if (!services.remoteUrl.isEmpty()) {
        showSnippet(parent,
            tr("Put the decorator on a Python function and run your program with the address of the Kodemon at "
               "%1 (its UDP port is its <code>--udp-port</code>, 4000 by default):")
                .arg(services.remoteUrl.toString().toHtmlEscaped()),
            EmptyState::snippetFor(services.remoteUrl.host(), 4000));
        return;
    }
    const quint16 port = services.udp ? services.udp->port : services.settings.udpPort;
    showSnippet(parent,
        tr("Put the decorator on a Python function and run your program with the Kodemon address in its "
           "environment:"),
        EmptyState::snippetFor(services.settings.udpAddress, port));
}

void about(QWidget* parent, const ViewerServices& services)
{
    QList<QPair<QString, QString>> details;
    if (!services.remoteUrl.isEmpty())
        details.append({ tr("Viewing"), services.remoteUrl.toString() });
    else if (services.store)
        details.append({ tr("Database"), QDir::toNativeSeparators(services.store->location()) });
    if (const auto& udp = services.udp)
        details.append({ tr("Datagrams"), QStringLiteral("UDP %1").arg(hostPort(udp->address, udp->port)) });
    if (!services.webUrl.isEmpty())
        details.append({ tr("API and web page"), services.webUrl.toString() });
    showAbout(parent, details);
}

void remoteSettings(QWidget* parent, const QUrl& remote)
{
    QMessageBox::information(parent, tr("Kodemon Settings"),
        tr("<p>This window views the Kodemon at <b>%1</b>: its ports and database are set where it runs.</p>"
           "<p>To view another one, start <code>kodemon --remote URL</code> again with that URL (and "
           "<code>--api-token</code> if it asks for one); <code>kodemon</code> alone collects on this "
           "computer.</p>")
            .arg(remote.toString().toHtmlEscaped()));
}

} // namespace Kodemon::HelpBoxes
