// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <QtGlobal>

namespace Kodemon {

// Asks for a receive buffer of `bytes` (bypassing net.core.rmem_max when privileged) and returns what the
// kernel granted, as it reports it.
int requestReceiveBuffer(qintptr socket, int bytes);

// Datagrams the kernel dropped for this UDP socket because its buffer was full (Linux /proc/net/udp{,6});
// nullopt where the platform does not tell.
std::optional<qint64> kernelDrops(qintptr socket);

} // namespace Kodemon
