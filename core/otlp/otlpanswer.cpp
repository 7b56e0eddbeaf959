// SPDX-License-Identifier: MIT
#include "otlp/otlpanswer.h"

#include <otlptrace.pb.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace Kodemon {

namespace {

QByteArray serialized(const google::protobuf::MessageLite& message)
{
    const std::string bytes = message.SerializeAsString();
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

} // namespace

QByteArray otlpExportResponse(bool json, qint64 rejectedSpans, const QString& errorMessage)
{
    const bool partial = rejectedSpans > 0 || !errorMessage.isEmpty(); // otherwise partial_success stays unset
    if (json) {
        QJsonObject response;
        if (partial) // 64-bit integers are strings in protobuf's JSON mapping
            response.insert(QStringLiteral("partialSuccess"),
                QJsonObject { { QStringLiteral("rejectedSpans"), QString::number(rejectedSpans) },
                    { QStringLiteral("errorMessage"), errorMessage } });
        return QJsonDocument(response).toJson(QJsonDocument::Compact);
    }
    otlpwire::ExportTraceServiceResponse response;
    if (partial) {
        response.mutable_partial_success()->set_rejected_spans(rejectedSpans);
        response.mutable_partial_success()->set_error_message(errorMessage.toStdString());
    }
    return serialized(response);
}

QByteArray otlpErrorStatus(bool json, int grpcCode, const QString& message)
{
    if (json)
        return QJsonDocument(QJsonObject { { QStringLiteral("code"), grpcCode }, { QStringLiteral("message"), message } })
            .toJson(QJsonDocument::Compact);
    otlpwire::RpcStatus status;
    status.set_code(grpcCode);
    status.set_message(message.toStdString());
    return serialized(status);
}

} // namespace Kodemon
