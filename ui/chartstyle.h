// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QFont>

class QAbstractAxis;
class QChart;

namespace Kodemon {
struct TagGroup;
}

namespace Kodemon::ChartStyle {

// The look every chart of the window shares (the time chart, the histogram), in one place so that they do not
// drift apart: a smaller font for labels and legends, light grey grid lines, no animation.

QFont smallFont(const QFont& base);
// Background, animation, legend and title of a chart; margins stay each chart's own.
void apply(QChart* chart, const QFont& small);
// Labels, title, grid and minor grid of an axis.
void apply(QAbstractAxis* axis, const QFont& small);
// The colour of the index-th series (Tableau 10: distinct, readable on white, kind to common colour blindness).
QColor seriesColor(int index);
// The colour of a group of a chart split by a tag: the index-th value's series colour, greys for "other" and for
// the calls without the tag.
QColor groupColor(const TagGroup& group, int valueIndex);
// Failed calls and error rates.
QColor failureColor();

} // namespace Kodemon::ChartStyle
