// SPDX-License-Identifier: MIT
// What every call the OTLP decoders make must be, whatever the body: shared by fuzz_otlpprotobuf and fuzz_otlpjson.
#pragma once

#include "otlp/otlpdecoder.h"

#include <cmath>
#include <cstdlib>
#include <QJsonDocument>

inline void checkOtlpCalls(const Kodemon::Result<Kodemon::OtlpCalls>& calls)
{
    if (!calls) {
        if (calls.error().isEmpty())
            std::abort(); // a refusal must say why
        return;
    }
    for (const auto& sample : calls->samples) {
        const QByteArray key = sample.key.toUtf8();
        if (key.isEmpty() || key.size() > 1024)
            std::abort();
        if (!std::isfinite(sample.executionTime) || sample.executionTime < 0 || !std::isfinite(sample.timestamp)
            || sample.timestamp <= 0)
            std::abort();
        if (!sample.extra.isEmpty() && !QJsonDocument::fromJson(sample.extra).isObject())
            std::abort();
    }
    if (calls->rejectedTotal() > 0 && calls->firstRejection.isEmpty())
        std::abort();
}
