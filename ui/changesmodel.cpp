// SPDX-License-Identifier: MIT
#include "changesmodel.h"

#include "displayformat.h"

#include <cmath>
#include <QColor>

namespace Kodemon {

namespace {

QString metricWord(ChangeMetric metric)
{
    switch (metric) {
    case ChangeMetric::Median:
        return QStringLiteral("p50");
    case ChangeMetric::P95:
        return QStringLiteral("p95");
    case ChangeMetric::ErrorRate:
        return ChangesModel::tr("errors");
    }
    return {};
}

double figureOf(const Change& change, const ChangeSide& side)
{
    switch (change.metric) {
    case ChangeMetric::Median:
        return side.p50;
    case ChangeMetric::P95:
        return side.p95;
    case ChangeMetric::ErrorRate:
        return side.errorRate();
    }
    return 0;
}

QString figureText(const Change& change, double value)
{
    return change.metric == ChangeMetric::ErrorRate ? DisplayFormat::percent(value * 100)
                                                    : DisplayFormat::duration(value);
}

QString superscript(const QString& digits)
{
    static const QString From = QStringLiteral("-0123456789");
    static const QString To = QStringLiteral("⁻⁰¹²³⁴⁵⁶⁷⁸⁹");
    QString out;
    for (QChar c : digits) {
        const auto at = From.indexOf(c);
        out += at < 0 ? QString() : QString(To[at]);
    }
    return out;
}

} // namespace

ChangesModel::ChangesModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

ChangesModel::~ChangesModel() = default;

void ChangesModel::setChanges(const QList<Change>& changes, double now)
{
    beginResetModel();
    m_changes = changes;
    m_now = now;
    endResetModel();
}

int ChangesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

int ChangesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChangesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Change& change = m_changes[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(change, index.column());
    case Qt::ToolTipRole:
        return toolTip(change, index.column());
    case Qt::ForegroundRole:
        if (index.column() == ChangeColumn)
            return change.improvement ? improvementColor() : regressionColor();
        return {};
    default:
        return {};
    }
}

QVariant ChangesModel::display(const Change& change, int column) const
{
    switch (column) {
    case ChangeColumn:
        return sizeText(change);
    case FunctionColumn:
        return DisplayFormat::shortKey(change.id.key);
    case WhenColumn:
        return DisplayFormat::clockTime(change.time, m_now);
    case FiguresColumn:
        return figuresText(change);
    case PValueColumn:
        return pValueText(change.pValue);
    case ReleaseColumn:
        return change.release.isEmpty() ? QString() : QStringLiteral("%1 %2").arg(change.releaseTag, change.release);
    case DeployColumn:
        return deployText(change);
    default:
        return {};
    }
}

QVariant ChangesModel::toolTip(const Change& change, int column) const
{
    switch (column) {
    case ChangeColumn:
        return change.improvement ? tr("An improvement") : tr("A regression");
    case FunctionColumn:
        return change.id.token.isEmpty() ? change.id.key : tr("%1 (token %2)").arg(change.id.key, change.id.token);
    case WhenColumn:
        return DisplayFormat::dateTime(change.time);
    case FiguresColumn:
        return tr("%1 calls before, %2 calls after (until the next change or the end of the range)")
            .arg(DisplayFormat::count(change.before.calls), DisplayFormat::count(change.callsAffected));
    case ReleaseColumn:
        return change.release.isEmpty() ? QVariant() : tr("The first %1 seen after the change").arg(change.releaseTag);
    case DeployColumn:
        return change.annotation ? QVariant(change.annotation->text) : QVariant();
    default:
        return tr("Double-click to show this function around the change, its two sides shaded");
    }
}

QVariant ChangesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ChangeColumn:
        return tr("Change");
    case FunctionColumn:
        return tr("Function");
    case WhenColumn:
        return tr("When");
    case FiguresColumn:
        return tr("Before → after");
    case PValueColumn:
        return tr("p-value");
    case ReleaseColumn:
        return tr("Release");
    case DeployColumn:
        return tr("Deploy marker");
    default:
        return {};
    }
}

QString ChangesModel::sizeText(const Change& change)
{
    return QStringLiteral("%1 %2").arg(metricWord(change.metric), DisplayFormat::change(change.relativeChange * 100));
}

QString ChangesModel::figuresText(const Change& change)
{
    return QStringLiteral("%1 → %2").arg(
        figureText(change, figureOf(change, change.before)), figureText(change, figureOf(change, change.after)));
}

QString ChangesModel::deployText(const Change& change)
{
    if (!change.annotation)
        return {};
    const double gap = change.time - change.annotation->time;
    return (gap >= 0 ? tr("%1 after “%2”") : tr("%1 before “%2”"))
        .arg(DisplayFormat::span(std::abs(gap)), change.annotation->text);
}

QString ChangesModel::pValueText(double p)
{
    if (std::isnan(p))
        return QStringLiteral("–");
    if (p <= 0)
        return QStringLiteral("< 10⁻³⁰⁰");
    if (p >= 0.001)
        return QString::number(p, 'g', 2);
    const QString text = QString::number(p, 'e', 1); // "3.1e-09"
    const QString mantissa = text.section(u'e', 0, 0);
    const int exponent = text.section(u'e', 1).toInt();
    return QStringLiteral("%1 × 10%2").arg(mantissa, superscript(QString::number(exponent)));
}

QColor ChangesModel::regressionColor()
{
    return QColor(0xc6, 0x28, 0x28); // as the statistics panel's "slower"
}

QColor ChangesModel::improvementColor()
{
    return QColor(0x2e, 0x7d, 0x32);
}

} // namespace Kodemon
