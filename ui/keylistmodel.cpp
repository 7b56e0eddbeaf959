// SPDX-License-Identifier: MIT
#include "keylistmodel.h"

#include "displayformat.h"

#include <algorithm>
#include <cmath>
#include <QColor>
#include <QDateTime>

namespace Kodemon {

namespace {

QString optionalMs(const std::optional<double>& value)
{
    return value ? DisplayFormat::milliseconds(*value) : QStringLiteral("–");
}

// Changes smaller than this (5%, the comparison's minimum effect) are not coloured.
constexpr double NotableChangePct = 5;
const QColor Slower(0xc6, 0x28, 0x28);
const QColor Faster(0x2e, 0x7d, 0x32);
const QColor Failing(0xb7, 0x1c, 0x1c);

// Sort values of changes that have no number: a function new since the baseline is the largest increase, one
// without any calls sorts below every real change.
constexpr double NewSorts = 1e300;
constexpr double NothingSorts = -1e300;

double errorRate(const KeyRow& row)
{
    return row.calls > 0 ? 100.0 * double(row.errors) / double(row.calls) : 0.0;
}

} // namespace

size_t qHash(const RowId& row, size_t seed) noexcept
{
    if (!row.group)
        return qHash(row.id, seed);
    return qHashMulti(seed, row.id, int(row.group->kind), row.group->value);
}

KeyListModel::KeyListModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now(double(QDateTime::currentSecsSinceEpoch()))
{ }

KeyListModel::~KeyListModel() = default;

int KeyListModel::rowOf(const KeyId& id) const
{
    return m_firstRow.value(id, -1);
}

int KeyListModel::rowOf(const RowId& id) const
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
    QSet<RowId> incoming;
    for (const auto& row : rows)
        incoming.insert(RowId { row.id, row.group });
    regroup(rows, incoming);
    removeMissing(incoming);

    int first = -1;
    int last = -1;
    QList<KeyRow> added;
    for (const auto& row : rows) {
        const int existing = rowOf(RowId { row.id, row.group });
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
    return a.calls == b.calls && a.lastSeen == b.lastSeen && a.mean == b.mean && a.p95 == b.p95 && a.errors == b.errors
        && a.change == b.change;
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

void KeyListModel::setGroupName(const QString& tag)
{
    if (tag == m_groupName)
        return;
    m_groupName = tag;
    Q_EMIT headerDataChanged(Qt::Horizontal, GroupColumn, GroupColumn);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, GroupColumn), index(int(m_rows.size()) - 1, GroupColumn));
}

void KeyListModel::regroup(const QList<KeyRow>& rows, const QSet<RowId>& incoming)
{
    // A function whose rows change groups (the table was split by a tag, or joined again) keeps its first row in
    // place as one of its new ones: the selection, which lives on rows, stays on the function.
    QHash<KeyId, QList<const KeyRow*>> unplaced;
    for (const auto& row : rows) {
        if (rowOf(RowId { row.id, row.group }) < 0)
            unplaced[row.id].append(&row);
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        auto waiting = unplaced.find(m_rows[i].id);
        if (incoming.contains(RowId { m_rows[i].id, m_rows[i].group }) || waiting == unplaced.end()
            || waiting->isEmpty())
            continue;
        m_rows[i] = *waiting->takeFirst();
        first = first < 0 ? i : first;
        last = i;
    }
    if (first < 0)
        return;
    rebuildIndex();
    Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void KeyListModel::removeMissing(const QSet<RowId>& incoming)
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (incoming.contains(RowId { m_rows[row].id, m_rows[row].group }))
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
    m_firstRow.clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        m_index.insert(RowId { m_rows[i].id, m_rows[i].group }, i);
        if (!m_firstRow.contains(m_rows[i].id))
            m_firstRow.insert(m_rows[i].id, i);
    }
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
        return foreground(row, index.column());
    case KeyIdRole:
        return QVariant::fromValue(row.id);
    case GroupRole:
        return row.group ? QVariant::fromValue(*row.group) : QVariant();
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
    case GroupColumn:
        return groupText(row.group);
    case TokenColumn:
        return row.id.token.isEmpty() ? QStringLiteral("–") : row.id.token;
    case CallsColumn:
        return DisplayFormat::count(row.calls);
    case ErrorsColumn:
        return row.calls > 0 ? DisplayFormat::percent(errorRate(row)) : QStringLiteral("–");
    case LastSeenColumn:
        return DisplayFormat::clockTime(row.lastSeen, m_now);
    case MeanColumn:
        return optionalMs(row.mean);
    case P95Column:
        return optionalMs(row.p95);
    case P95ChangeColumn:
        return row.change && row.change->p95Pct ? DisplayFormat::change(*row.change->p95Pct) : QStringLiteral("–");
    case CallsChangeColumn:
        if (!row.change)
            return QStringLiteral("–");
        if (row.change->callsPct)
            return DisplayFormat::change(*row.change->callsPct);
        return row.calls > 0 ? tr("new") : QStringLiteral("–");
    default:
        return {};
    }
}

QString KeyListModel::groupText(const std::optional<TagGroup>& group) const
{
    if (!group)
        return {};
    switch (group->kind) {
    case TagGroup::Kind::Value:
        return group->value;
    case TagGroup::Kind::Other:
        return tr("(other values)");
    case TagGroup::Kind::Missing:
        return m_groupName.isEmpty() ? tr("(without the tag)") : tr("(no %1)").arg(m_groupName);
    }
    return {};
}

QVariant KeyListModel::foreground(const KeyRow& row, int column) const
{
    if (row.calls == 0 && column != KeyColumn)
        return QColor(Qt::gray);
    if (column == ErrorsColumn && row.errors > 0)
        return Failing;
    if (column == P95ChangeColumn && row.change && row.change->p95Pct
        && std::abs(*row.change->p95Pct) >= NotableChangePct)
        return *row.change->p95Pct > 0 ? Slower : Faster;
    return {};
}

QVariant KeyListModel::sortValue(const KeyRow& row, int column) const
{
    switch (column) {
    case KeyColumn:
        return row.id.key;
    case GroupColumn:
        return groupText(row.group);
    case TokenColumn:
        return row.id.token;
    case CallsColumn:
        return row.calls;
    case ErrorsColumn:
        return row.calls > 0 ? errorRate(row) : -1.0;
    case LastSeenColumn:
        return row.lastSeen;
    case MeanColumn:
        return row.mean.value_or(-1.0);
    case P95Column:
        return row.p95.value_or(-1.0);
    case P95ChangeColumn:
        return row.change && row.change->p95Pct ? *row.change->p95Pct : NothingSorts;
    case CallsChangeColumn:
        if (row.change && row.change->callsPct)
            return *row.change->callsPct;
        return row.change && row.calls > 0 ? NewSorts : NothingSorts;
    default:
        return {};
    }
}

QString KeyListModel::toolTip(const KeyRow& row) const
{
    QString tip = QStringLiteral("<b>%1</b>").arg(row.id.key.toHtmlEscaped());
    if (row.group)
        tip += QStringLiteral("<br>%1: %2").arg(m_groupName.toHtmlEscaped(), groupText(row.group).toHtmlEscaped());
    if (!row.id.token.isEmpty())
        tip += QStringLiteral("<br>token: %1").arg(row.id.token.toHtmlEscaped());
    tip += QStringLiteral("<br>%1 calls in the range · last call %2")
               .arg(DisplayFormat::count(row.calls), DisplayFormat::dateTime(row.lastSeen));
    if (row.errors > 0)
        tip += QStringLiteral("<br>%1 failed (%2)")
                   .arg(DisplayFormat::count(row.errors), DisplayFormat::percent(errorRate(row)));
    if (row.mean && row.p95)
        tip += QStringLiteral("<br>mean %1 · p95 %2")
                   .arg(DisplayFormat::duration(*row.mean), DisplayFormat::duration(*row.p95));
    if (row.change) {
        tip += QStringLiteral("<br>baseline: %1 calls").arg(DisplayFormat::count(row.change->baselineCalls));
        if (row.change->baselineP95)
            tip += QStringLiteral(" · p95 %1").arg(DisplayFormat::duration(*row.change->baselineP95));
    }
    return tip;
}

QVariant KeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* const titles[ColumnCount]
        = { "Function", "Group", "Token", "Calls", "Errors", "Last call", "Mean", "p95", "Δ p95", "Δ calls" };
    static const char* const tips[ColumnCount] = { "Module path and function name, as the decorator sent it",
        "The value of the tag the table is split by", "The KODEMON_TOKEN of the sending program",
        "Calls in the selected time range", "Failed calls, in % of the calls in the range",
        "When the newest call started", "Mean execution time in the selected range, in milliseconds",
        "95% of the calls in the selected range were at least this fast (milliseconds)",
        "Change of the p95 against the baseline (red: slower, green: faster)",
        "Change of the calls per second against the baseline" };
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return section == GroupColumn && !m_groupName.isEmpty() ? m_groupName : QString::fromUtf8(titles[section]);
    if (role == Qt::ToolTipRole)
        return QString::fromUtf8(tips[section]);
    if (role == Qt::TextAlignmentRole)
        return section >= CallsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                      : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    // Numbers sort the largest first on the first click: "what got slower since last week" is one click.
    if (role == Qt::InitialSortOrderRole)
        return section >= CallsColumn ? Qt::DescendingOrder : Qt::AscendingOrder;
    return {};
}

} // namespace Kodemon
