// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <optional>
#include <QAbstractTableModel>
#include <QHash>

namespace Kodemon {

// One row of the functions table: a series and its numbers over the selected range.
struct KeyRow
{
    KeyId id;
    qint64 calls = 0; // in the selected range
    double lastSeen = 0; // epoch seconds of the newest call ever received
    std::optional<double> mean; // milliseconds, in range; empty without calls in range
    std::optional<double> p95;
};

// The functions table. Passive: it shows the snapshots it is given and never queries anything.
class KeyListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, TokenColumn, CallsColumn, LastSeenColumn, MeanColumn, P95Column, ColumnCount };
    enum Role {
        KeyIdRole = Qt::UserRole + 1, // KeyId
        SortRole, // a number or string that sorts the column naturally
    };

    explicit KeyListModel(QObject* parent = nullptr);
    ~KeyListModel() override;
    Q_DISABLE_COPY_MOVE(KeyListModel)

    // Replaces the contents, keeping rows (and so selections) of series that stay; new series are appended.
    void setRows(const QList<KeyRow>& rows);
    // The present, for showing "last seen" as a time of day when it is today.
    void setNow(double now);

    const QList<KeyRow>& rows() const { return m_rows; }
    int rowOf(const KeyId& id) const;
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
    void removeMissing(const QHash<KeyId, qsizetype>& incoming);
    void rebuildIndex();

    QList<KeyRow> m_rows;
    QHash<KeyId, int> m_index;
    double m_now = 0;
};

} // namespace Kodemon

Q_DECLARE_METATYPE(Kodemon::KeyRow)
