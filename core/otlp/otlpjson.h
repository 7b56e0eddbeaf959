// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <QByteArrayView>

namespace otlpwire {
class ExportTraceServiceRequest;
}

namespace Kodemon {

// Reads an OTLP/JSON ExportTraceServiceRequest into `request`: the members Kodemon uses, checked for their types
// (a wrong type is a 400 naming where it is), every other member ignored as the specification asks.
Status readOtlpJson(QByteArrayView body, otlpwire::ExportTraceServiceRequest& request);

} // namespace Kodemon
