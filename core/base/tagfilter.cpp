// SPDX-License-Identifier: MIT
#include "base/tagfilter.h"

#include <algorithm>

namespace Kodemon {

namespace {

Error invalid(const QString& message)
{
    return Error { message, ErrorKind::Invalid };
}

// A filter's text cut at its first unescaped ':' (the name unescaped), and whether an unescaped '!' ended the name.
struct Parts
{
    QString name;
    std::optional<QString> value;
    bool bangBeforeColon = false;
};

Result<Parts> splitName(QStringView text)
{
    Parts parts;
    bool lastWasBang = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u':') {
            parts.value = text.sliced(i + 1).toString();
            parts.bangBeforeColon = lastWasBang;
            if (lastWasBang)
                parts.name.chop(1);
            return parts;
        }
        lastWasBang = c == u'!';
        if (c == u'\\') {
            if (i + 1 == text.size() || !QStringView(u":!\\").contains(text[i + 1]))
                return invalid(QStringLiteral("in a tag name a backslash escapes ':', '!' or '\\' only"));
            parts.name.append(text[++i]); // an escaped '!' never closes the name
            continue;
        }
        parts.name.append(c);
    }
    return parts;
}

QString escapedName(const QString& name)
{
    QString out;
    out.reserve(name.size());
    for (const QChar c : name) {
        if (c == u':' || c == u'!' || c == u'\\')
            out.append(u'\\');
        out.append(c);
    }
    return out;
}

} // namespace

Result<TagFilter> parseTagFilter(const QString& text)
{
    TagFilter filter;
    QStringView rest(text);
    const bool negated = rest.startsWith(u'!');
    if (negated)
        rest = rest.sliced(1);
    auto split = splitName(rest);
    if (!split)
        return split.failure();
    const bool hasValue = split->value.has_value();
    if (split->name.isEmpty())
        return invalid(QStringLiteral("a tag filter needs a tag name: name:value, name!:value, name or !name, "
                                      "not \"%1\"")
                           .arg(text));
    if (negated && hasValue)
        return invalid(QStringLiteral("\"%1\" filters calls without a tag: write name!:value for another value")
                           .arg(text));
    const bool notEquals = split->bangBeforeColon;
    filter.name = split->name;
    filter.value = split->value.value_or(QString());
    filter.op = negated ? TagFilter::Op::Absent
        : notEquals     ? TagFilter::Op::NotEquals
        : hasValue      ? TagFilter::Op::Equals
                        : TagFilter::Op::Present;
    return filter;
}

QString formatTagFilter(const TagFilter& filter)
{
    const QString name = escapedName(filter.name);
    switch (filter.op) {
    case TagFilter::Op::Equals:
        return name + u':' + filter.value;
    case TagFilter::Op::NotEquals:
        return name + QStringLiteral("!:") + filter.value;
    case TagFilter::Op::Present:
        return name;
    case TagFilter::Op::Absent:
        return u'!' + name;
    }
    return name;
}

bool tagFilterMatches(const TagFilter& filter, const CallTags& tags)
{
    const auto found = std::find_if(
        tags.tags.cbegin(), tags.tags.cend(), [&filter](const Tag& tag) { return tag.name == filter.name; });
    const bool present = found != tags.tags.cend();
    switch (filter.op) {
    case TagFilter::Op::Equals:
        return present && found->value == filter.value;
    case TagFilter::Op::NotEquals:
        return !present || found->value != filter.value;
    case TagFilter::Op::Present:
        return present;
    case TagFilter::Op::Absent:
        return !present;
    }
    return false;
}

bool callMatches(const QList<TagFilter>& filters, CallOutcome outcome, const CallTags& tags)
{
    if ((outcome == CallOutcome::Failed && !tags.failed) || (outcome == CallOutcome::Succeeded && tags.failed))
        return false;
    return std::all_of(filters.cbegin(), filters.cend(),
        [&tags](const TagFilter& filter) { return tagFilterMatches(filter, tags); });
}

QString outcomeName(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::All:
        return QStringLiteral("all");
    case CallOutcome::Succeeded:
        return QStringLiteral("succeeded");
    case CallOutcome::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

std::optional<CallOutcome> parseOutcome(const QString& text)
{
    for (const CallOutcome outcome : { CallOutcome::All, CallOutcome::Succeeded, CallOutcome::Failed }) {
        if (text == outcomeName(outcome))
            return outcome;
    }
    if (text == u"ok")
        return CallOutcome::Succeeded;
    return std::nullopt;
}

} // namespace Kodemon
