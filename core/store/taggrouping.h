// SPDX-License-Identifier: MIT
#pragma once

#include "base/calltags.h"
#include "base/types.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace Kodemon {

// Calls of one group of a group-by, as they were read.
struct GroupCalls
{
    TagGroup group;
    QList<TimedValue> values;
    QList<double> failures; // timestamps of the failed ones
};

// Sorts calls into the groups of a group-by over one tag and keeps the `topGroups` values with the most calls
// apart; the rest become "other", and calls without the tag their own group. Shared by every store, so that
// they all group the same way.
class TagGrouping final
{
public:
    explicit TagGrouping(int topGroups);

    // A call with the tag's value (nullopt: without the tag; `overflowed`: a value the store did not index,
    // which always goes to "other").
    void add(const std::optional<QString>& value, const TimedValue& call, bool failed, bool overflowed = false);
    // The groups with calls: the top values by calls (ties by value), then "other", then the calls without the tag.
    QList<GroupCalls> finish();

private:
    int m_topGroups;
    QHash<QString, GroupCalls> m_byValue;
    GroupCalls m_other { { TagGroup::Kind::Other, {} }, {}, {} };
    GroupCalls m_missing { { TagGroup::Kind::Missing, {} }, {}, {} };
};

// Counts the tags of calls for a function's tag list: per tag name its calls and its values' calls.
class TagCounter final
{
public:
    // A call's tags; `overflowed` names tags whose value the store did not index (counted, not told apart).
    void add(const QList<Tag>& tags, const QStringList& overflowed = {});
    // Adds `calls` calls with one value at once (stores that count in their index).
    void addValue(const QString& name, const QString& value, qint64 calls);
    void addOverflowed(const QString& name, qint64 calls);
    // Tags by calls (then name), each with its `valuesPerTag` most frequent values (ties by value).
    QList<TagSummary> finish(int valuesPerTag) const;

private:
    struct Counts
    {
        qint64 calls = 0;
        bool overflowed = false;
        QHash<QString, qint64> values;
    };
    QHash<QString, Counts> m_byName;
};

// The value of `name` in `tags`, or nullopt.
std::optional<QString> tagValue(const QList<Tag>& tags, const QString& name);

} // namespace Kodemon
