// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QUrl;
class QWidget;

namespace Kodemon::HelpBoxes {

// The Help and Settings message boxes that only explain: how to send data (`intro` above the copyable
// `snippet`), what Kodemon is, and why a window on another Kodemon has no settings of its own.
void sendingData(QWidget* parent, const QString& intro, const QString& snippet);
void about(QWidget* parent);
void remoteSettings(QWidget* parent, const QUrl& remote);

} // namespace Kodemon::HelpBoxes
