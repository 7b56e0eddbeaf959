// SPDX-License-Identifier: MIT
#pragma once

#include "http/httpreply.h"

#include <QStringList>

namespace Kodemon::WebAssets {

// The web page and its assets, compiled into the program as Qt resources under :/web (no CDN: the page
// works without internet), and the OpenAPI document under :/api.
QString pageName(); // index.html, served at "/"
QStringList names(); // every file of the page, served at /assets/<name>
Reply reply(const QString& name);
Reply openApi();

} // namespace Kodemon::WebAssets
