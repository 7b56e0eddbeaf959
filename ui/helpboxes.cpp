// SPDX-License-Identifier: MIT
#include "helpboxes.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QUrl>

namespace Kodemon::HelpBoxes {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("Kodemon::HelpBoxes", text);
}

} // namespace

void sendingData(QWidget* parent, const QString& intro, const QString& snippet)
{
    QMessageBox box(QMessageBox::Information, tr("Sending Data"),
        QStringLiteral("<p>%1</p><pre>%2</pre>").arg(intro, snippet.toHtmlEscaped()), QMessageBox::Ok, parent);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

void about(QWidget* parent, const QList<QPair<QString, QString>>& details)
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
