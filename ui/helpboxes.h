// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPair>
#include <QString>

class QUrl;
class QWidget;

namespace Kodemon::HelpBoxes {

// The Help and Settings message boxes that only explain: how to send data (`intro` above the copyable
// `snippet`), what Kodemon is, and why a window on another Kodemon has no settings of its own.
void sendingData(QWidget* parent, const QString& intro, const QString& snippet);
// `details` are "label: value" lines (database, listening addresses) shown below the description.
void about(QWidget* parent, const QList<QPair<QString, QString>>& details);
void remoteSettings(QWidget* parent, const QUrl& remote);

} // namespace Kodemon::HelpBoxes
