// SPDX-License-Identifier: MIT
#pragma once

class QUrl;
class QWidget;

namespace Kodemon {

struct ViewerServices;

namespace HelpBoxes {

// The Help and Settings message boxes that only explain, written from what the window is attached to: how to
// send data to this Kodemon (a copyable snippet with its address), what Kodemon is and where it listens and
// stores, and why a window on another Kodemon has no settings of its own.
void sendingData(QWidget* parent, const ViewerServices& services);
void about(QWidget* parent, const ViewerServices& services);
void remoteSettings(QWidget* parent, const QUrl& remote);

} // namespace HelpBoxes

} // namespace Kodemon
