// SPDX-License-Identifier: MIT
#include "statussource.h"

namespace Kodemon {

StatusSource::StatusSource(QObject* parent)
    : QObject(parent)
{ }

StatusSource::~StatusSource() = default;

} // namespace Kodemon
