// SPDX-License-Identifier: MIT
#include "tagvaluesmodel.h"

#include "base/tagfilter.h"
#include "displayformat.h"

#include <QColor>

namespace Kodemon {

namespace {

constexpr quintptr TopLevel = 0; // internal id of tag rows; a value row's is its tag's row + 1

bool hasMoreRow(const TagSummary& tag)
{
    return tag.otherValues > 0 || tag.overflowed;
}

} // namespace

TagValuesModel::TagValuesModel(QObject* parent)
    : QAbstractItemModel(parent)
{ }

TagValuesModel::~TagValuesModel() = default;

void TagValuesModel::setTags(const QList<TagSummary>& tags, qint64 calls)
{
    beginResetModel();
    m_tags = tags;
    m_calls = calls;
    endResetModel();
}

QStringList TagValuesModel::tagNames() const
{
    QStringList names;
    for (const auto& tag : m_tags)
        names.append(tag.name);
    return names;
}

QStringList TagValuesModel::completions() const
{
    using Op = TagFilter::Op;
    QStringList texts;
    for (const auto& tag : m_tags) {
        texts << formatTagFilter(TagFilter { Op::Present, tag.name, {} })
              << formatTagFilter(TagFilter { Op::Absent, tag.name, {} });
        for (const auto& value : tag.values) {
            texts << formatTagFilter(TagFilter { Op::Equals, tag.name, value.value })
                  << formatTagFilter(TagFilter { Op::NotEquals, tag.name, value.value });
        }
    }
    return texts;
}

QModelIndex TagValuesModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, parent.isValid() ? quintptr(parent.row()) + 1 : TopLevel);
}

QModelIndex TagValuesModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == TopLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, TopLevel);
}

int TagValuesModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_tags.size());
    if (parent.internalId() != TopLevel || parent.column() != 0)
        return 0;
    const TagSummary& tag = m_tags.at(parent.row());
    return int(tag.values.size()) + (hasMoreRow(tag) ? 1 : 0);
}

int TagValuesModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant TagValuesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == TopLevel)
        return tagData(m_tags.at(index.row()), index.column(), role);
    return valueData(m_tags.at(int(index.internalId() - 1)), index.row(), index.column(), role);
}

QString TagValuesModel::share(qint64 calls) const
{
    return m_calls > 0 ? DisplayFormat::percent(100.0 * double(calls) / double(m_calls)) : QString();
}

QVariant TagValuesModel::tagData(const TagSummary& tag, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return tag.name;
        return column == CallsColumn ? DisplayFormat::count(tag.calls) : share(tag.calls);
    case Qt::ToolTipRole:
        return tr("%1 of the calls have the tag %2. Right-click to filter or group by it.")
            .arg(share(tag.calls), tag.name);
    case Qt::TextAlignmentRole:
        return column == NameColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case FilterRole:
        return QVariant::fromValue(TagFilter { TagFilter::Op::Present, tag.name, {} });
    case TagNameRole:
        return tag.name;
    case RowKindRole:
        return QVariant::fromValue(RowKind::Tag);
    default:
        return {};
    }
}

QVariant TagValuesModel::valueData(const TagSummary& tag, int row, int column, int role) const
{
    if (row >= tag.values.size()) { // the row that says what is left out
        if (role == Qt::DisplayRole && column == NameColumn)
            return tag.overflowed ? tr("… more values than Kodemon tells apart")
                                  : tr("… %n more values", nullptr, int(tag.otherValues));
        if (role == Qt::ForegroundRole)
            return QColor(Qt::gray);
        if (role == Qt::ToolTipRole && tag.overflowed)
            return tr("Kodemon indexes 1,000 values of a tag per function; filters still find every value.");
        if (role == TagNameRole)
            return tag.name;
        if (role == RowKindRole)
            return QVariant::fromValue(RowKind::More);
        return {};
    }
    const TagValueCount& value = tag.values.at(row);
    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return value.value;
        return column == CallsColumn ? DisplayFormat::count(value.calls) : share(value.calls);
    case Qt::ToolTipRole:
        return tr("Click: only calls with %1:%2 · Ctrl+click: every call but those").arg(tag.name, value.value);
    case Qt::TextAlignmentRole:
        return column == NameColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case FilterRole:
        return QVariant::fromValue(TagFilter { TagFilter::Op::Equals, tag.name, value.value });
    case TagNameRole:
        return tag.name;
    case RowKindRole:
        return QVariant::fromValue(RowKind::Value);
    default:
        return {};
    }
}

QVariant TagValuesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        const QString titles[ColumnCount] = { tr("Tag / value"), tr("Calls"), tr("Share") };
        return titles[section];
    }
    if (role == Qt::TextAlignmentRole)
        return section == NameColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                     : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace Kodemon
