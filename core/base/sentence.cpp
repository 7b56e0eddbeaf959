// SPDX-License-Identifier: MIT
#include "base/sentence.h"

namespace Kodemon {

QString sentence(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

} // namespace Kodemon
