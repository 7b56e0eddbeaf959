// SPDX-License-Identifier: MIT
#include "viewoptions.h"

#include "base/calltags.h"
#include "base/tagfilter.h"

namespace Kodemon {

namespace {

using Op = TagFilter::Op;

constexpr double Day = 86400;

// Whether `existing` has to go when `added` joins it: both cannot hold for one call, or `added` asks for more.
bool givesWayTo(const TagFilter& existing, const TagFilter& added)
{
    if (existing.name != added.name)
        return false;
    switch (added.op) {
    case Op::Equals: // one value: any other condition on the tag is either implied or impossible
        return existing.op != Op::NotEquals || existing.value == added.value;
    case Op::NotEquals:
        return existing.op == Op::Equals && existing.value == added.value;
    case Op::Present:
        return existing.op == Op::Absent;
    case Op::Absent:
        return existing.op != Op::NotEquals;
    }
    return false;
}

} // namespace

ViewOptions::ViewOptions(QObject* parent)
    : QObject(parent)
{ }

ViewOptions::~ViewOptions() = default;

bool ViewOptions::addTagFilter(const TagFilter& filter)
{
    if (m_filters.contains(filter))
        return false;
    m_filters.removeIf([&](const TagFilter& existing) { return givesWayTo(existing, filter); });
    m_filters.append(filter);
    Q_EMIT filterChanged();
    return true;
}

void ViewOptions::removeTagFilter(const TagFilter& filter)
{
    if (m_filters.removeAll(filter) > 0)
        Q_EMIT filterChanged();
}

void ViewOptions::setTagFilters(const QList<TagFilter>& filters)
{
    if (filters == m_filters)
        return;
    m_filters = filters;
    Q_EMIT filterChanged();
}

void ViewOptions::setOutcome(CallOutcome outcome)
{
    if (outcome == m_outcome)
        return;
    m_outcome = outcome;
    Q_EMIT filterChanged();
}

void ViewOptions::clearFilters()
{
    if (!filtersCalls())
        return;
    m_filters.clear();
    m_outcome = CallOutcome::All;
    Q_EMIT filterChanged();
}

void ViewOptions::setGroupBy(const QString& tag)
{
    if (tag == m_groupBy)
        return;
    m_groupBy = tag;
    Q_EMIT groupByChanged(tag);
}

void ViewOptions::setSplitTable(bool split)
{
    if (split == m_splitTable)
        return;
    m_splitTable = split;
    Q_EMIT splitTableChanged(split);
}

void ViewOptions::setBaseline(const BaselineChoice& baseline)
{
    if (baseline == m_baseline)
        return;
    m_baseline = baseline;
    Q_EMIT baselineChanged();
}

std::optional<BaselineSpec> ViewOptions::baselineSpec() const
{
    using Kind = BaselineChoice::Kind;
    switch (m_baseline.kind) {
    case Kind::None:
        return std::nullopt;
    case Kind::Previous:
        return BaselineSpec { BaselineSpec::Kind::Previous, 0, {} };
    case Kind::DayEarlier:
        return BaselineSpec { BaselineSpec::Kind::Offset, Day, {} };
    case Kind::WeekEarlier:
        return BaselineSpec { BaselineSpec::Kind::Offset, 7 * Day, {} };
    case Kind::Custom:
        return BaselineSpec { BaselineSpec::Kind::Custom, 0, m_baseline.custom };
    }
    return std::nullopt;
}

Result<TimeRange> ViewOptions::baselineRange(const TimeRange& range) const
{
    const auto spec = baselineSpec();
    if (!spec)
        return Error { tr("no baseline is chosen"), ErrorKind::Invalid };
    if (!range.from || !range.to)
        return Error { tr("a baseline needs a range with a start and an end: pick 1h, 24h… or a from/to range"),
            ErrorKind::Invalid };
    return Kodemon::baselineRange(range, *spec);
}

QString ViewOptions::baselineLabel(const BaselineChoice& baseline)
{
    using Kind = BaselineChoice::Kind;
    switch (baseline.kind) {
    case Kind::None:
        return tr("no baseline");
    case Kind::Previous:
        return tr("previous period");
    case Kind::DayEarlier:
        return tr("1 day earlier");
    case Kind::WeekEarlier:
        return tr("1 week earlier");
    case Kind::Custom:
        return tr("custom range");
    }
    return {};
}

SeriesSelector ViewOptions::selector(const KeyId& id, const TimeRange& range) const
{
    return SeriesSelector { id.key, id.token, range, m_filters, m_outcome };
}

bool ViewOptions::passes(const CallTags& tags) const
{
    return callMatches(m_filters, m_outcome, tags);
}

QStringList ViewOptions::filterTexts() const
{
    QStringList texts;
    for (const auto& filter : m_filters)
        texts.append(formatTagFilter(filter));
    return texts;
}

QString ViewOptions::filterSummary() const
{
    if (!filtersCalls())
        return {};
    QStringList parts = filterTexts();
    if (m_outcome == CallOutcome::Failed)
        parts.append(tr("failed calls"));
    else if (m_outcome == CallOutcome::Succeeded)
        parts.append(tr("successful calls"));
    return tr("Filtered: %1").arg(parts.join(QStringLiteral(" · ")));
}

} // namespace Kodemon
