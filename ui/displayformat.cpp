// SPDX-License-Identifier: MIT
#include "displayformat.h"

#include <algorithm>
#include <cmath>
#include <QDateTime>
#include <QLocale>

namespace Kodemon::DisplayFormat {

namespace {

// Decimals that leave about three significant digits, never more than `most`.
int decimalsFor(double value, int most)
{
    if (value <= 0 || !std::isfinite(value))
        return 0;
    const int magnitude = int(std::floor(std::log10(value)));
    return std::clamp(2 - magnitude, 0, most);
}

QString fixed(double value, int most)
{
    return QLocale().toString(value, 'f', decimalsFor(value, most));
}

} // namespace

QString duration(double ms)
{
    if (ms == 0)
        return QStringLiteral("0 ms");
    if (ms < 1)
        return fixed(ms * 1000, 1) + QStringLiteral(" µs");
    if (ms < 1000)
        return fixed(ms, 2) + QStringLiteral(" ms");
    return fixed(ms / 1000, 2) + QStringLiteral(" s");
}

QString milliseconds(double ms)
{
    return fixed(ms, 4);
}

QString percent(double value)
{
    if (value <= 0 || !std::isfinite(value))
        return QStringLiteral("0 %");
    if (value < 0.01)
        return QStringLiteral("<%1 %").arg(QLocale().toString(0.01, 'f', 2));
    const int decimals = value < 1 ? 2 : value < 10 ? 1 : 0;
    return QLocale().toString(value, 'f', decimals) + QStringLiteral(" %");
}

QString change(double percent)
{
    const double size = std::abs(percent);
    const int decimals = size < 10 ? 1 : 0;
    const QString digits = QLocale().toString(size, 'f', decimals);
    if (digits == QLocale().toString(0.0, 'f', decimals))
        return QStringLiteral("±") + digits + QStringLiteral(" %");
    return (percent < 0 ? QStringLiteral("\u2212") : QStringLiteral("+")) + digits + QStringLiteral(" %");
}

QString count(qint64 value)
{
    return QLocale().toString(value);
}

QString bytes(qint64 value)
{
    if (value < 0)
        return QStringLiteral("?");
    return QLocale().formattedDataSize(value, 1, QLocale::DataSizeTraditionalFormat);
}

QString dateTime(double epochSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(epochSeconds * 1000)).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString clockTime(double epochSeconds, double now)
{
    const QDateTime moment = QDateTime::fromMSecsSinceEpoch(qint64(epochSeconds * 1000));
    const QDateTime present = QDateTime::fromMSecsSinceEpoch(qint64(now * 1000));
    if (moment.date() == present.date())
        return moment.toString(QStringLiteral("HH:mm:ss"));
    return moment.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString span(double seconds)
{
    if (seconds < 1)
        return duration(seconds * 1000);
    if (seconds < 120)
        return fixed(seconds, 1) + QStringLiteral(" s");
    if (seconds < 2 * 3600)
        return fixed(seconds / 60, 1) + QStringLiteral(" min");
    if (seconds < 2 * 86400)
        return fixed(seconds / 3600, 1) + QStringLiteral(" h");
    return fixed(seconds / 86400, 1) + QStringLiteral(" d");
}

QString shortKey(const QString& key)
{
    return key.section(u'/', -1);
}

} // namespace Kodemon::DisplayFormat
