// SPDX-License-Identifier: MIT
#include "ingest/datagramsource.h"

#include "ingest/qtudpsource.h"

#ifdef Q_OS_LINUX
#include "ingest/linuxudpsource.h"
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
