// SPDX-License-Identifier: MIT
#include "keylistmodel.h"

#include "displayformat.h"

#include <algorithm>
#include <QColor>
#include <QDateTime>

namespace Kodemon {

namespace {

QString optionalMs(const std::optional<double>& value)
{
    return value ? DisplayFormat::milliseconds(*value) : QStringLiteral("–");
}

} // namespace

KeyListModel::KeyListModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now(double(QDateTime::currentSecsSinceEpoch()))
{ }

KeyListModel::~KeyListModel() = default;

int KeyListModel::rowOf(const KeyId& id) const
{
    return m_index.value(id, -1);
}

QStringList KeyListModel::tokens() const
{
    QStringList tokens;
    for (const auto& row : m_rows)
        tokens.append(row.id.token);
    tokens.removeDuplicates();
    std::sort(tokens.begin(), tokens.end());
    return tokens;
}

void KeyListModel::setRows(const QList<KeyRow>& rows)
{
    QHash<KeyId, qsizetype> incoming;
    for (qsizetype i = 0; i < rows.size(); ++i)
        incoming.insert(rows[i].id, i);
    removeMissing(incoming);

    int first = -1;
    int last = -1;
    QList<KeyRow> added;
    for (const auto& row : rows) {
        const int existing = rowOf(row.id);
        if (existing < 0) {
            added.append(row);
            continue;
        }
        if (sameNumbers(m_rows[existing], row))
            continue;
        m_rows[existing] = row;
        first = first < 0 ? existing : std::min(first, existing);
        last = std::max(last, existing);
    }
    // Only the numbers change in a row that stays: the view repaints those cells, not the elided keys (a full
    // repaint of the table was the longest paint while live), and a sort by key needs no re-sort.
    if (first >= 0)
        Q_EMIT dataChanged(index(first, CallsColumn), index(last, ColumnCount - 1));
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size() - 1));
        m_rows.append(added);
        rebuildIndex();
        endInsertRows();
    }
}

bool KeyListModel::sameNumbers(const KeyRow& a, const KeyRow& b)
{
    return a.calls == b.calls && a.lastSeen == b.lastSeen && a.mean == b.mean && a.p95 == b.p95;
}

void KeyListModel::setNow(double now)
{
    const auto day = [](double seconds) { return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000)).date(); };
    const bool newDay = day(now) != day(m_now);
    m_now = now;
    // "Last call" shows a time of day for today and a date otherwise: at midnight every row's text changes.
    if (newDay && !m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, LastSeenColumn), index(int(m_rows.size()) - 1, LastSeenColumn));
}

void KeyListModel::removeMissing(const QHash<KeyId, qsizetype>& incoming)
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_rows[row].id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        rebuildIndex();
        endRemoveRows();
    }
}

void KeyListModel::rebuildIndex()
{
    m_index.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows[i].id, i);
}

int KeyListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeyListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyRow& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row);
    case Qt::TextAlignmentRole:
        return index.column() >= CallsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ForegroundRole:
        return row.calls == 0 && index.column() != KeyColumn ? QVariant(QColor(Qt::gray)) : QVariant();
    case KeyIdRole:
        return QVariant::fromValue(row.id);
    case SortRole:
        return sortValue(row, index.column());
    default:
        return {};
    }
}

QVariant KeyListModel::display(const KeyRow& row, int column) const
{
    switch (column) {
    case KeyColumn:
        return row.id.key;
    case TokenColumn:
        return row.id.token.isEmpty() ? QStringLiteral("–") : row.id.token;
    case CallsColumn:
        return DisplayFormat::count(row.calls);
    case LastSeenColumn:
        return DisplayFormat::clockTime(row.lastSeen, m_now);
    case MeanColumn:
        return optionalMs(row.mean);
    case P95Column:
        return optionalMs(row.p95);
    default:
        return {};
    }
}

QVariant KeyListModel::sortValue(const KeyRow& row, int column) const
{
    switch (column) {
    case KeyColumn:
        return row.id.key;
    case TokenColumn:
        return row.id.token;
    case CallsColumn:
        return row.calls;
    case LastSeenColumn:
        return row.lastSeen;
    case MeanColumn:
        return row.mean.value_or(-1.0);
    case P95Column:
        return row.p95.value_or(-1.0);
    default:
        return {};
    }
}

QString KeyListModel::toolTip(const KeyRow& row) const
{
    QString tip = QStringLiteral("<b>%1</b>").arg(row.id.key.toHtmlEscaped());
    if (!row.id.token.isEmpty())
        tip += QStringLiteral("<br>token: %1").arg(row.id.token.toHtmlEscaped());
    tip += QStringLiteral("<br>%1 calls in the range · last call %2")
               .arg(DisplayFormat::count(row.calls), DisplayFormat::dateTime(row.lastSeen));
    if (row.mean && row.p95)
        tip += QStringLiteral("<br>mean %1 · p95 %2")
                   .arg(DisplayFormat::duration(*row.mean), DisplayFormat::duration(*row.p95));
    return tip;
}

QVariant KeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* const titles[ColumnCount]
        = { "Function", "Token", "Calls", "Last call", "Mean (ms)", "p95 (ms)" };
    static const char* const tips[ColumnCount] = { "Module path and function name, as the decorator sent it",
        "The KODEMON_TOKEN of the sending program", "Calls in the selected time range", "When the newest call started",
        "Mean execution time in the selected range", "95% of the calls in the selected range were at least this fast" };
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return QString::fromLatin1(titles[section]);
    if (role == Qt::ToolTipRole)
        return QString::fromLatin1(tips[section]);
    if (role == Qt::TextAlignmentRole)
        return section >= CallsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                      : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    return {};
}

} // namespace Kodemon
