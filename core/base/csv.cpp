// SPDX-License-Identifier: MIT
#include "base/csv.h"

#include <cmath>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

namespace Kodemon::Csv {

QByteArray header()
{
    return QByteArrayLiteral("timestamp,token,key,execution_time_ms,extra\r\n");
}

QByteArray field(const QByteArray& value)
{
    const bool needsQuotes = value.contains(',') || value.contains('"') || value.contains('\r') || value.contains('\n');
    if (!needsQuotes)
        return value;
    QByteArray quoted = value;
    quoted.replace('"', QByteArrayLiteral("\"\""));
    return '"' + quoted + '"';
}

QByteArray number(double value)
{
    constexpr double ExactIntegers = 9007199254740992.0; // 2^53
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < ExactIntegers)
        return QByteArray::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
}

QByteArray row(const QString& key, const StoredSample& sample)
{
    QByteArray line;
    line.reserve(64 + key.size() + sample.extra.size());
    line += number(sample.timestamp);
    line += ',';
    line += field(sample.token.toUtf8());
    line += ',';
    line += field(key.toUtf8());
    line += ',';
    line += number(sample.executionTime);
    line += ',';
    line += field(sample.extra);
    line += "\r\n";
    return line;
}

QByteArray rows(const QString& key, const QList<StoredSample>& samples)
{
    QByteArray out;
    for (const auto& sample : samples)
        out += row(key, sample);
    return out;
}

QString fileName(const QString& key, const TimeRange& range)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString base = key.section(u'/', -1); // the file and function, not the whole path
    base.replace(unsafe, QStringLiteral("_"));
    if (base.isEmpty())
        base = QStringLiteral("samples");
    auto stamp = [](const std::optional<double>& t, const char* open) {
        return t ? QDateTime::fromSecsSinceEpoch(qint64(std::floor(*t)), QTimeZone::utc())
                       .toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"))
                 : QString::fromLatin1(open);
    };
    return QStringLiteral("kodemon-%1-%2-%3.csv")
        .arg(base.left(100), stamp(range.from, "start"), stamp(range.to, "now"));
}

} // namespace Kodemon::Csv
