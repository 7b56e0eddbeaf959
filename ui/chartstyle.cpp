// SPDX-License-Identifier: MIT
#include "chartstyle.h"

#include "base/types.h"

#include <iterator>
#include <QAbstractAxis>
#include <QChart>
#include <QLegend>

namespace Kodemon::ChartStyle {

namespace {

constexpr qreal SmallFontScale = 0.9;
const QColor GridColor(0xe4, 0xe4, 0xe4);
const QColor MinorGridColor(0xf2, 0xf2, 0xf2);
const QColor AxisLineColor(0xb0, 0xb0, 0xb0);
const QColor TitleColor(0x60, 0x60, 0x60);

} // namespace

QFont smallFont(const QFont& base)
{
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * SmallFontScale);
    return small;
}

void apply(QChart* chart, const QFont& small)
{
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setFont(small);
    chart->setTitleFont(small);
    chart->setTitleBrush(TitleColor);
}

void apply(QAbstractAxis* axis, const QFont& small)
{
    axis->setLabelsFont(small);
    axis->setTitleFont(small);
    axis->setGridLineColor(GridColor);
    axis->setMinorGridLineColor(MinorGridColor);
    axis->setLinePenColor(AxisLineColor);
}

QColor seriesColor(int index)
{
    static const QRgb colors[]
        = { 0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac };
    return QColor(colors[index % int(std::size(colors))]);
}

QColor groupColor(const TagGroup& group, int valueIndex)
{
    switch (group.kind) {
    case TagGroup::Kind::Value:
        return seriesColor(valueIndex);
    case TagGroup::Kind::Other:
        return QColor(0x6b, 0x6b, 0x6b);
    case TagGroup::Kind::Missing:
        return QColor(0xa8, 0xa8, 0xa8);
    }
    return seriesColor(valueIndex);
}

QColor failureColor()
{
    return QColor(0xd6, 0x27, 0x28);
}

} // namespace Kodemon::ChartStyle
