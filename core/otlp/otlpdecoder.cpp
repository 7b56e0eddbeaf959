// SPDX-License-Identifier: MIT
#include "otlp/otlpdecoder.h"

#include "otlp/otlpjson.h"
#include "otlp/otlpspans.h"
#include <otlptrace.pb.h>

#include <array>
#include <google/protobuf/arena.h>
#include <google/protobuf/stubs/logging.h>
#include <numeric>

namespace Kodemon {

namespace {

constexpr std::array<QLatin1StringView, OtlpSpanRejectCount> RejectNames = {
    QLatin1StringView("missing_name"),
    QLatin1StringView("bad_name"),
    QLatin1StringView("bad_time"),
};

} // namespace

QLatin1StringView otlpSpanRejectName(OtlpSpanReject reason)
{
    const auto index = static_cast<size_t>(reason);
    return index < RejectNames.size() ? RejectNames[index] : QLatin1StringView("unknown");
}

qint64 OtlpCalls::rejectedTotal() const
{
    return std::accumulate(rejected.begin(), rejected.end(), qint64(0));
}

Result<OtlpCalls> decodeOtlpProtobuf(QByteArrayView body)
{
    // libprotobuf writes every refused string to stderr itself; the refusal is answered (400) and counted instead.
    static const bool quiet = [] {
        google::protobuf::SetLogHandler(nullptr);
        return true;
    }();
    Q_UNUSED(quiet);
    // One arena per request: the messages of a batch are freed at once, not span by span.
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<otlpwire::ExportTraceServiceRequest>(&arena);
    if (body.size() > std::numeric_limits<int>::max() || !request->ParseFromArray(body.data(), int(body.size())))
        return Error { QStringLiteral("the body is not an OTLP ExportTraceServiceRequest in protobuf (truncated, "
                                      "not protobuf, nested too deeply or a string that is not UTF-8)"),
            ErrorKind::Invalid };
    return spansToCalls(*request);
}

Result<OtlpCalls> decodeOtlpJson(QByteArrayView body)
{
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<otlpwire::ExportTraceServiceRequest>(&arena);
    if (auto status = readOtlpJson(body, *request); !status)
        return status.failure();
    return spansToCalls(*request);
}

} // namespace Kodemon
