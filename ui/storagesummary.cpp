// SPDX-License-Identifier: MIT
#include "storagesummary.h"

#include "displayformat.h"

#include <QCoreApplication>

namespace Kodemon::StorageSummary {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("StorageSummary", text);
}

// "30 days", "1 year", "12 hours": retention options are written in whole units.
QString period(qint64 seconds)
{
    constexpr qint64 Day = RetentionPolicy::Day;
    if (seconds % (365 * Day) == 0)
        return seconds == 365 * Day ? tr("1 year") : tr("%1 years").arg(seconds / (365 * Day));
    if (seconds % Day == 0)
        return seconds == Day ? tr("1 day") : tr("%1 days").arg(seconds / Day);
    if (seconds % 3600 == 0)
        return seconds == 3600 ? tr("1 hour") : tr("%1 hours").arg(seconds / 3600);
    return DisplayFormat::span(double(seconds));
}

QString policyLine(const RetentionPolicy& policy)
{
    if (policy.keepsEverything())
        return tr("Keeps every call for ever (no retention).");
    const QString raw = policy.raw > 0 ? tr("Keeps every call for %1").arg(period(policy.raw))
                                       : tr("Keeps every call for ever");
    QString summaries;
    if (policy.raw > 0)
        summaries = policy.summaries > 0 ? tr(", then per-minute summaries until %1").arg(period(policy.summaries))
                                         : tr(", then per-minute summaries for ever");
    const QString size = policy.maxBytes > 0
        ? tr("; past %1 the oldest calls become summaries first, then the oldest summaries go")
              .arg(DisplayFormat::bytes(policy.maxBytes))
        : QString();
    return raw + summaries + size + QLatin1Char('.');
}

} // namespace

QString describe(const RetentionPolicy& policy, const StorageStatus& status)
{
    QStringList lines { policyLine(policy) };
    lines << (status.oldestCall ? tr("Oldest call kept: %1.").arg(DisplayFormat::dateTime(*status.oldestCall))
                                : tr("No calls kept yet."));
    if (status.oldestSummary)
        lines << tr("Oldest summarized minute: %1 (%2 calls kept only as summaries).")
                     .arg(DisplayFormat::dateTime(*status.oldestSummary), DisplayFormat::count(status.summarizedCalls));
    if (status.callBytes >= 0 && status.summaryBytes >= 0)
        lines << tr("On disk: calls %1, summaries %2.")
                     .arg(DisplayFormat::bytes(status.callBytes), DisplayFormat::bytes(status.summaryBytes));
    lines << tr("Change with --retention-raw, --retention and --retention-size.");
    return lines.join(QLatin1Char('\n'));
}

QString upgradeNotice(const RetentionPolicy& policy, const StorageStatus& status, double now)
{
    if (!status.retentionStartsAt || double(*status.retentionStartsAt) <= now || policy.keepsEverything())
        return {};
    return tr("This database was made by an older Kodemon. From %1, retention applies to it: %2 Start Kodemon with "
              "--retention-raw 0 --retention 0 to keep everything.")
        .arg(DisplayFormat::dateTime(double(*status.retentionStartsAt)), policyLine(policy));
}

} // namespace Kodemon::StorageSummary
