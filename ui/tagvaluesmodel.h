// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QAbstractItemModel>

namespace Kodemon {

// The tags of the current function's calls: each tag name with the calls that have it, and under it its most
// frequent values with their calls and share, then how many values are left out. Passive: it shows the snapshots
// it is given (TagsUpdater reads them) and never queries anything.
class TagValuesModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, CallsColumn, ShareColumn, ColumnCount };
    enum Role {
        FilterRole = Qt::UserRole + 1, // TagFilter: `name:value` for a value row, `name` for a tag row
        TagNameRole, // the tag's name, on every row
        RowKindRole, // RowKind
    };
    enum class RowKind { Tag, Value, More };
    Q_ENUM(RowKind)

    explicit TagValuesModel(QObject* parent = nullptr);
    ~TagValuesModel() override;
    Q_DISABLE_COPY_MOVE(TagValuesModel)

    // The tags of `calls` calls (the share is taken of these).
    void setTags(const QList<TagSummary>& tags, qint64 calls);
    const QList<TagSummary>& tags() const { return m_tags; }
    qint64 calls() const { return m_calls; }
    // Tag names, most calls first.
    QStringList tagNames() const;
    // Every filter the values offer, as typed in the filter bar: `name`, `!name`, `name:value`, `name!:value`.
    QStringList completions() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant tagData(const TagSummary& tag, int column, int role) const;
    QVariant valueData(const TagSummary& tag, int row, int column, int role) const;
    QString share(qint64 calls) const;

    QList<TagSummary> m_tags;
    qint64 m_calls = 0;
};

} // namespace Kodemon
