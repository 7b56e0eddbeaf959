// SPDX-License-Identifier: MIT
#pragma once

#include "otlp/otlpdecoder.h"

namespace otlpwire {
class ExportTraceServiceRequest;
}

namespace Kodemon {

// The calls of a decoded request, as otlpdecoder.h describes them.
OtlpCalls spansToCalls(const otlpwire::ExportTraceServiceRequest& request);

} // namespace Kodemon
