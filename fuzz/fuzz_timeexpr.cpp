// SPDX-License-Identifier: MIT
// libFuzzer target: the time-expression parser behind every from/to parameter.
#include "base/timeexpr.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <QString>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto result = Kodemon::parseTimeExpression(text, 1795608118.5);
    if (result.ok() && !std::isfinite(*result))
        std::abort(); // a time that no range check could handle
    return 0;
}
