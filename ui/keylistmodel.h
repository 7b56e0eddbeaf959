// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <optional>
#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace Kodemon {

// How a row of the functions table compares with the same row over the baseline range.
struct RowChange
{
    qint64 baselineCalls = 0;
    std::optional<double> baselineP95 = {}; // empty when the baseline had no calls
    std::optional<double> p95Pct = {}; // the p95's change in %; empty without calls on either side
    std::optional<double> callsPct = {}; // the change in calls per second, in %; empty when the baseline had none

    friend bool operator==(const RowChange& a, const RowChange& b)
    {
        return a.baselineCalls == b.baselineCalls && a.baselineP95 == b.baselineP95 && a.p95Pct == b.p95Pct
            && a.callsPct == b.callsPct;
    }
};

// One row of the functions table: a series (or, when the table is split by a tag, the calls of one group of it)
// and its numbers over the selected range.
struct KeyRow
{
    KeyId id;
    qint64 calls = 0; // in the selected range
    double lastSeen = 0; // epoch seconds of the newest call ever received
    std::optional<double> mean; // milliseconds, in range; empty without calls in range
    std::optional<double> p95;
    qint64 errors = 0; // failed calls in the range
    std::optional<TagGroup> group = {}; // set when the table is split by a tag
    std::optional<RowChange> change = {}; // set while the window compares with a baseline
};

// What tells a row from the others: its series and, in a split table, its group.
struct RowId
{
    KeyId id;
    std::optional<TagGroup> group;

    friend bool operator==(const RowId& a, const RowId& b) { return a.id == b.id && a.group == b.group; }
};
size_t qHash(const RowId& row, size_t seed = 0) noexcept;

// The functions table. Passive: it shows the snapshots it is given and never queries anything.
class KeyListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        KeyColumn,
        GroupColumn, // the value of the tag the table is split by (hidden unless split)
        TokenColumn,
        CallsColumn,
        ErrorsColumn, // failed calls, % of the calls in range
        LastSeenColumn,
        MeanColumn,
        P95Column,
        P95ChangeColumn, // against the baseline (hidden without one)
        CallsChangeColumn,
        ColumnCount
    };
    enum Role {
        KeyIdRole = Qt::UserRole + 1, // KeyId
        SortRole, // a number or string that sorts the column naturally
        GroupRole, // TagGroup, or nothing when the table is not split
    };

    explicit KeyListModel(QObject* parent = nullptr);
    ~KeyListModel() override;
    Q_DISABLE_COPY_MOVE(KeyListModel)

    // Replaces the contents, keeping rows (and so selections) of series that stay, also when their groups change;
    // new series are appended.
    void setRows(const QList<KeyRow>& rows);
    // The present, for showing "last seen" as a time of day when it is today.
    void setNow(double now);
    // The tag the rows are split by, for the Group column's title and "(no <tag>)".
    void setGroupName(const QString& tag);
    const QString& groupName() const { return m_groupName; }

    const QList<KeyRow>& rows() const { return m_rows; }
    // The first row of the series; -1 when it has none.
    int rowOf(const KeyId& id) const;
    int rowOf(const RowId& id) const;
    QStringList tokens() const; // distinct, sorted

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static bool sameNumbers(const KeyRow& a, const KeyRow& b);
    QVariant display(const KeyRow& row, int column) const;
    QVariant sortValue(const KeyRow& row, int column) const;
    QString toolTip(const KeyRow& row) const;
    QString groupText(const std::optional<TagGroup>& group) const;
    QVariant foreground(const KeyRow& row, int column) const;
    void regroup(const QList<KeyRow>& rows, const QSet<RowId>& incoming);
    void removeMissing(const QSet<RowId>& incoming);
    void rebuildIndex();

    QList<KeyRow> m_rows;
    QHash<RowId, int> m_index;
    QHash<KeyId, int> m_firstRow;
    QString m_groupName;
    double m_now = 0;
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::KeyRow)
Q_DECLARE_METATYPE(Kodemon::RowId)
