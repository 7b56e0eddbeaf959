// SPDX-License-Identifier: MIT
#include "store/taggrouping.h"

#include <algorithm>

namespace Kodemon {

namespace {

void append(GroupCalls& to, GroupCalls&& from)
{
    to.values.append(std::move(from.values));
    to.failures.append(std::move(from.failures));
}

} // namespace

TagGrouping::TagGrouping(int topGroups)
    : m_topGroups(std::max(topGroups, 0))
{ }

void TagGrouping::add(const std::optional<QString>& value, const TimedValue& call, bool failed, bool overflowed)
{
    GroupCalls* group = &m_missing;
    if (overflowed) {
        group = &m_other;
    } else if (value) {
        auto found = m_byValue.find(*value);
        if (found == m_byValue.end())
            found = m_byValue.insert(*value, GroupCalls { { TagGroup::Kind::Value, *value }, {}, {} });
        group = &*found;
    }
    group->values.append(call);
    if (failed)
        group->failures.append(call.timestamp);
}

QList<GroupCalls> TagGrouping::finish()
{
    QList<GroupCalls> values;
    values.reserve(m_byValue.size());
    for (auto& group : m_byValue)
        values.append(std::move(group));
    m_byValue.clear();
    std::sort(values.begin(), values.end(), [](const GroupCalls& a, const GroupCalls& b) {
        return a.values.size() != b.values.size() ? a.values.size() > b.values.size() : a.group.value < b.group.value;
    });
    QList<GroupCalls> groups;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i < m_topGroups)
            groups.append(std::move(values[i]));
        else
            append(m_other, std::move(values[i]));
    }
    for (GroupCalls* rest : { &m_other, &m_missing }) {
        if (!rest->values.isEmpty())
            groups.append(std::move(*rest));
    }
    return groups;
}

void TagCounter::add(const QList<Tag>& tags, const QStringList& overflowed)
{
    for (const Tag& tag : tags) {
        if (overflowed.contains(tag.name))
            addOverflowed(tag.name, 1);
        else
            addValue(tag.name, tag.value, 1);
    }
}

void TagCounter::addValue(const QString& name, const QString& value, qint64 calls)
{
    Counts& counts = m_byName[name];
    counts.calls += calls;
    counts.values[value] += calls;
}

void TagCounter::addOverflowed(const QString& name, qint64 calls)
{
    Counts& counts = m_byName[name];
    counts.calls += calls;
    counts.overflowed = true;
}

QList<TagSummary> TagCounter::finish(int valuesPerTag) const
{
    QList<TagSummary> tags;
    for (auto it = m_byName.cbegin(); it != m_byName.cend(); ++it) {
        TagSummary tag { it.key(), it->calls, {}, 0, it->overflowed };
        for (auto value = it->values.cbegin(); value != it->values.cend(); ++value)
            tag.values.append({ value.key(), value.value() });
        std::sort(tag.values.begin(), tag.values.end(), [](const TagValueCount& a, const TagValueCount& b) {
            return a.calls != b.calls ? a.calls > b.calls : a.value < b.value;
        });
        if (tag.values.size() > valuesPerTag) {
            tag.otherValues = tag.values.size() - valuesPerTag;
            tag.values.resize(std::max(valuesPerTag, 0));
        }
        tags.append(std::move(tag));
    }
    std::sort(tags.begin(), tags.end(), [](const TagSummary& a, const TagSummary& b) {
        return a.calls != b.calls ? a.calls > b.calls : a.name < b.name;
    });
    return tags;
}

std::optional<QString> tagValue(const QList<Tag>& tags, const QString& name)
{
    for (const Tag& tag : tags) {
        if (tag.name == name)
            return tag.value;
    }
    return std::nullopt;
}

} // namespace Kodemon
