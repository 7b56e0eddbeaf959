// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <optional>
#include <QByteArray>
#include <QString>

namespace Kodemon {

// Cursors of ClickHouse sample pages: the position of the last sample returned in the page order
// (timestamp, token, origin, seq), which is total because (origin, seq) names one sample.
namespace ClickHouseCursor {

struct Position
{
    double timestamp = 0;
    QString token;
    quint64 origin = 0;
    quint64 seq = 0;
};

QString encode(const Position& position);
// Empty for an empty cursor; an Invalid error for one this store did not give out.
Result<std::optional<Position>> decode(const QString& cursor);
// SQL that holds for the rows after `position` in the page order.
QByteArray afterCondition(const Position& position);

} // namespace ClickHouseCursor

} // namespace Kodemon
