// SPDX-License-Identifier: MIT
#include "live/statussource.h"

namespace Kodemon {

StatusSource::StatusSource(QObject* parent)
    : QObject(parent)
{ }

StatusSource::~StatusSource() = default;

} // namespace Kodemon
