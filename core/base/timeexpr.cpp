// SPDX-License-Identifier: MIT
#include "base/timeexpr.h"

#include <cmath>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace Kodemon {

namespace {

const QString FormsHint = QStringLiteral(
    "use epoch seconds (1413404125), ISO-8601 (2014-10-15T20:15:25Z) or a relative time (now, now-15m)");

Error invalid(QStringView text, const QString& why)
{
    return Error { QStringLiteral("\"%1\" is not a time: %2").arg(text.toString(), why) };
}

std::optional<double> unitSeconds(QChar unit)
{
    switch (unit.unicode()) {
    case 's':
        return 1.0;
    case 'm':
        return 60.0;
    case 'h':
        return 3600.0;
    case 'd':
        return 86400.0;
    case 'w':
        return 7 * 86400.0;
    default:
        return std::nullopt;
    }
}

std::optional<Result<double>> parseRelative(QStringView text, double now)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^now(?:([+-])(\d+(?:\.\d+)?)([smhdw]))?$)"));
    if (!text.startsWith(u"now"))
        return std::nullopt;
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return Result<double>(invalid(text, QStringLiteral("relative times look like now-15m (units s, m, h, d, w)")));
    if (match.capturedView(1).isEmpty())
        return Result<double>(now);
    const double amount = match.capturedView(2).toDouble() * *unitSeconds(match.capturedView(3).front());
    const double time = match.capturedView(1) == u"-" ? now - amount : now + amount;
    // "now+5111...1d" overflows to infinity, which no range could hold (found by fuzz_timeexpr).
    if (!std::isfinite(time))
        return Result<double>(
            invalid(text, QStringLiteral("the amount is out of range (relative times look like now-15m)")));
    return Result<double>(time);
}

std::optional<double> parseEpoch(QStringView text)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^-?\d+(?:\.\d+)?$)"));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

bool hasZone(QStringView text)
{
    static const QRegularExpression zone(QStringLiteral(R"((Z|[+-]\d\d(:?\d\d)?)$)"));
    return text.contains(u'T') && zone.match(text).hasMatch();
}

std::optional<double> parseIso(QStringView text)
{
    QString normalized = text.toString();
    if (normalized.size() > 10 && normalized.at(10) == u' ')
        normalized[10] = u'T'; // "2014-10-15 20:15:25" is common in logs and SQL
    QDateTime time = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    if (!hasZone(normalized))
        time = QDateTime(time.date(), time.time(), QTimeZone::utc());
    return time.toMSecsSinceEpoch() / 1000.0;
}

} // namespace

Result<double> parseTimeExpression(QStringView text, double now)
{
    text = text.trimmed();
    if (text.isEmpty())
        return Error { QStringLiteral("the time is empty: ") + FormsHint };
    if (auto relative = parseRelative(text, now))
        return *relative;
    if (auto epoch = parseEpoch(text))
        return *epoch;
    if (auto iso = parseIso(text))
        return *iso;
    return invalid(text, FormsHint);
}

Result<qint64> parseDuration(QStringView text)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d+)\\s*([smhdwy]?)\\s*$"));
    const auto match = form.match(text);
    bool ok = false;
    const qint64 amount = match.hasMatch() ? match.capturedView(1).toLongLong(&ok) : 0;
    if (!ok || amount > (qint64(1) << 40))
        return Error { QStringLiteral("\"%1\" is not a length of time: write a number and s, m, h, d, w or y, "
                                      "like 30d").arg(text.toString()),
            ErrorKind::Invalid };
    const QStringView unit = match.capturedView(2);
    const qint64 seconds = unit == u"m" ? 60 : unit == u"h" ? 3600 : unit == u"d" ? 86400 : unit == u"w" ? 604800
        : unit == u"y" ? 31536000 : 1;
    return amount * seconds;
}

Result<qint64> parseByteSize(QStringView text)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(?:([KMGT])(?:i?B)?)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = form.match(text);
    bool ok = false;
    const double amount = match.hasMatch() ? match.capturedView(1).toDouble(&ok) : 0;
    if (!ok || amount > double(qint64(1) << 50))
        return Error { QStringLiteral("\"%1\" is not a size: write a number and K, M, G or T, like 10G")
                           .arg(text.toString()),
            ErrorKind::Invalid };
    const QString unit = match.captured(2).toUpper();
    const int shift = unit == u"K" ? 10 : unit == u"G" ? 30 : unit == u"T" ? 40 : 20; // bare numbers are MiB
    return qint64(amount * double(qint64(1) << shift));
}

} // namespace Kodemon
