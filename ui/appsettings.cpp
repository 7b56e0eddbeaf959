// SPDX-License-Identifier: MIT
#include "appsettings.h"

namespace Kodemon {

QSettings appSettings()
{
    return QSettings(QStringLiteral("kodemon"), QStringLiteral("kodemon"));
}

} // namespace Kodemon
