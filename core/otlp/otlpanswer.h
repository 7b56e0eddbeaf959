// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace Kodemon {

// The bodies of OTLP/HTTP answers, in the request's encoding (protobuf or JSON), as the specification asks:
// an ExportTraceServiceResponse on success (with partial_success when spans were refused), a google.rpc.Status
// on every 4xx and 5xx.
QByteArray otlpExportResponse(bool json, qint64 rejectedSpans = 0, const QString& errorMessage = {});
// `grpcCode`: the google.rpc.Code that matches the HTTP status (3 invalid argument, 14 unavailable, ...).
QByteArray otlpErrorStatus(bool json, int grpcCode, const QString& message);

} // namespace Kodemon
