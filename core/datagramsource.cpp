// SPDX-License-Identifier: MIT
#include "datagramsource.h"

#include "qtudpsource.h"

#ifdef Q_OS_LINUX
#include "linuxudpsource.h"
#endif

namespace Kodemon {

std::unique_ptr<DatagramSource> DatagramSource::create(QObject* parent)
{
#ifdef Q_OS_LINUX
    if (qEnvironmentVariable("KODEMON_UDP_BACKEND") != QLatin1String("qt"))
        return std::make_unique<LinuxUdpSource>(parent);
#endif
    return std::make_unique<QtUdpSource>(parent);
}

} // namespace Kodemon
